import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  initialState,
  profileTasks,
  profileTimeline,
  reduce,
  vecFrom,
  vecGet,
  vecPush,
  vecSet,
  vecToArray,
  type RunEvent,
  type RunState,
} from '../../src/events/index.js';
import { Script } from '../reporters/events.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const demo: RunEvent[] = fs
  .readFileSync(path.join(here, '../ui/fixtures/demo.ndjson'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as RunEvent);

function fold(events: RunEvent[], from: RunState = initialState()): RunState {
  return events.reduce(reduce, from);
}

function host(s: RunState, name: string) {
  return vecGet(s.hosts, s.hostIndex[name]!)!;
}

/** A run of two hosts with one task; `end` decides how each host ends it. */
function oneTask(end: (sc: Script, task: ReturnType<Script['task']>) => void): RunState {
  const sc = new Script();
  sc.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: 'runs/r', hosts: ['a', 'b'], check: false, argv: [] });
  sc.emit({ type: 'play.start', index: 0, total: 1, name: 'P', hosts: ['a', 'b'] });
  const t = sc.task('Restart app', { role: 'app' });
  sc.emit({ type: 'task.start', task: t });
  sc.wait(10).emit({ type: 'host.start', task: t, host: 'a' }).emit({ type: 'host.start', task: t, host: 'b' });
  end(sc.wait(1000), t);
  return fold(sc.events);
}

test('the persistent vector keeps old versions intact across push and set', () => {
  let v = vecFrom<number>([]);
  const versions = [];
  for (let i = 0; i < 70; i++) {
    v = vecPush(v, i);
    versions.push(v);
  }
  const changed = vecSet(v, 40, -1);
  assert.equal(vecGet(v, 40), 40);
  assert.equal(vecGet(changed, 40), -1);
  assert.equal(versions[9]!.length, 10);
  assert.deepEqual(vecToArray(versions[2]!), [0, 1, 2]);
  assert.equal(vecGet(v, 70), undefined);
  assert.deepEqual(vecToArray(vecFrom([1, 2, 3])), [1, 2, 3]);
});

test('reduce never changes the state it is given', () => {
  const before = fold(demo.slice(0, 40));
  const frozen = JSON.stringify(before);
  fold(demo.slice(40), before);
  assert.equal(JSON.stringify(before), frozen);
});

const endings: Array<[string, (sc: Script, t: ReturnType<Script['task']>) => void, Record<string, string>, Partial<RunState['counts']>]> = [
  [
    'ok and changed',
    (sc, t) => {
      sc.emit({ type: 'host.ok', task: t, host: 'a', changed: false, result: {} });
      sc.emit({ type: 'host.ok', task: t, host: 'b', changed: true, result: {} });
    },
    { a: 'waiting', b: 'waiting' },
    { ok: 2, changed: 1 },
  ],
  [
    'a failure and an unreachable host',
    (sc, t) => {
      sc.emit({ type: 'host.failed', task: t, host: 'a', result: { rc: 1, stderr: 'Job for app.service failed\nsee journal' }, ignored: false });
      sc.emit({ type: 'host.unreachable', task: t, host: 'b', result: { msg: 'ssh: connect timed out' } });
    },
    { a: 'failed', b: 'unreachable' },
    { failed: 1, unreachable: 1 },
  ],
  [
    'an ignored failure and a skip',
    (sc, t) => {
      sc.emit({ type: 'host.failed', task: t, host: 'a', result: { rc: 2 }, ignored: true });
      sc.emit({ type: 'host.skipped', task: t, host: 'b', result: { skip_reason: 'Conditional result was False' } });
    },
    { a: 'waiting', b: 'waiting' },
    { ok: 1, ignored: 1, skipped: 1 },
  ],
  [
    'loop items, which count only through their summary',
    (sc, t) => {
      sc.emit({ type: 'host.ok', task: t, host: 'a', changed: true, result: {}, item: 'x' });
      sc.emit({ type: 'host.ok', task: t, host: 'a', changed: true, result: {}, item: 'y' });
      sc.emit({ type: 'host.ok', task: t, host: 'a', changed: true, result: {}, loop: true });
    },
    { a: 'waiting', b: 'running' },
    { ok: 1, changed: 1 },
  ],
];

for (const [what, end, statuses, counts] of endings) {
  test(`host states and counts after ${what}`, () => {
    const s = oneTask(end);
    for (const [name, status] of Object.entries(statuses)) assert.equal(host(s, name).status, status, name);
    for (const [k, n] of Object.entries(counts)) assert.equal(s.counts[k as keyof typeof s.counts], n, k);
  });
}

