/**
 * The one controller that signals, the TUI and tests use to steer a run.
 * Drain: nothing new starts, running tasks finish. Kill: running commands
 * are ended too (their process groups, through the abort signal).
 */
export class RunControl {
  private readonly killer = new AbortController();
  /** One signal per host, aborted with the run's: see `signalFor`. */
  private readonly hostKillers = new Map<string, AbortController>();
  private drainRequested = false;
  private pauseWaiters: Array<() => void> = [];
  private pausedFlag = false;
  /** Called when the operator asks for an abort (the engine emits the event). */
  onAbort?: (mode: 'drain' | 'kill', source: string) => void;
  /** Called when the run is paused or resumed (the engine emits the event). */
  onPause?: (paused: boolean, source: string) => void;

  /** Aborted on kill: transports end running commands when it fires. */
  get signal(): AbortSignal {
    return this.killer.signal;
  }

  /**
   * The kill signal for the waits and commands of one host. Every sleep,
   * exec and channel wait listens while it lasts; on one run-wide signal,
   * 11 hosts waiting at once pass Node's limit of 10 listeners and Node
   * prints a warning over the screen. A host waits on one thing at a time,
   * so its own signal stays far below the limit. Aborted by `kill` (not
   * through a listener on the run's signal, which would be one per host).
   */
  signalFor(host: string): AbortSignal {
    let c = this.hostKillers.get(host);
    if (!c) {
      c = new AbortController();
      if (this.killed) c.abort(this.killer.signal.reason);
      this.hostKillers.set(host, c);
    }
    return c.signal;
  }

  get draining(): boolean {
    return this.drainRequested;
  }

  get killed(): boolean {
    return this.killer.signal.aborted;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  /** Whether anything new may start. */
  get stopping(): boolean {
    return this.drainRequested || this.killed;
  }

  drain(source = 'api'): void {
    if (this.stopping) return;
    this.drainRequested = true;
    this.resume(source);
    this.onAbort?.('drain', source);
  }

  kill(source = 'api'): void {
    if (this.killed) return;
    this.drainRequested = true;
    this.resume(source);
    this.onAbort?.('kill', source);
    const reason = new Error('killed by the operator');
    this.killer.abort(reason);
    for (const c of this.hostKillers.values()) c.abort(reason);
  }

  /** First request drains, the second kills (Ctrl-C in plain mode). */
  escalate(source = 'api'): void {
    if (this.drainRequested) this.kill(source);
    else this.drain(source);
  }

  pause(source = 'api'): void {
    if (this.pausedFlag || this.stopping) return;
    this.pausedFlag = true;
    this.onPause?.(true, source);
  }

  resume(source = 'api'): void {
    if (this.pausedFlag) {
      this.pausedFlag = false;
      this.onPause?.(false, source);
    }
    const waiters = this.pauseWaiters;
    this.pauseWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once the run is not paused. */
  async waitWhilePaused(): Promise<void> {
    if (!this.pausedFlag) return;
    await new Promise<void>((resolve) => this.pauseWaiters.push(resolve));
  }
}
