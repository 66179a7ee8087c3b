/**
 * The record's budget for streamed output (DESIGN §12 "Output in the
 * record"): each task and host keeps its first `max` bytes of `host.output`
 * (both streams together); the rest is counted, not emitted, and one marker
 * says how much was dropped once that task's output on that host ends. The
 * result's own `stdout`/`stderr` are capped by the transport.
 */

/** The default of `output_record_max`: 8 MiB per task and host. */
export const OUTPUT_RECORD_MAX = 8 * 1024 * 1024;

interface Budget {
  kept: number;
  dropped: number;
  stream: 'stdout' | 'stderr';
}

export class OutputBudget {
  private readonly budgets = new Map<string, Budget>();

  constructor(readonly max = OUTPUT_RECORD_MAX) {}

  /** The part of `chunk` the record keeps ('' when none), counting what it drops. */
  take(key: string, stream: 'stdout' | 'stderr', chunk: string): string {
    let b = this.budgets.get(key);
    if (!b) this.budgets.set(key, (b = { kept: 0, dropped: 0, stream }));
    const bytes = Buffer.byteLength(chunk);
    if (b.dropped === 0 && b.kept + bytes <= this.max) {
      b.kept += bytes;
      return chunk;
    }
    // Cut at a byte count, then drop a character the cut split in two.
    const room = b.dropped === 0 ? this.max - b.kept : 0;
    const kept = room > 0 ? Buffer.from(chunk).subarray(0, room).toString('utf8').replace(/\uFFFD$/, '') : '';
    const keptBytes = Buffer.byteLength(kept);
    b.kept += keptBytes;
    b.dropped += bytes - keptBytes;
    b.stream = stream;
    return kept;
  }

  /** Ends the budgets whose key starts with `prefix`: what each dropped, for its marker. */
  end(prefix: string): { key: string; dropped: number; stream: 'stdout' | 'stderr' }[] {
    const out: { key: string; dropped: number; stream: 'stdout' | 'stderr' }[] = [];
    for (const [key, b] of this.budgets) {
      if (!key.startsWith(prefix)) continue;
      this.budgets.delete(key);
      if (b.dropped > 0) out.push({ key, dropped: b.dropped, stream: b.stream });
    }
    return out;
  }
}

/** The marker's text, as it shows in host logs and views. */
export function droppedNotice(dropped: number, max: number): string {
  return `\n[playwatch: ${dropped} more bytes of output were not recorded (output_record_max: ${max})]\n`;
}
