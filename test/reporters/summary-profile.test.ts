/**
 * Profile rows under `serial` batches and under `strategy: free` as the
 * recaps print them, checked against figures computed by hand from the
 * event streams below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent, TaskRef } from '../../src/events/index.js';
import { emptyStats } from '../../src/model/index.js';
import { profileOf, profileRoles, profileTasks, profileTimeline } from '../../src/events/index.js';
import { createPlainPresenter } from '../../src/reporters/plain.js';
import { Script } from './events.js';

/** A clock that jumps to absolute times (ms). */
function at(s: Script, t: number): Script {
  return s.wait(t - (s.events.at(-1)?.at ?? 0));
}

const HOSTS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

/**
 * `serial: 2` over six hosts: three batches. Install (role app) per batch:
 *   batch 1: h1 100→1100, h2 110→2110         span 100→2110  = 2.010 s
 *   batch 2: h3 3000→3500, h4 3000→6000       span 3000→6000 = 3.000 s
 *   batch 3: h5 7000→7400, h6 7000→8000       span 7000→8000 = 1.000 s
 * Restart (handler, role app) in batches 1 and 3: h1 2200→2300, h5 8100→8400.
 * `sameId` reuses one TaskRef per task in every batch, as an engine may.
 */
function serialRun(sameId: boolean): RunEvent[] {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: HOSTS, check: false, argv: [] });
  s.emit({ type: 'play.start', index: 0, total: 1, name: 'Roll', hosts: HOSTS });
  let install: TaskRef = s.task('Install', { role: 'app' });
  let restart: TaskRef = s.task('Restart', { role: 'app', isHandler: true });
  const batch = (index: number, hosts: [string, number, number][], handler?: [string, number, number]) => {
    if (index > 0 && !sameId) {
      install = s.again(install);
      restart = s.again(restart);
    }
    at(s, hosts[0]![1] - 1).emit({ type: 'batch.start', index, total: 3, hosts: hosts.map((h) => h[0]) });
    const events: Array<[number, () => void]> = [];
    events.push([hosts[0]![1], () => s.emit({ type: 'task.start', task: install })]);
    for (const [h, start, end] of hosts) {
      events.push([start, () => s.emit({ type: 'host.start', task: install, host: h })]);
      events.push([end, () => s.emit({ type: 'host.ok', task: install, host: h, changed: true, result: { changed: true } })]);
    }
    if (handler) {
      const [h, start, end] = handler;
      events.push([start, () => s.emit({ type: 'handler.start', task: restart })]);
      events.push([start, () => s.emit({ type: 'host.start', task: restart, host: h })]);
      events.push([end, () => s.emit({ type: 'host.ok', task: restart, host: h, changed: true, result: { changed: true } })]);
    }
    for (const [t, fire] of events.sort((a, b) => a[0] - b[0])) {
      at(s, t);
      fire();
    }
  };
  batch(0, [['h1', 100, 1100], ['h2', 110, 2110]], ['h1', 2200, 2300]);
  batch(1, [['h3', 3000, 3500], ['h4', 3000, 6000]]);
  batch(2, [['h5', 7000, 7400], ['h6', 7000, 8000]], ['h5', 8100, 8400]);
  s.emit({ type: 'play.end', index: 0 });
  const stats = Object.fromEntries(HOSTS.map((h) => [h, { ...emptyStats(), ok: 1, changed: 1 }]));
  at(s, 8500).emit({ type: 'run.end', stats, exitCode: 0, aborted: false, durationMs: 8500 });
  return s.events;
}

const row = (events: RunEvent[], name: string) => {
  const r = profileTasks(profileOf(events)).find((t) => t.name === name)!;
  return { seconds: r.seconds, median: r.medianSeconds, span: r.spanSeconds, batches: r.batches, hosts: r.hosts };
};

