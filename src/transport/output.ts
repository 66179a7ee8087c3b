/**
 * Keeps one output stream within a byte budget: the first half of the budget
 * as the head, the last half as the tail, and a marker line between them when
 * the middle was dropped. A deploy's interesting lines are usually the first
 * ones (what started) and the last ones (why it failed).
 */
export class OutputCap {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;
  private readonly half: number;

  constructor(readonly maxBytes: number) {
    this.half = Math.max(1, Math.floor(maxBytes / 2));
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headBytes < this.half) {
      const take = Math.min(this.half - this.headBytes, rest.length);
      this.head.push(rest.subarray(0, take));
      this.headBytes += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0) return;
    this.tail.push(rest);
    this.tailBytes += rest.length;
    // Drop whole chunks from the front while the rest still fills the tail half.
    while (this.tail.length > 1 && this.tailBytes - this.tail[0].length >= this.half) {
      this.tailBytes -= this.tail.shift()!.length;
    }
  }

  /** True when more than `maxBytes` arrived, so the middle is gone. */
  get truncated(): boolean {
    return this.total > this.maxBytes;
  }

  /** The kept text; a cut character at either edge of the gap is dropped, not mangled. */
  text(): string {
    const head = Buffer.concat(this.head);
    const tail = Buffer.concat(this.tail);
    if (!this.truncated) return Buffer.concat([head, tail]).toString('utf8');
    const tailKept = tail.subarray(tail.length - Math.min(tail.length, this.maxBytes - head.length));
    const dropped = this.total - head.length - tailKept.length;
    const headText = head.subarray(0, utf8Boundary(head, head.length)).toString('utf8');
    const tailText = tailKept.subarray(utf8Start(tailKept)).toString('utf8');
    const sep = headText.endsWith('\n') ? '' : '\n';
    return `${headText}${sep}[... playwatch: ${dropped} bytes of output cut here ...]\n${tailText}`;
  }
}

/** The largest index <= end that does not split a UTF-8 sequence. */
function utf8Boundary(buf: Buffer, end: number): number {
  let i = end;
  // Walk back over continuation bytes to the lead byte, then check it is complete.
  let back = 0;
  while (i > 0 && back < 4 && (buf[i - 1] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i === 0) return end;
  const lead = buf[i - 1];
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return need === back ? end : i - 1;
}

/** Index of the first byte that starts a character (skips leading continuation bytes). */
function utf8Start(buf: Buffer): number {
  let i = 0;
  while (i < buf.length && i < 3 && (buf[i] & 0xc0) === 0x80) i++;
  return i;
}
