/**
 * The TUI's incremental path: events folded once per frame (the store,
 * `reduceAll`) and host rows kept from frame to frame (`HostRows`) give
 * exactly what folding every event and deriving every row from scratch give.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, reduce, reduceAll, vecGet, type RunEvent, type RunState, type TaskRef } from '../../src/events/index.js';
import { finalLines } from '../../src/ui/final.js';
import { HostRows, hostTally, visibleHosts, type HostQuery } from '../../src/ui/host-rows.js';
import { RunStore } from '../../src/ui/store.js';
import { Script } from '../reporters/events.js';
import { demoEvents } from './helpers.js';

const fold = (events: readonly RunEvent[]) => events.reduce(reduce, initialState());

/** `n` hosts × `tasks` tasks: every 5th host fails task 1, every 4th host's output streams. */
function deploy(n: number, tasks: number): RunEvent[] {
  const sc = new Script();
  const hosts = Array.from({ length: n }, (_, i) => `web${String(i + 1).padStart(3, '0')}`);
  sc.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'deploy.yml', runDir: 'runs/r', hosts, check: false, argv: [] });
  sc.emit({ type: 'play.start', index: 0, total: 1, name: 'Deploy', hosts });
  const failed = new Set<string>();
  for (let t = 0; t < tasks; t++) {
    const task: TaskRef = sc.task(`Step ${t}`, { role: 'app' });
    sc.emit({ type: 'task.start', task });
    const live = hosts.filter((h) => !failed.has(h));
    for (const host of live) sc.wait(1).emit({ type: 'host.start', task, host });
    live.forEach((host, i) => {
      if (i % 4 === 0) sc.wait(1).emit({ type: 'host.output', task, host, stream: 'stdout', chunk: `line ${t}\n` });
      if (t === 1 && i % 5 === 2) {
        failed.add(host);
        sc.wait(1).emit({ type: 'host.failed', task, host, result: { rc: 1, stderr: 'boom' }, ignored: false });
      } else sc.wait(1).emit({ type: 'host.ok', task, host, changed: i % 3 === 0, result: { rc: 0, stdout: `done ${i}` } });
    });
  }
  sc.emit({ type: 'play.end', index: 0 });
  const stats = fold(sc.events).hosts;
  const byHost = Object.fromEntries(hosts.map((h, i) => [h, vecGet(stats, i)!.stats]));
  sc.emit({ type: 'run.end', exitCode: 2, aborted: false, durationMs: sc.events.at(-1)!.at, stats: byHost });
  return sc.events;
}

/** `events` cut into bursts of these sizes, in turn (a frame's worth each). */
function bursts(events: readonly RunEvent[], sizes: readonly number[]): RunEvent[][] {
  const out: RunEvent[][] = [];
  for (let i = 0, k = 0; i < events.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(events.slice(i, i + n));
    i += n;
  }
  return out;
}

test('folding a frame of events at once gives the state that folding them one by one gives', () => {
  const cases: Array<{ name: string; events: RunEvent[]; sizes: number[] }> = [
    { name: 'the demo record, bursts of 1 to 40', events: demoEvents(), sizes: [1, 7, 40, 3] },
    { name: '120 hosts × 3 tasks, bursts of 50 and 500', events: deploy(120, 3), sizes: [50, 500] },
  ];
  for (const c of cases) {
    let s = initialState();
    for (const b of bursts(c.events, c.sizes)) s = reduceAll(s, b);
    assert.deepEqual(s, fold(c.events), c.name);
  }
});

test('a fold leaves the state it started from as it was (a published frame never changes under the screen)', () => {
  const events = deploy(80, 2);
  const half = Math.floor(events.length / 2);
  const before = reduceAll(initialState(), events.slice(0, half));
  const copy = structuredClone(before);
  // The second half touches every host the first half touched: any write into a shared chunk would show.
  const after = reduceAll(before, events.slice(half));
  assert.deepEqual(before, copy);
  assert.notDeepEqual(after, before);
});

