/**
 * Splits one stream of a shell session into the command's bytes and the
 * session's records (`<prefix><type><payload>\n`, see shell-script.ts).
 * Bytes pass on as they arrive, except a tail that could be the start of a
 * record: it waits for the next chunk (usually nothing, at most the
 * prefix's length). Binary output and lines of any length pass untouched.
 */
export interface Record {
  type: string;
  payload: string;
}

export type Piece = { bytes: Buffer } | { record: Record };

const EMPTY = Buffer.alloc(0);

export class RecordScanner {
  private held: Buffer = EMPTY;
  private readonly prefix: Buffer;

  constructor(prefix: string) {
    this.prefix = Buffer.from(prefix, 'latin1');
  }

  /** The pieces of a chunk, in stream order. */
  push(chunk: Buffer): Piece[] {
    let buf = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = EMPTY;
    const pieces: Piece[] = [];
    for (;;) {
      const at = buf.indexOf(this.prefix);
      if (at < 0) break;
      const nl = buf.indexOf(0x0a, at + this.prefix.length);
      if (nl < 0) {
        // A record cut by the chunk boundary: hold it whole.
        if (at > 0) pieces.push({ bytes: buf.subarray(0, at) });
        this.held = Buffer.from(buf.subarray(at));
        return pieces;
      }
      if (at > 0) pieces.push({ bytes: buf.subarray(0, at) });
      const body = buf.subarray(at + this.prefix.length, nl).toString('latin1');
      pieces.push({ record: { type: body.slice(0, 1), payload: body.slice(1) } });
      buf = buf.subarray(nl + 1);
    }
    const keep = partialPrefix(buf, this.prefix);
    if (buf.length - keep > 0) pieces.push({ bytes: buf.subarray(0, buf.length - keep) });
    if (keep) this.held = Buffer.from(buf.subarray(buf.length - keep));
    return pieces;
  }

  /** What is held back (the stream ended without completing a record). */
  flush(): Buffer {
    const out = this.held;
    this.held = EMPTY;
    return out;
  }
}

/** The length of the longest tail of `buf` that is a proper start of `prefix`. */
function partialPrefix(buf: Buffer, prefix: Buffer): number {
  const first = prefix[0];
  let from = Math.max(0, buf.length - prefix.length + 1);
  for (;;) {
    const at = buf.indexOf(first, from);
    if (at < 0) return 0;
    const n = buf.length - at;
    if (buf.subarray(at).equals(prefix.subarray(0, n))) return n;
    from = at + 1;
  }
}
