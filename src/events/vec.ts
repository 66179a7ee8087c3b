/**
 * A small persistent vector: `reduce` and the profiler keep per-host and
 * per-task lists in it, so one event copies a few dozen slots, not the list.
 */

const CHUNK = 32;

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
  const chunks = v.chunks.slice();
  const last = chunks[chunks.length - 1];
  if (!last || last.length === CHUNK) chunks.push([value]);
  else chunks[chunks.length - 1] = [...last, value];
  return { chunks, length: v.length + 1 };
}

/** A copy of `v` with element `i` replaced. */
export function vecSet<T>(v: Vec<T>, i: number, value: T): Vec<T> {
  const c = Math.floor(i / CHUNK);
  const chunk = v.chunks[c]!.slice();
  chunk[i % CHUNK] = value;
  const chunks = v.chunks.slice();
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

