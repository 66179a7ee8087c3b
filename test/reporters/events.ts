/** Builds hand-made event sequences for reporter tests: times advance only when told. */
import type { NewEvent, RunEvent, TaskRef } from '../../src/events/index.js';

/** 2015-12-09 09:51:49 UTC, the seed's example run (11:51:49 in Helsinki). */
export const T0 = Date.UTC(2015, 11, 9, 9, 51, 49);

export class Script {
  readonly events: RunEvent[] = [];
  private at = 0;
  private nextId = 1;

  /** Moves the clock forward by `ms`. */
  wait(ms: number): this {
    this.at += ms;
    return this;
  }

  emit(e: NewEvent): this {
    this.events.push({ ...e, at: this.at, wall: T0 + this.at } as RunEvent);
    return this;
  }

  /** A new task reference; `id` counts up like the engine's. */
  task(name: string, extra: Partial<TaskRef> = {}): TaskRef {
    return { id: this.nextId++, name, path: `site.yml:${this.nextId * 4}:7`, play: 0, n: 1, ...extra };
  }

  /** The same task started again (another serial batch): same path, new id. */
  again(ref: TaskRef): TaskRef {
    return { ...ref, id: this.nextId++ };
  }
}