test('the store folds queued events when a frame is published or its state is read', () => {
  const events = deploy(40, 2);
  const clock = { t: 0 };
  const store = new RunStore({ frameMs: 1e9, now: () => clock.t });
  const first = store.snapshot();
  for (const e of events.slice(0, 100)) store.dispatch(e);
  assert.equal(store.snapshot(), first, 'nothing published between frames');
  assert.deepEqual(store.state, fold(events.slice(0, 100)), 'reading the state folds what is queued');
  for (const e of events.slice(100)) store.dispatch(e);
  store.publish();
  assert.deepEqual(store.snapshot(), fold(events));
});

const QUERIES: Array<{ name: string; q: HostQuery }> = [
  { name: 'problems first', q: { problemsFirst: true, failedOnly: false, filter: '' } },
  { name: 'inventory order', q: { problemsFirst: false, failedOnly: false, filter: '' } },
  { name: 'failed only', q: { problemsFirst: true, failedOnly: true, filter: '' } },
  { name: 'filter by name', q: { problemsFirst: true, failedOnly: false, filter: 'web0' } },
  { name: 'filter by inventory group', q: { problemsFirst: false, failedOnly: false, filter: 'canary', groups: { web007: ['canary'], web042: ['canary'] } } },
];

test('rows kept from frame to frame equal the rows derived from scratch, frame after frame, for every sort and filter', () => {
  const events = deploy(150, 3);
  for (const { name, q } of QUERIES) {
    const rows = new HostRows();
    let s: RunState = initialState();
    for (const b of bursts(events, [1, 13, 90, 200])) {
      s = reduceAll(s, b);
      assert.deepEqual(rows.rows(s, q).map((h) => h.name), visibleHosts(s, q).map((h) => h.name), `${name}: order`);
      assert.deepEqual(rows.rows(s, q), visibleHosts(s, q), `${name}: views`);
      assert.deepEqual(rows.tally(s), hostTally(s), `${name}: tally`);
    }
  }
});

test('a row updates when only its host changed, and the other rows stay the same objects', () => {
  const events = deploy(100, 1);
  const s = fold(events.filter((e) => e.type !== 'run.end'));
  const rows = new HostRows();
  const q: HostQuery = { problemsFirst: false, failedOnly: false, filter: '' };
  const before = rows.rows(s, q);
  const task: TaskRef = { id: 99, name: 'Restart', path: 'site.yml:9:7', play: 0, n: 1, role: 'app' };
  const next = reduce(s, { type: 'host.start', task, host: 'web057', at: 10_000, wall: 0 });
  const after = rows.rows(next, q);
  assert.equal(after[56]!.name, 'web057');
  assert.equal(after[56]!.status, 'running');
  assert.equal(after[56]!.current?.title, 'app : Restart');
  assert.equal(before[56]!.status, 'done', 'the earlier frame keeps its rows');
  assert.equal(after.filter((h, i) => h !== before[i]).length, 1, 'one row changed');
  assert.equal(rows.rows(next, q), after, 'no change, the same list');
  // Under problems first the running host moves to the top, and only it moves.
  const sorted = new HostRows();
  sorted.rows(s, { ...q, problemsFirst: true });
  const top = sorted.rows(next, { ...q, problemsFirst: true });
  assert.deepEqual(top.slice(0, 1).map((h) => h.name), visibleHosts(next, { ...q, problemsFirst: true }).slice(0, 1).map((h) => h.name));
  assert.deepEqual(top, visibleHosts(next, { ...q, problemsFirst: true }));
});

test('the final view still shows every host\'s recap after a run folded in bursts', () => {
  const events = deploy(250, 3);
  const store = new RunStore({ frameMs: 1e9, now: () => 0 });
  for (const [i, e] of events.entries()) {
    store.dispatch(e);
    if (i % 333 === 0) store.publish();
  }
  const recap = finalLines(store.state, {}).join('\n');
  for (let i = 1; i <= 250; i++) {
    const name = `web${String(i).padStart(3, '0')}`;
    const failed = (i - 1) % 5 === 2;
    assert.match(recap, new RegExp(`${name} +: ok=${failed ? 1 : 3} .*failed=${failed ? 1 : 0} `), name);
  }
});
