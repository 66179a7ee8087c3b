/**
 * A first-come, first-served cap on concurrent channels. OpenSSH's
 * MaxSessions (10 by default) is not a queue: the 11th channel on a
 * connection fails, so playwatch queues before asking.
 */
export class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** The most slots ever held at once (for tests and benchmarks). */
  peak = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`channel cap must be a positive integer, got ${size}`);
  }

  /** Slots in use now. */
  get inUse(): number {
    return this.active;
  }

  /**
   * Waits for a slot; resolves with its release function, or with undefined
   * when `signal` aborts while waiting (nothing is held then).
   */
  acquire(signal?: AbortSignal): Promise<(() => void) | undefined> {
    if (signal?.aborted) return Promise.resolve(undefined);
    if (this.active < this.size) return Promise.resolve(this.take());
    return new Promise((resolve) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.take());
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(undefined);
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private take(): () => void {
    this.active++;
    if (this.active > this.peak) this.peak = this.active;
    let released = false;
    return () => {
      if (released) return; // releasing twice must not free someone else's slot
      released = true;
      this.active--;
      const next = this.waiting.shift();
      if (next) next();
    };
  }
}