test('under serial: 2 on six hosts a task is one row: its longest host in each batch, summed over the three', () => {
  // Longest hosts 2000 + 3000 + 1000; host times 1000, 2000, 500, 3000, 400, 1000 → median (1000+1000)/2; spans 2.010 + 3.000 + 1.000.
  assert.deepEqual(row(serialRun(false), 'Install'), { seconds: 6, median: 1, span: 6.01, batches: 3, hosts: 6 });
  assert.equal(profileTasks(profileOf(serialRun(false))).filter((t) => t.name === 'Install').length, 1);
});

test('handlers count, summed over the batches they ran in', () => {
  assert.deepEqual(row(serialRun(false), 'Restart'), { seconds: 0.4, median: 0.2, span: 0.4, batches: 2, hosts: 2 });
  assert.deepEqual(profileRoles(profileOf(serialRun(false))), [{ name: 'app', seconds: 6.4, tasks: 2 }]);
});

test('a task id reused in every batch gives the same rows as new ids', () => {
  assert.deepEqual(row(serialRun(true), 'Install'), row(serialRun(false), 'Install'));
  assert.deepEqual(row(serialRun(true), 'Restart'), row(serialRun(false), 'Restart'));
});

test('the timeline shows each batch run of a task at its own offset', () => {
  const install = profileTimeline(profileOf(serialRun(true))).filter((e) => e.kind === 'task' && e.name === 'Install');
  assert.deepEqual(install.map((e) => [e.startMs, e.durationMs]), [[100, 2010], [3000, 3000], [7000, 1000]]);
});

test('the recap row shows the median, the span and the batch count beside the time', () => {
  const out = plain(serialRun(false), {});
  assert.match(out, /^app \| Install -+ 6\.00s {2}\(median 1\.00s, span 6\.01s, 3 batches\)$/m);
  assert.match(out, /^app \| Restart -+ 0\.40s {2}\(median 0\.20s, span 0\.40s, 2 batches\)$/m);
});

/**
 * `strategy: free` on three hosts, each going through A then B on its own:
 *   h1: A 0→100,  B 100→600
 *   h2: A 0→300,  B 300→500
 *   h3: A 0→1000, B 1000→1200
 * A lasts 0→1000 (1.0 s), B 100→1200 (1.1 s). `perHost` gives each host its
 * own TaskRef (as an engine running hosts apart may); otherwise one per task.
 */
function freeRun(perHost: boolean): RunEvent[] {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: ['h1', 'h2', 'h3'], check: false, argv: [] });
  s.emit({ type: 'play.start', index: 0, total: 1, name: 'Free', hosts: ['h1', 'h2', 'h3'] });
  s.emit({ type: 'batch.start', index: 0, total: 1, hosts: ['h1', 'h2', 'h3'] });
  const a = s.task('A', { role: 'web' });
  const b = s.task('B', { role: 'web' });
  const refs = new Map<string, TaskRef>();
  const started = new Set<number>();
  const ref = (t: TaskRef, h: string) => {
    if (!perHost) return t;
    const k = `${t.name}${h}`;
    if (!refs.has(k)) refs.set(k, s.again(t));
    return refs.get(k)!;
  };
  const plan: Array<[number, string, TaskRef, 'start' | 'end']> = [];
  for (const [h, aEnd, bEnd] of [['h1', 100, 600], ['h2', 300, 500], ['h3', 1000, 1200]] as const) {
    plan.push([0, h, ref(a, h), 'start'], [aEnd, h, ref(a, h), 'end'], [aEnd, h, ref(b, h), 'start'], [bEnd, h, ref(b, h), 'end']);
  }
  for (const [t, h, task, what] of plan.sort((x, y) => x[0] - y[0] || (x[3] === 'end' ? -1 : 1))) {
    at(s, t);
    if (what === 'start') {
      if (!started.has(task.id)) s.emit({ type: 'task.start', task });
      started.add(task.id);
      s.emit({ type: 'host.start', task, host: h });
    } else s.emit({ type: 'host.ok', task, host: h, changed: false, result: {} });
  }
  const stats = Object.fromEntries(['h1', 'h2', 'h3'].map((h) => [h, { ...emptyStats(), ok: 2 }]));
  at(s, 1250).emit({ type: 'run.end', stats, exitCode: 0, aborted: false, durationMs: 1250 });
  return s.events;
}

