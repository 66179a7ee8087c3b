import type { ShellSession } from './shell-session.js';
import { UnreachableError } from './types.js';

/**
 * A host's shell sessions (shell mode): an idle one is reused, else a new
 * one is opened, up to what the server allows. The channel cap (Slots)
 * already bounds commands in flight, so sessions never outnumber it; a
 * server whose MaxSessions is lower refuses a channel, and from then on
 * commands wait for one of the sessions already open.
 */
export class SessionPool {
  private idle: ShellSession[] = [];
  private readonly all = new Set<ShellSession>();
  private waiters: ((s?: ShellSession) => void)[] = [];
  private cap = Infinity;
  private opening = 0;

  /** `open(retry)`: a new ready session; `retry` lets it wait out refusals (no session to wait for). */
  constructor(private readonly open: (retry: boolean) => Promise<ShellSession>) {}

  get size(): number {
    return this.all.size;
  }

  async take(): Promise<ShellSession> {
    for (;;) {
      const idle = this.idle.pop();
      if (idle) {
        if (idle.alive) return idle;
        this.all.delete(idle);
        continue;
      }
      if (this.all.size + this.opening < this.cap) {
        this.opening++;
        try {
          const s = await this.open(this.all.size === 0);
          this.all.add(s);
          return s;
        } catch (err) {
          // A refused channel while others are open (or opening): wait for one of ours.
          const others = this.all.size + this.opening - 1;
          if (err instanceof UnreachableError || others === 0 || (err as { shellRefused?: boolean }).shellRefused) {
            this.waiters.shift()?.(undefined);
            throw err;
          }
          this.cap = others;
          continue;
        } finally {
          this.opening--;
        }
      }
      const s = await new Promise<ShellSession | undefined>((resolve) => this.waiters.push(resolve));
      if (s) return s;
    }
  }

  /** A session back from a command: reused when still good, else dropped. */
  give(s: ShellSession, reuse: boolean): void {
    if (!reuse || !s.alive) {
      s.destroy();
      this.all.delete(s);
      this.waiters.shift()?.(undefined); // room for a new one
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(s);
    else this.idle.push(s);
  }

  /** Ends every idle session and forgets them all (the connection is closing or gone). */
  clear(): void {
    for (const s of this.idle) s.destroy();
    this.idle = [];
    this.all.clear();
    this.cap = Infinity;
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
