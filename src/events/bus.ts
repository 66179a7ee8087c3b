import { performance } from 'node:perf_hooks';
import type { NewEvent, Reporter, RunEvent } from './types.js';

/**
 * The one dispatch point. Stamps each event with monotonic and wall time
 * and hands it to every reporter. A reporter that throws is turned off and
 * never fails the run; the others hear about it as a `warning` event, so
 * the presenter shows it (the bus itself never writes anywhere).
 */
export class EventBus {
  private readonly reporters: Reporter[] = [];
  private readonly broken = new Set<string>();
  private readonly origin: number;
  private readonly now: () => number;

  constructor(opts: { now?: () => number } = {}) {
    this.now = opts.now ?? (() => performance.now());
    this.origin = this.now();
  }

  add(reporter: Reporter): void {
    this.reporters.push(reporter);
  }

  /** Milliseconds since the bus was made. */
  elapsed(): number {
    return this.now() - this.origin;
  }

  emit(partial: NewEvent): RunEvent {
    const event = { ...partial, at: Math.round(this.elapsed() * 1000) / 1000, wall: Date.now() } as RunEvent;
    const failed: string[] = [];
    for (const r of this.reporters) {
      if (this.broken.has(r.name)) continue;
      try {
        r.onEvent(event);
      } catch (err) {
        this.broken.add(r.name);
        failed.push(`reporter '${r.name}' failed and was turned off: ${(err as Error).message}`);
      }
    }
    // After the loop, so every reporter saw this event before it hears of the failure.
    for (const message of failed) this.emit({ type: 'warning', message });
    return event;
  }

  /**
   * Lets every reporter finish its files, in order. A reporter that fails
   * here cannot be told to the presenter (it may be closed already): the
   * messages are returned for the caller to print once the screen is free.
   */
  async close(): Promise<string[]> {
    const warnings: string[] = [];
    for (const r of this.reporters) {
      try {
        await r.close?.();
      } catch (err) {
        warnings.push(`reporter '${r.name}' failed while closing: ${(err as Error).message}`);
      }
    }
    return warnings;
  }
}