test('under strategy free a task\'s time is its slowest host, not its first start to its last end', () => {
  // A: hosts 100, 300, 1000 ms → median 0.3, span 0→1000. B: hosts 500, 200, 200 ms → median 0.2, span 100→1200.
  assert.deepEqual(row(freeRun(false), 'A'), { seconds: 1, median: 0.3, span: 1, batches: 1, hosts: 3 });
  assert.deepEqual(row(freeRun(false), 'B'), { seconds: 0.5, median: 0.2, span: 1.1, batches: 1, hosts: 3 });
  assert.equal(profileTasks(profileOf(freeRun(false))).length, 2);
});

test('under strategy free per-host task ids (schema 1) are one row, not one per host', () => {
  assert.equal(profileTasks(profileOf(freeRun(true))).length, 2);
  assert.deepEqual(row(freeRun(true), 'A'), row(freeRun(false), 'A'));
  assert.deepEqual(row(freeRun(true), 'B'), row(freeRun(false), 'B'));
  assert.deepEqual(
    profileTimeline(profileOf(freeRun(true))).map((e) => [e.kind, e.name, e.startMs, e.durationMs]),
    [['role', 'web', 0, 1200], ['task', 'A', 0, 1000], ['task', 'B', 100, 1100]],
  );
});

function plain(events: RunEvent[], opts: Parameters<typeof createPlainPresenter>[0] extends infer O ? Partial<O> : never): string {
  let out = '';
  const p = createPlainPresenter({ write: (x) => (out += x), timezone: 'UTC', ...opts });
  for (const e of events) p.onEvent(e);
  return out;
}

test('the console recap can be sorted descending, ascending or left in run order', () => {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: ['h1'], check: false, argv: [] });
  for (const [name, ms] of [['X', 2000], ['Y', 1000], ['Z', 3000]] as const) {
    const t = s.task(name);
    s.emit({ type: 'task.start', task: t }).emit({ type: 'host.start', task: t, host: 'h1' });
    s.wait(ms).emit({ type: 'host.ok', task: t, host: 'h1', changed: false, result: {} });
  }
  s.emit({ type: 'run.end', stats: { h1: { ...emptyStats(), ok: 3 } }, exitCode: 0, aborted: false, durationMs: 6000 });
  const rows = (text: string) => text.split('\n').filter((l) => /^[XYZ] -+ /.test(l)).map((l) => l[0]);
  assert.deepEqual(rows(plain(s.events, {})), ['Z', 'X', 'Y']);
  assert.deepEqual(rows(plain(s.events, { profileSort: 'descending' })), ['Z', 'X', 'Y']);
  assert.deepEqual(rows(plain(s.events, { profileSort: 'ascending' })), ['Y', 'X', 'Z']);
  assert.deepEqual(rows(plain(s.events, { profileSort: 'none' })), ['X', 'Y', 'Z']);
});

test('the console recap shows as many rows as --profile-limit says', () => {
  const out = plain(serialRun(false), { profileLimit: 1 });
  const recap = out.slice(out.indexOf('TASKS RECAP'), out.indexOf('ROLE RECAP'));
  assert.match(recap, /^app \| Install -+ 6\.00s {2}\(/m);
  assert.doesNotMatch(recap, /Restart/);
});

test('summary-only prints the recaps and nothing of the run itself', () => {
  const out = plain(serialRun(false), { summaryOnly: true });
  assert.doesNotMatch(out, /^TASK \[/m);
  assert.doesNotMatch(out, /^changed: /m);
  assert.match(out, /^PLAY RECAP \*+$/m);
  assert.match(out, /^app \| Install -+ 6\.00s {2}\(/m);
  assert.match(out, /^Playbook run took 0 days, 0 hours, 0 minutes, 8 seconds$/m);
  assert.ok(out.startsWith('\nPLAY RECAP'));
});
