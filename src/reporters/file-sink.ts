import fs from 'node:fs';

/** How long written text may wait in memory before it reaches the file. */
const FLUSH_MS = 50;
/** A pile this large is written at once. */
const FLUSH_BYTES = 64 * 1024;

const open = new Set<FileSink>();
let exitHooked = false;
/** Sinks holding text, and the one timer that writes them all (not a timer per sink and line: a run has one log per host). */
const dirty = new Set<FileSink>();
let timer: NodeJS.Timeout | undefined;

function flushDirty(): void {
  timer = undefined;
  for (const s of [...dirty]) s.flushQuietly();
}

/**
 * Appends text to a file (0600) in batches: one write call per 50 ms or
 * 64 KiB instead of one per line (one timer for all sinks), which on a busy
 * run is the difference between a few and hundreds of milliseconds of
 * blocked event loop. Every open sink is flushed when the process exits (a
 * crash included), so only a SIGKILL can lose the last 50 ms.
 *
 * A write that fails (disk full, EIO) closes the sink for good. A failure
 * in the flush timer cannot be thrown there (nothing would catch it but the
 * process): it is kept and thrown by the next `write`, `flush` or `close`,
 * which run inside the event bus, so the bus turns the reporter off with one
 * warning and the deploy goes on.
 */
export class FileSink {
  private fd: number | undefined;
  private pending: string[] = [];
  private size = 0;
  /** A failure not yet told to the caller. */
  private failure: Error | undefined;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a', 0o600);
    // Only a file of ours gets its mode set (never a device or someone else's file).
    if (fs.fstatSync(this.fd).isFile()) fs.fchmodSync(this.fd, 0o600);
    open.add(this);
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', () => {
        for (const s of open) s.flushQuietly();
      });
    }
  }

  write(text: string): void {
    this.raise();
    if (this.fd === undefined || text === '') return;
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_BYTES) this.flush();
    else {
      dirty.add(this);
      if (!timer) {
        timer = setTimeout(flushDirty, FLUSH_MS);
        timer.unref();
      }
    }
  }

  /** Writes what is pending, now; throws if this or an earlier write failed. */
  flush(): void {
    this.flushQuietly();
    this.raise();
  }

  close(): void {
    if (this.fd !== undefined) {
      this.flushQuietly();
      this.shut();
    }
    this.raise();
  }

  /** Writes what is pending; a failure is kept for the next call from the bus (callers outside the bus use this). */
  flushQuietly(): void {
    dirty.delete(this);
    if (this.fd === undefined || this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''));
    this.pending = [];
    this.size = 0;
    try {
      let off = 0;
      while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
    } catch (err) {
      this.failure = new Error(`${this.file}: ${(err as Error).message}`);
      this.shut();
    }
  }

  private shut(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // the failure that matters is already kept
    }
    this.fd = undefined;
    open.delete(this);
  }

  /** Throws a kept failure, once. */
  private raise(): void {
    const failure = this.failure;
    if (!failure) return;
    this.failure = undefined;
    throw failure;
  }
}
