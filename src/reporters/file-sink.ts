import fs from 'node:fs';

/** How long written text may wait in memory before it reaches the file. */
const FLUSH_MS = 50;
/** A pile this large is written at once. */
const FLUSH_BYTES = 64 * 1024;

const open = new Set<FileSink>();
let exitHooked = false;

/**
 * Appends text to a file (0600) in batches: one write call per 50 ms or
 * 64 KiB instead of one per line, which on a busy run is the difference
 * between a few and hundreds of milliseconds of blocked event loop. Every
 * open sink is flushed when the process exits (a crash included), so only
 * a SIGKILL can lose the last 50 ms.
 */
export class FileSink {
  private fd: number | undefined;
  private pending: string[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a', 0o600);
    fs.fchmodSync(this.fd, 0o600);
    open.add(this);
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', () => {
        for (const s of open) s.flush();
      });
    }
  }

  write(text: string): void {
    if (this.fd === undefined || text === '') return;
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_BYTES) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes what is pending, now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.fd === undefined || this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''));
    this.pending = [];
    this.size = 0;
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    fs.closeSync(this.fd);
    this.fd = undefined;
    open.delete(this);
  }
}
