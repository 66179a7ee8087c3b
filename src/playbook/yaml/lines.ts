/** Offsets to 1-based line and column, counted the way `yaml`'s LineCounter does. */

/** Line starts of one text, for offset → line:col look-ups. */
export class LineIndex {
  private starts: Int32Array | null = null;

  constructor(private readonly text: string) {}

  /** 1-based line and column of `offset` (columns in UTF-16 units). */
  linePos(offset: number): { line: number; col: number } {
    const starts = (this.starts ??= lineStarts(this.text));
    // The last line start at or before offset.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo] + 1 };
  }
}

// Built on first use: most files are read without any position being asked for
// beyond the tasks' own, and a single pass with indexOf is cheap.
function lineStarts(text: string): Int32Array {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  const out = new Int32Array(n);
  let k = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out[k++] = i + 1;
  return out;
}
