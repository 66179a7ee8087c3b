/**
 * The profiler over hand-written event sequences: each case lists its events
 * as `[ms, what, …]` steps and the rows worked out by hand beside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emptyProfile,
  profileOf,
  profileRoles,
  profileTasks,
  profileTimeline,
  ProfileFeed,
  stepProfile,
  type RunEvent,
  type TaskRef,
} from '../../src/events/index.js';

/**
 * One step: `play` starts a play, `batch` a serial batch; `task T` announces task T
 * (`task.start`); `start h T` / `end h T` are a host's start and final
 * result; `item h T` is one loop item's result; `skip h T` a skip with no
 * start; `unreach h T` an unreachable host; `end` (no host) is `run.end`.
 */
type Step =
  | [number, 'batch' | 'play']
  | [number, 'task' | 'handler', string]
  | [number, 'start' | 'end' | 'item' | 'skip' | 'unreach', string, string]
  | [number, 'run.end'];

/** Tasks of the cases: name → role. */
const ROLES: Record<string, string | undefined> = { Sleep: 'app', Trivial: 'app', Install: 'app', Restart: 'app', Loop: undefined, Ping: undefined, Inc: undefined, Other: undefined, Hang: undefined };

/**
 * The events of `steps`. `schema: 2` gives each task one id; `schema: 1`
 * gives a new id to each host's run under `perHost`, and to each batch's
 * announcement otherwise, as the first engine did.
 */
function events(steps: Step[], opts: { schema: 1 | 2; perHost?: boolean } = { schema: 2 }): RunEvent[] {
  const out: RunEvent[] = [];
  const ids = new Map<string, number>();
  let next = 1;
  let batch = 0;
  let play = 0;
  const ref = (name: string, host?: string): TaskRef => {
    const k = opts.schema === 2 ? `${name}/${play}` : opts.perHost && host ? `${name}/${host}/${batch}` : `${name}/${batch}`;
    if (!ids.has(k)) ids.set(k, next++);
    const role = ROLES[name];
    return { id: ids.get(k)!, name, path: `site.yml:${Object.keys(ROLES).indexOf(name) * 3 + 2}:7`, play, n: 1, ...(role ? { role } : {}) };
  };
  const push = (at: number, e: object) => out.push({ at, wall: 1e12 + at, ...e } as RunEvent);
  push(0, { type: 'run.start', schema: opts.schema, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: [], check: false, argv: [] });
  for (const step of steps) {
    const [at, what] = step;
    if (what === 'batch') push(at, { type: 'batch.start', index: batch++, total: 9, hosts: [] });
    else if (what === 'play') {
      batch++;
      push(at, { type: 'play.start', index: play++, total: 9, name: 'P', hosts: [] });
    }
    else if (what === 'task' || what === 'handler') push(at, { type: `${what}.start`, task: ref(step[2]) });
    else if (what === 'run.end') push(at, { type: 'run.end', stats: {}, exitCode: 0, aborted: false, durationMs: at });
    else {
      const [, , host, name] = step as [number, string, string, string];
      const task = ref(name, host);
      if (what === 'start') push(at, { type: 'host.start', task, host });
      else if (what === 'end') push(at, { type: 'host.ok', task, host, changed: false, result: {} });
      else if (what === 'item') push(at, { type: 'host.ok', task, host, changed: false, item: 'x', result: {} });
      else if (what === 'skip') push(at, { type: 'host.skipped', task, host, result: {} });
      else push(at, { type: 'host.unreachable', task, host, result: {} });
    }
  }
  return out;
}

/** A row as the table states it: [name, seconds, median, span, batches, host runs]. */
type Row = [string, number, number, number, number, number];

const rows = (evs: RunEvent[], now?: number): Row[] =>
  profileTasks(profileOf(evs), now === undefined ? {} : { now }).map((r) => [r.name, r.seconds, r.medianSeconds, r.spanSeconds, r.batches, r.hosts]);

/** `strategy: free`, four hosts: a sleeps 3 s, the others go straight on to the trivial task. */
const FREE_SLEEP: Step[] = [
  [0, 'batch'],
  [0, 'task', 'Sleep'],
  [0, 'start', 'a', 'Sleep'], [0, 'start', 'b', 'Sleep'], [0, 'start', 'c', 'Sleep'], [0, 'start', 'd', 'Sleep'],
  [10, 'end', 'b', 'Sleep'], [10, 'end', 'c', 'Sleep'], [10, 'end', 'd', 'Sleep'],
  [10, 'task', 'Trivial'],
  [10, 'start', 'b', 'Trivial'], [10, 'start', 'c', 'Trivial'], [10, 'start', 'd', 'Trivial'],
  [20, 'end', 'b', 'Trivial'], [20, 'end', 'c', 'Trivial'], [25, 'end', 'd', 'Trivial'],
  [3000, 'end', 'a', 'Sleep'],
  [3000, 'start', 'a', 'Trivial'], [3010, 'end', 'a', 'Trivial'],
  [3020, 'run.end'],
];

