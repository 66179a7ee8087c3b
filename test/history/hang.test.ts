import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseRecord, type EventOf, type RunEvent } from '../../src/events/index.js';
import { p95, usualTimes, DEFAULT_SLOW_RULE } from '../../src/history/baseline.js';
import { mountApp } from '../ui/helpers.js';
import { fixtureProject, hold, playwatch, read, runDirOf, startPlaywatch, type Ran } from './cli.js';

/**
 * The hang detector on the real command line: the fixture's `nap` task
 * sleeps 0.05 s in three recorded runs; then it is held until the test has
 * seen what it waits for (2.5 s where a time is needed). The 30 s floor is
 * set to 1 s (`PLAYWATCH_SLOW_FLOOR`), so the threshold is
 * max(3 x p95, p95 + 1 s), about 1.1 s.
 */
const FLOOR = { PLAYWATCH_SLOW_FLOOR: '1' };
let dir = '';
const history: Ran[] = [];
let usual: Ran;

const slowEvents = (r: Ran) => parseRecord(read(path.join(runDirOf(dir, r), 'events.jsonl'))).filter((e): e is EventOf<'host.slow'> => e.type === 'host.slow');

before(() => {
  dir = fixtureProject();
  for (let i = 0; i < 3; i++) history.push(playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini'], FLOOR));
  usual = playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini'], FLOOR);
});

test('a run as fast as its history: no host is called slow', () => {
  assert.deepEqual(history.map((r) => r.code), [0, 0, 0]);
  assert.equal(usual.code, 0, usual.err);
  assert.deepEqual(slowEvents(usual), []);
  assert.doesNotMatch(usual.out, /SLOW:/);
});

test('a task sleeping far longer than in its recorded history: the controller emits host.slow for each host, shown in plain output and attach', async () => {
  const held = hold(dir);
  const run = startPlaywatch(dir, ['run', 'site.yml', '-i', 'inventory.ini'], FLOOR);
  await run.seen(/TASK \[app : nap\]/);
  const attach = startPlaywatch(dir, ['attach', '@last', '--ui', 'plain'], FLOOR);
  // Held until both hosts were called slow, in the attached view too.
  await attach.seen(/SLOW: \[web1\][^]*SLOW: \[web2\]|SLOW: \[web2\][^]*SLOW: \[web1\]/, 60_000);
  held.release();
  const [ran, attached] = await Promise.all([run.ended, attach.ended]);
  assert.equal(ran.code, 0, ran.err);
  const slow = slowEvents(ran);
  assert.deepEqual(slow.map((e) => `${e.host} ${e.task.role} : ${e.task.name}`).sort(), ['web1 app : nap', 'web2 app : nap']);
  for (const e of slow) {
    assert.equal(e.runs, 4, 'four earlier runs of the playbook');
    // Both are rounded from the unrounded p95: 3 x a rounded p95 may be off by a millisecond or so.
    assert.ok(Math.abs(e.thresholdMs - Math.max(3 * e.p95Ms, e.p95Ms + 1000)) <= 2, JSON.stringify(e));
    assert.ok(e.elapsedMs > e.thresholdMs, JSON.stringify(e));
  }
  // Emitted while the task ran: before that host's result for it.
  const events = parseRecord(read(path.join(runDirOf(dir, ran), 'events.jsonl')));
  for (const e of slow) {
    const done = events.findIndex((x) => x.type === 'host.ok' && x.host === e.host && x.task.name === 'nap');
    assert.ok(events.indexOf(e) < done, `${e.host}: host.slow before its result`);
  }
  const line = /^SLOW: \[web1\] app : nap has run 0:00:\d\d: slower than usual \(p95 0:00:0\d over 4 earlier runs\)$/m;
  assert.match(ran.out, line);
  assert.equal(attached.code, 0, attached.err);
  assert.match(attached.out, line);
  assert.match(read(path.join(runDirOf(dir, ran), 'run.log')), /^SLOW: \[web2\] app : nap/m);

  // The TUI's host row, drawn from the recorded events up to the moment web1 was called slow.
  const upTo = events.slice(0, events.findIndex((x) => x.type === 'host.slow' && x.host === 'web1') + 1);
  const app = mountApp(upTo, { playbook: 'site.yml', clockAt: 0 });
  assert.match(app.frame(), /web1 +running +app : nap +0:00:0\d +slower than usual \(p95 0:00:0\d\)/);
  app.ui.unmount();
  const after = mountApp(events, { playbook: 'site.yml' });
  assert.doesNotMatch(after.frame(), /slower than usual/, 'gone once the task ended');
  after.ui.unmount();
});

test('with fewer than 3 earlier runs of the playbook nothing is called slow, however long a task takes', () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-runs-'));
  for (const r of history.slice(0, 2)) fs.cpSync(runDirOf(dir, r), path.join(runsDir, path.basename(runDirOf(dir, r))), { recursive: true });
  const r = playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini', '-e', 'nap=2.5', '--runs-dir', runsDir], FLOOR);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(slowEvents(r), []);
});

test('thresholds: p95 by nearest rank; max(3 x p95, p95 + floor); a task needs 3 runs of its own', () => {
  assert.equal(p95([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100]), 19);
  assert.equal(p95([5]), 5);
  const runs = (ms: number[][]) => ms.map((list) => new Map([['k', list]]));
  const rows: Array<[string, number[][], number | undefined]> = [
    ['short tasks: the 30 s floor decides', [[100], [200], [300]], 30_300],
    ['long tasks: 3 x p95 decides', [[20_000], [20_000], [20_000]], 60_000],
    ['two runs say too little', [[100], [100]], undefined],
  ];
  for (const [what, samples, expected] of rows) assert.equal(usualTimes(runs(samples), DEFAULT_SLOW_RULE).get('k')?.thresholdMs, expected, what);
  const mixed = [new Map([['a', [1]]]), new Map([['a', [1]]]), new Map([['b', [1]]])];
  assert.equal(usualTimes(mixed).has('a'), false, 'a ran in only two of the three');
});
