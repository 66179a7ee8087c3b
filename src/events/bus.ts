import { performance } from 'node:perf_hooks';
import type { NewEvent, Reporter, RunEvent } from './types.js';

/**
 * The one dispatch point. Stamps each event with monotonic and wall time
 * and hands it to every reporter; a reporter that throws is warned about
 * once and never fails the run.
 */
export class EventBus {
  private readonly reporters: Reporter[] = [];
  private readonly broken = new Set<string>();
  private readonly origin: number;
  private readonly now: () => number;
  /** Called with a message when a reporter throws (the CLI prints it to stderr). */
  onWarning: (message: string) => void = (m) => process.stderr.write(`[WARNING]: ${m}\n`);

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
    for (const r of this.reporters) {
      if (this.broken.has(r.name)) continue;
      try {
        r.onEvent(event);
      } catch (err) {
        this.broken.add(r.name);
        this.onWarning(`reporter '${r.name}' failed and was turned off: ${(err as Error).message}`);
      }
    }
    return event;
  }

  /** Lets every reporter finish its files; errors become warnings. */
  async close(): Promise<void> {
    for (const r of this.reporters) {
      try {
        await r.close?.();
      } catch (err) {
        this.onWarning(`reporter '${r.name}' failed while closing: ${(err as Error).message}`);
      }
    }
  }
}