/** `serial: 2` on four hosts: Install runs in two batches. */
const SERIAL: Step[] = [
  [99, 'batch'],
  [100, 'task', 'Install'],
  [100, 'start', 'a', 'Install'], [110, 'start', 'b', 'Install'],
  [1100, 'end', 'a', 'Install'], [2110, 'end', 'b', 'Install'],
  [2999, 'batch'],
  [3000, 'task', 'Install'],
  [3000, 'start', 'c', 'Install'], [3000, 'start', 'd', 'Install'],
  [3500, 'end', 'c', 'Install'], [6000, 'end', 'd', 'Install'],
  [6100, 'run.end'],
];

const cases: Array<{ what: string; steps: Step[]; want: Row[]; schema1?: 'same' | 'perHost' }> = [
  {
    // Sleep: hosts 3000, 10, 10, 10 → median 10 ms. Trivial: 10, 10, 15, 10 → longest 15, median 10, span 10→3010.
    what: 'under strategy free a trivial task after another host\'s sleep takes its own time, not the sleep\'s',
    steps: FREE_SLEEP,
    want: [['Sleep', 3, 0.01, 3, 1, 4], ['Trivial', 0.015, 0.01, 3, 1, 4]],
    schema1: 'perHost',
  },
  {
    // Batch 1: a 1000, b 2000 (span 100→2110); batch 2: c 500, d 3000 (span 3000→6000).
    // Row 2000 + 3000; median of 500, 1000, 2000, 3000 = 1500; span 2010 + 3000.
    what: 'under serial a task is summed over its batches, longest host of each',
    steps: SERIAL,
    want: [['Install', 5, 1.5, 5.01, 2, 4]],
    schema1: 'same',
  },
  {
    what: 'loop items are not ends: the host ends with the loop\'s own result',
    steps: [[0, 'task', 'Loop'], [0, 'start', 'a', 'Loop'], [100, 'item', 'a', 'Loop'], [200, 'item', 'a', 'Loop'], [200, 'end', 'a', 'Loop'], [300, 'run.end']],
    want: [['Loop', 0.2, 0.2, 0.2, 1, 1]],
  },
  {
    // a ends Other at 1200; Loop was announced at 1000; a's skip at 1250 counts from 1200.
    what: 'a skip without a start counts from the host\'s previous end when that is later than the announcement',
    steps: [[0, 'task', 'Other'], [0, 'start', 'a', 'Other'], [1000, 'task', 'Loop'], [1200, 'end', 'a', 'Other'], [1250, 'skip', 'a', 'Loop'], [1300, 'run.end']],
    want: [['Other', 1.2, 1.2, 1.2, 1, 1], ['Loop', 0.05, 0.05, 0.05, 1, 1]],
  },
  {
    // a runs Restart 0→100 and again 500→800 in one batch: 100 + 300 for that host.
    what: 'a handler flushed twice in one batch adds both runs to the host\'s time',
    steps: [[0, 'handler', 'Restart'], [0, 'start', 'a', 'Restart'], [100, 'end', 'a', 'Restart'], [500, 'handler', 'Restart'], [500, 'start', 'a', 'Restart'], [800, 'end', 'a', 'Restart'], [900, 'run.end']],
    want: [['Restart', 0.4, 0.4, 0.8, 1, 1]],
  },
  {
    what: 'an unreachable host ends its run',
    steps: [[0, 'task', 'Ping'], [0, 'start', 'a', 'Ping'], [0, 'start', 'b', 'Ping'], [50, 'end', 'a', 'Ping'], [1000, 'unreach', 'b', 'Ping'], [1000, 'run.end']],
    want: [['Ping', 1, 0.525, 1, 1, 2]],
  },
  {
    what: 'the same task in two plays is two rows',
    steps: [[0, 'play'], [0, 'task', 'Install'], [0, 'start', 'a', 'Install'], [100, 'end', 'a', 'Install'], [200, 'play'], [200, 'task', 'Install'], [200, 'start', 'a', 'Install'], [500, 'end', 'a', 'Install'], [500, 'run.end']],
    want: [['Install', 0.3, 0.3, 0.3, 1, 1], ['Install', 0.1, 0.1, 0.1, 1, 1]],
    schema1: 'same',
  },
  {
    what: 'a host still running at run.end (a kill) lasts until the end',
    steps: [[0, 'task', 'Hang'], [10, 'start', 'a', 'Hang'], [500, 'run.end']],
    want: [['Hang', 0.49, 0.49, 0.49, 1, 1]],
  },
];

for (const c of cases) {
  test(c.what, () => {
    assert.deepEqual(rows(events(c.steps)), c.want);
    if (c.schema1) assert.deepEqual(rows(events(c.steps, { schema: 1, perHost: c.schema1 === 'perHost' })), c.want, 'schema 1 ids');
  });
}

