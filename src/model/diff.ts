/**
 * The `diff` a module result carries under `--diff` and how it reads as
 * text, as ansible-core has them: a result's `diff` is one mapping (or a
 * list) with `before`/`after` (text, or mappings shown as sorted JSON) and
 * optional `before_header`/`after_header`; the default callback prints it
 * as a unified diff with 3 lines of context (`difflib.unified_diff`).
 * It lives in model/ because modules make it and reporters print it.
 */

export interface FileDiff {
  before?: string | Record<string, unknown>;
  after?: string | Record<string, unknown>;
  before_header?: string;
  after_header?: string;
  /** Text shown as is (ansible's `prepared`). */
  prepared?: string;
  /** Set instead of `before`/`after` when the content was not compared. */
  dst_binary?: number;
  src_binary?: number;
  dst_larger?: number;
  src_larger?: number;
}

/** ansible-core's `max_diff_size` default: larger files are not diffed. */
export const MAX_DIFF_SIZE = 104448;

/** Whether a result's `diff` holds anything worth printing. */
export function hasDiff(diff: unknown): boolean {
  const list = Array.isArray(diff) ? diff : diff && typeof diff === 'object' ? [diff] : [];
  return list.some((d) => formatOne(d as FileDiff) !== '');
}

/**
 * The text ansible's default callback prints for a result's `diff`
 * (`CallbackBase._get_diff`), without colour; '' when there is nothing.
 */
export function formatDiff(diff: unknown): string {
  const list = Array.isArray(diff) ? diff : diff && typeof diff === 'object' ? [diff] : [];
  return list.map((d) => formatOne(d as FileDiff)).join('');
}

function formatOne(d: FileDiff): string {
  const out: string[] = [];
  if (d.dst_binary) out.push('diff skipped: destination file appears to be binary\n');
  if (d.src_binary) out.push('diff skipped: source file appears to be binary\n');
  if (d.dst_larger) out.push(`diff skipped: destination file size is greater than ${d.dst_larger}\n`);
  if (d.src_larger) out.push(`diff skipped: source file size is greater than ${d.src_larger}\n`);
  if (d.before !== undefined && d.after !== undefined) {
    const before = asText(d.before);
    const after = asText(d.after);
    const lines = unifiedDiff(
      keepEnds(before), keepEnds(after),
      d.before_header !== undefined ? `before: ${d.before_header}` : 'before',
      d.after_header !== undefined ? `after: ${d.after_header}` : 'after',
    );
    if (lines.length) out.push(...lines, '\n');
  }
  if (d.prepared) out.push(d.prepared);
  return out.join('');
}

function asText(v: string | Record<string, unknown>): string {
  return typeof v === 'string' ? v : `${JSON.stringify(sortKeys(v), null, 4)}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** Lines with their ends kept; a last line without one is marked as difflib output shows it. */
function keepEnds(s: string): string[] {
  if (s === '') return [];
  const lines = s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const last = lines.length - 1;
  if (!lines[last].endsWith('\n')) lines[last] += '\n\\ No newline at end of file\n';
  return lines;
}

/** An edit: `=` kept, `-` only in a, `+` only in b, with the line indexes. */
type Op = { kind: '=' | '-' | '+'; a: number; b: number };

/** Myers' O(ND) diff of two line arrays into a list of edits. */
export function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
  }
  // Walk back through the saved frontiers to recover the path.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[max + k - 1] < vd[max + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[max + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ kind: '=', a: x, b: y });
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ kind: '+', a: x, b: --y });
    else ops.push({ kind: '-', a: --x, b: y });
  }
  return ops.reverse();
}

/** `difflib.unified_diff(a, b, fromfile, tofile, n=context)` for lines that keep their ends. */
export function unifiedDiff(a: string[], b: string[], fromfile: string, tofile: string, context = 3): string[] {
  const ops = diffLines(a, b);
  const changed = ops.map((o, i) => (o.kind === '=' ? -1 : i)).filter((i) => i >= 0);
  if (!changed.length) return [];
  const out = [`--- ${fromfile}\n`, `+++ ${tofile}\n`];
  let i = 0;
  while (i < changed.length) {
    let start = Math.max(0, changed[i] - context);
    let end = Math.min(ops.length, changed[i] + context + 1);
    // Merge changes whose context would touch or overlap (2n lines apart or closer).
    while (i + 1 < changed.length && changed[i + 1] - context <= end) {
      i++;
      end = Math.min(ops.length, changed[i] + context + 1);
    }
    i++;
    const hunk = ops.slice(start, end);
    const aStart = hunk.find((o) => o.kind !== '+')?.a ?? firstIndex(ops, start, 'a');
    const bStart = hunk.find((o) => o.kind !== '-')?.b ?? firstIndex(ops, start, 'b');
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@\n`);
    for (const o of hunk) out.push(o.kind === '=' ? ` ${a[o.a]}` : o.kind === '-' ? `-${a[o.a]}` : `+${b[o.b]}`);
    start = end;
  }
  return out;
}

/** Where a side's range starts when the hunk has none of its lines: the index after the last line before. */
function firstIndex(ops: Op[], at: number, side: 'a' | 'b'): number {
  for (let j = at; j < ops.length; j++) {
    if (side === 'a' && ops[j].kind !== '+') return ops[j].a;
    if (side === 'b' && ops[j].kind !== '-') return ops[j].b;
  }
  return side === 'a' ? ops.filter((o) => o.kind !== '+').length : ops.filter((o) => o.kind !== '-').length;
}

/** difflib's `_format_range_unified`. */
function range(start: number, length: number): string {
  if (length === 1) return String(start + 1);
  return `${length ? start + 1 : start},${length}`;
}
