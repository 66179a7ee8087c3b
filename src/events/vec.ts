/**
 * A small persistent vector: `reduce` and the profiler keep per-host and
 * per-task lists in it, so one event copies a few dozen slots, not the list.
 */

const CHUNK = 32;

/**
 * Arrays made during the current `transiently` call. Nobody outside the
 * call has seen them, so push and set may write into them instead of
 * copying them again: a burst of events folded in one go copies each
 * touched chunk once, not once per event.
 */
let owned: WeakSet<object> | undefined;

/**
 * Runs `fn` with vectors made inside it writable in place. Only for a fold
 * whose intermediate states are all thrown away (the TUI's store folds a
 * frame's events this way): a `Vec` made inside may change under a holder
 * of an earlier intermediate, never one made before the call.
 */
export function transiently<R>(fn: () => R): R {
  const outer = owned;
  owned = new WeakSet();
  try {
    return fn();
  } finally {
    owned = outer;
  }
}

/** `a` itself when made in this `transiently` call, else a copy (marked as made here). */
function writable<T>(a: ReadonlyArray<T>): T[] {
  if (!owned) return a.slice();
  if (owned.has(a)) return a as T[];
  const copy = a.slice();
  owned.add(copy);
  return copy;
}

/** An immutable list stored in chunks of 32: push and set copy one chunk and the chunk index. */
export interface Vec<T> {
  readonly chunks: ReadonlyArray<ReadonlyArray<T>>;
  readonly length: number;
}

/** An empty `Vec`. */
export function emptyVec<T>(): Vec<T> {
  return { chunks: [], length: 0 };
}

/** The element at `i` (undefined when out of range). */
export function vecGet<T>(v: Vec<T>, i: number): T | undefined {
  return i >= 0 && i < v.length ? v.chunks[Math.floor(i / CHUNK)]![i % CHUNK] : undefined;
}

/** A copy of `v` with `value` appended. */
export function vecPush<T>(v: Vec<T>, value: T): Vec<T> {
  const chunks = writable(v.chunks);
  const last = chunks[chunks.length - 1];
  if (!last || last.length === CHUNK) {
    const chunk = [value];
    owned?.add(chunk);
    chunks.push(chunk);
  } else {
    const chunk = writable(last);
    chunk.push(value);
    chunks[chunks.length - 1] = chunk;
  }
  return { chunks, length: v.length + 1 };
}

/** A copy of `v` with element `i` replaced. */
export function vecSet<T>(v: Vec<T>, i: number, value: T): Vec<T> {
  const c = Math.floor(i / CHUNK);
  const chunk = writable(v.chunks[c]!);
  chunk[i % CHUNK] = value;
  const chunks = writable(v.chunks);
  chunks[c] = chunk;
  return { chunks, length: v.length };
}

/** All elements in order. */
export function vecToArray<T>(v: Vec<T>): T[] {
  return v.chunks.flat() as T[];
}

/** A `Vec` holding `values`. */
export function vecFrom<T>(values: readonly T[]): Vec<T> {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) chunks.push(values.slice(i, i + CHUNK));
  return { chunks, length: values.length };
}