test('a schema-1 task file included twice in one batch is two rows, not one stretching over the tasks between', () => {
  const steps: Step[] = [
    [0, 'task', 'Inc'], [0, 'start', 'h', 'Inc'], [100, 'end', 'h', 'Inc'],
    [100, 'task', 'Other'], [100, 'start', 'h', 'Other'], [5100, 'end', 'h', 'Other'],
    [5100, 'task', 'Inc'], [5100, 'start', 'h', 'Inc'], [5300, 'end', 'h', 'Inc'],
  ];
  // Schema 1 gave the second include its own id, as it did every announcement.
  const evs = events(steps, { schema: 1 }).map((e) => ('task' in e && e.task.name === 'Inc' && e.at >= 5100 ? { ...e, task: { ...e.task, id: 99 } } : e));
  assert.deepEqual(rows(evs), [['Other', 5, 5, 5, 1, 1], ['Inc', 0.2, 0.2, 0.2, 1, 1], ['Inc', 0.1, 0.1, 0.1, 1, 1]]);
});

test('roles sum their tasks\' row times and leave role-less tasks out', () => {
  const p = profileOf(events([...FREE_SLEEP.slice(0, -1), [3020, 'task', 'Ping'], [3020, 'start', 'a', 'Ping'], [3100, 'end', 'a', 'Ping'], [3100, 'run.end']]));
  assert.deepEqual(profileRoles(p), [{ name: 'app', seconds: 3.015, tasks: 2 }]);
});

test('rows can be listed ascending or in the order the tasks first ran', () => {
  const p = profileOf(events(FREE_SLEEP));
  assert.deepEqual(profileTasks(p, { order: 'ascending' }).map((r) => r.name), ['Trivial', 'Sleep']);
  assert.deepEqual(profileTasks(p, { order: 'none' }).map((r) => r.name), ['Sleep', 'Trivial']);
});

test('the timeline has one entry per task and batch at its start offset, led by role rows', () => {
  const at = (steps: Step[]) => profileTimeline(profileOf(events(steps))).map((e) => [e.kind, e.name, e.startMs, e.durationMs, e.running]);
  assert.deepEqual(at(SERIAL), [
    ['role', 'app', 100, 5900, false],
    ['task', 'Install', 100, 2010, false],
    ['task', 'Install', 3000, 3000, false],
  ]);
  assert.deepEqual(at(FREE_SLEEP), [
    ['role', 'app', 0, 3010, false],
    ['task', 'Sleep', 0, 3000, false],
    ['task', 'Trivial', 10, 3000, false],
  ]);
  // Beside the wall span, each run's slowest host: Trivial's span covers a's sleep, its slowest host took 15 ms.
  const tasks = profileTimeline(profileOf(events(FREE_SLEEP))).filter((e) => e.kind === 'task');
  assert.deepEqual(tasks.map((e) => [e.name, e.longestMs, e.hosts]), [['Sleep', 3000, 4], ['Trivial', 15, 4]]);
});

test('while the run goes on, a running task grows with the clock and is marked running', () => {
  const evs = events([[0, 'task', 'Hang'], [100, 'start', 'a', 'Hang'], [100, 'start', 'b', 'Hang'], [400, 'end', 'b', 'Hang']]);
  assert.deepEqual(rows(evs, 1100), [['Hang', 1, 0.65, 1, 1, 2]]);
  assert.deepEqual(profileTimeline(profileOf(evs), { now: 1100 }).map((e) => [e.startMs, e.durationMs, e.running, e.longestMs]), [[100, 1000, true, 1000]]);
});

test('stepping is pure: an earlier state is left as it was', () => {
  const evs = events(SERIAL);
  const half = profileOf(evs.slice(0, 6));
  const before = JSON.stringify(half);
  let p = half;
  for (const e of evs.slice(6)) p = stepProfile(p, e);
  assert.equal(JSON.stringify(half), before);
  assert.deepEqual(profileTasks(p), profileTasks(profileOf(evs)));
  assert.deepEqual(profileTasks(emptyProfile()), []);
});

test('views sharing a feed get the profile of the stream as if each stepped it alone, each event counted once', () => {
  const evs = events(SERIAL);
  const alone = profileOf(evs);
  const cases: Array<{ what: string; order: (feed: ProfileFeed) => void }> = [
    { what: 'three views, each handed every event in turn', order: (f) => evs.forEach((e) => [1, 2, 3].forEach(() => f.after(e))) },
    {
      // A reporter emitting while the bus hands out an event: views later on the bus see the two the other way round.
      what: 'a view seeing two events in the other order',
      order: (f) => {
        for (let i = 0; i < evs.length; i += 2) {
          const pair = evs.slice(i, i + 2);
          pair.forEach((e) => f.after(e));
          [...pair].reverse().forEach((e) => f.after(e));
        }
      },
    },
  ];
  for (const c of cases) {
    const feed = new ProfileFeed();
    c.order(feed);
    assert.deepEqual(profileTasks(feed.current), profileTasks(alone), c.what);
    assert.deepEqual(profileTimeline(feed.current), profileTimeline(alone), c.what);
  }
});