test('a failure keeps its first error line with the rc, and the host keeps its task history', () => {
  const s = oneTask((sc, t) => {
    sc.emit({ type: 'host.failed', task: t, host: 'a', result: { rc: 1, stderr: 'Job for app.service failed\nsee journal' }, ignored: false });
  });
  const a = host(s, 'a');
  assert.equal(a.firstError, 'app : Restart app: rc=1 Job for app.service failed');
  assert.equal(a.tasks.length, 1);
  const entry = vecGet(a.tasks, 0)!;
  assert.equal(entry.status, 'failed');
  assert.equal(entry.endAt! - entry.startAt, 1000);
  assert.match(entry.stderr, /see journal/);
  assert.equal(host(s, 'b').current?.title, 'app : Restart app');
});

test('streamed output is kept per task and capped to its tail', () => {
  const sc = new Script();
  const t = sc.task('Build');
  sc.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: 'd', hosts: ['a'], check: false, argv: [] });
  sc.emit({ type: 'host.start', task: t, host: 'a' });
  for (let i = 0; i < 500; i++) sc.emit({ type: 'host.output', task: t, host: 'a', stream: 'stdout', chunk: `line ${i}\n` });
  const entry = vecGet(host(fold(sc.events), 'a').tasks, 0)!;
  assert.ok(entry.stdout.length <= 2048);
  assert.match(entry.stdout, /line 499\n$/);
  assert.doesNotMatch(entry.stdout, /line 0\n/);
});

test('the state carries the profile: the timeline runs from the first host start to the last host end', () => {
  const s = fold(demo);
  const rows = profileTasks(s.profile);
  const build = rows.find((t) => t.name === 'Build static assets')!;
  assert.equal(build.role, 'webapp');
  assert.equal(build.hosts, 4);
  assert.ok(build.seconds > 1.4, 'the build sleeps 1.5 s');
  assert.ok(build.spanSeconds >= build.seconds);
  assert.equal(rows.find((t) => t.name === 'Restart app')!.handler, true);
  const entry = profileTimeline(s.profile).find((e) => e.name === 'Build static assets')!;
  assert.equal(entry.durationMs, Math.round(build.spanSeconds * 1000));
});

test('the demo ends with every host done, the recap counts and the exit code', () => {
  const s = fold(demo);
  assert.equal(s.end?.exitCode, 0);
  assert.equal(s.play?.name, 'Migrate the database');
  assert.deepEqual(
    vecToArray(s.hosts).map((h) => `${h.name}:${h.status}`),
    ['web1:done', 'web2:done', 'web3:done', 'web4:done', 'db1:done', 'db2:done'],
  );
  assert.equal(s.counts.ok, 40);
  assert.equal(s.counts.rescued, 2);
  assert.equal(host(s, 'web1').stats.skipped, 1);
});

test('hosts of a play that ended after an abort stay unfinished', () => {
  const cut = demo.findIndex((e) => e.type === 'play.end');
  const aborted = fold([
    ...demo.slice(0, cut),
    { type: 'abort.requested', mode: 'drain', source: 'tui', at: 2895, wall: 0 },
    demo[cut]!,
  ]);
  assert.equal(aborted.abort?.mode, 'drain');
  assert.equal(host(aborted, 'web1').finished, false);
  const normal = fold(demo.slice(0, cut + 1));
  assert.equal(host(normal, 'web1').finished, true);
  assert.equal(host(normal, 'web1').status, 'done');
  assert.equal(host(normal, 'db1').touched, false);
});

test('async jobs follow start, polls and done; the pause flag is the UI’s', () => {
  const sc = new Script();
  const t = sc.task('Monitor webapp');
  sc.emit({ type: 'async.start', task: t, host: 'web4', jid: 'j1', limit: 360, poll: 10 });
  sc.wait(5000).emit({ type: 'async.poll', task: t, host: 'web4', jid: 'j1', elapsed: 5, limit: 360, polls: 1, nextPollIn: 10, lastLine: 'GET /health 200' });
  let s = fold(sc.events);
  assert.deepEqual(
    { polls: s.async.j1!.polls, next: s.async.j1!.nextPollAt, line: s.async.j1!.lastLine, title: s.async.j1!.title },
    { polls: 1, next: 15000, line: 'GET /health 200', title: 'Monitor webapp' },
  );
  s = reduce(s, { type: 'async.done', task: t, host: 'web4', jid: 'j1', rc: 0, duration: 7, timedOut: false, at: 7000, wall: 0 });
  assert.equal(s.async.j1!.done?.rc, 0);
});

test('the pause flag follows run.paused and run.resumed, and an abort clears it', () => {
  const at = 1000;
  const cases: Array<[string, RunEvent[], boolean]> = [
    ['paused', [{ type: 'run.paused', source: 'tui', at, wall: 0 }], true],
    ['paused then resumed', [{ type: 'run.paused', source: 'tui', at, wall: 0 }, { type: 'run.resumed', source: 'socket', at, wall: 0 }], false],
    ['paused then drained', [{ type: 'run.paused', source: 'tui', at, wall: 0 }, { type: 'abort.requested', mode: 'drain', source: 'tui', at, wall: 0 }], false],
    ['never paused', [], false],
  ];
  for (const [what, events, paused] of cases) assert.equal(fold(events).paused, paused, what);
});
