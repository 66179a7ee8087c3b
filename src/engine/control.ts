/**
 * The one controller that signals, the TUI and tests use to steer a run.
 * Drain: nothing new starts, running tasks finish. Kill: running commands
 * are ended too (their process groups, through the abort signal).
 */
export class RunControl {
  private readonly killer = new AbortController();
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
    this.killer.abort(new Error('killed by the operator'));
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
