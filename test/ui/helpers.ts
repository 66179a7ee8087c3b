/** Shared pieces of the UI tests: the recorded demo stream, a fake run control, mounting the app. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { parseRecord, type NewEvent, type RunEvent } from '../../src/events/index.js';
import { App, type AppProps } from '../../src/ui/App.js';
import { RunStore } from '../../src/ui/store.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The demo run recorded with `--ui json` (facts trimmed, paths made relative); a schema-1 record, read as a replay reads it. */
export function demoEvents(): RunEvent[] {
  return parseRecord(fs.readFileSync(path.join(here, 'fixtures/demo.ndjson'), 'utf8'), 'demo.ndjson');
}

/**
 * Records what the app asked of the run and, standing in for the engine,
 * emits the events a real run would (`run.paused`, `abort.requested` …):
 * the app learns what the run does only from them.
 */
export class FakeControl {
  calls: string[] = [];
  constructor(private readonly emit: (e: NewEvent) => void = () => undefined) {}
  pause(source = 'api') {
    this.calls.push(`pause:${source}`);
    this.emit({ type: 'run.paused', source });
  }
  resume(source = 'api') {
    this.calls.push(`resume:${source}`);
    this.emit({ type: 'run.resumed', source });
  }
  drain(source = 'api') {
    this.calls.push(`drain:${source}`);
    this.emit({ type: 'abort.requested', mode: 'drain', source });
  }
  kill(source = 'api') {
    this.calls.push(`kill:${source}`);
    this.emit({ type: 'abort.requested', mode: 'kill', source });
  }
}

/** A store with a hand-moved clock, fed `events`, with every frame published at once. */
export function storeWith(events: RunEvent[], clockAt?: number) {
  const clock = { t: 0 };
  const store = new RunStore({ frameMs: 0, now: () => clock.t });
  for (const e of events) store.dispatch(e);
  clock.t = clockAt ?? 0;
  store.publish();
  return { store, clock };
}

/** Lets ink and React settle after input or a publish. */
export const settle = () => new Promise((r) => setTimeout(r, 30));

/** Mounts the app at a fixed size; returns the testing handle, the store and the control. */
export function mountApp(events: RunEvent[], opts: Partial<AppProps> & { clockAt?: number } = {}) {
  const { store, clock } = storeWith(events, opts.clockAt);
  const control = new FakeControl((e) => store.dispatch({ ...e, at: store.state.lastAt, wall: 0 } as RunEvent));
  const quits: number[] = [];
  const ui = render(
    createElement(App, {
      store,
      control,
      playbook: 'fixtures/demo/site.yml',
      columns: 120,
      rows: 30,
      onQuit: () => quits.push(1),
      ...opts,
    }),
  );
  /** Waits until no new frame has come for a while (a loaded machine may take longer). */
  const quiet = async () => {
    await settle();
    // Quiet means two looks in a row found no new frame (up to 2 s in all).
    for (let seen = ui.frames.length, still = 0, i = 0; still < 2 && i < 40; i++) {
      await new Promise((r) => setTimeout(r, 25));
      still = seen === ui.frames.length ? still + 1 : 0;
      seen = ui.frames.length;
    }
  };
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      ui.stdin.write(k);
      await quiet();
    }
  };
  return { ui, store, clock, control, quits, press, quiet, frame: () => ui.lastFrame() ?? '' };
}

/** Key sequences as a terminal sends them. */
export const KEY = { up: '\x1b[A', down: '\x1b[B', enter: '\r', esc: '\x1b', ctrlC: '\x03', pageDown: '\x1b[6~', backspace: '\x7f' };
