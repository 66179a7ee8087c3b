import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../src/events/index.js';
import { emptyStats } from '../../src/model/index.js';
import { ProfileCollector, formatOffset, profileRoles, profileTasks, timeline } from '../../src/reporters/profile.js';
import { Script } from './events.js';

/**
 * Two serial batches over one play. Times (ms) are absolute; the run starts at 100.
 * Install (role r1) runs twice: a 120→1120, b 130→2130 (run 120→2130), then c 3010→7010.
 * Loop (r1): a 2150→2350 with two items, then c skipped without a host.start (task 7020, end 7030).
 * Restart (handler, r2): a 7100→7600. Ping (no role): a 7700→8700, unreachable.
 */
function batches(): RunEvent[] {
  const s = new Script();
  const at = (t: number) => s.wait(t - (s.events.at(-1)?.at ?? 0));
  at(100).emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: ['a', 'b', 'c'], check: false, argv: [] });
  at(105).emit({ type: 'batch.start', index: 0, total: 2, hosts: ['a', 'b'] });
  const install = s.task('Install', { role: 'r1' });
  at(110).emit({ type: 'task.start', task: install });
  at(120).emit({ type: 'host.start', task: install, host: 'a' });
  at(130).emit({ type: 'host.start', task: install, host: 'b' });
  at(1120).emit({ type: 'host.ok', task: install, host: 'a', changed: true, result: {} });
  at(2130).emit({ type: 'host.ok', task: install, host: 'b', changed: false, result: {} });
  const loop = s.task('Loop', { role: 'r1' });
  at(2140).emit({ type: 'task.start', task: loop });
  at(2150).emit({ type: 'host.start', task: loop, host: 'a' });
  at(2250).emit({ type: 'host.ok', task: loop, host: 'a', changed: false, item: 'x', result: {} });
  at(2350).emit({ type: 'host.failed', task: loop, host: 'a', ignored: true, item: 'y', result: {} });
  at(2350).emit({ type: 'host.failed', task: loop, host: 'a', ignored: true, loop: true, result: {} });
  at(2990).emit({ type: 'batch.start', index: 1, total: 2, hosts: ['c'] });
  const install2 = s.again(install);
  at(3000).emit({ type: 'task.start', task: install2 });
  at(3010).emit({ type: 'host.start', task: install2, host: 'c' });
  at(7010).emit({ type: 'host.failed', task: install2, host: 'c', ignored: false, result: {} });
  const loop2 = s.again(loop);
  at(7020).emit({ type: 'task.start', task: loop2 });
  at(7030).emit({ type: 'host.skipped', task: loop2, host: 'c', result: {} });
  const restart = s.task('Restart', { role: 'r2', isHandler: true });
  at(7100).emit({ type: 'handler.start', task: restart });
  at(7100).emit({ type: 'host.start', task: restart, host: 'a' });
  at(7600).emit({ type: 'host.ok', task: restart, host: 'a', changed: true, result: {} });
  const ping = s.task('Ping');
  at(7700).emit({ type: 'task.start', task: ping });
  at(7700).emit({ type: 'host.start', task: ping, host: 'a' });
  at(8700).emit({ type: 'host.unreachable', task: ping, host: 'a', result: {} });
  at(8800).emit({ type: 'run.end', stats: { a: emptyStats() }, exitCode: 4, aborted: false, durationMs: 8700 });
  return s.events;
}

const pick = (rows: ReturnType<typeof profileTasks>) =>
  rows.map((r) => [r.name, r.seconds, r.count, r.hostMax, r.hostMedian, r.hosts]);

test('repeated runs of a task are summed into one row with a count and per-host figures', () => {
  assert.deepEqual(pick(profileTasks(batches())), [
    ['Install', 6.01, 2, 4, 2, 3],
    ['Ping', 1, 1, 1, 1, 1],
    ['Restart', 0.5, 1, 0.5, 0.5, 1],
    ['Loop', 0.21, 2, 0.2, 0.105, 2],
  ]);
});

test('rows carry the role, the path and a key shared by repeated runs', () => {
  const rows = profileTasks(batches());
  const install = rows.find((r) => r.name === 'Install')!;
  assert.equal(install.role, 'r1');
  assert.match(install.path, /^site\.yml:\d+:7$/);
  assert.equal(rows.find((r) => r.name === 'Ping')!.role, undefined);
  assert.equal(new Set(rows.map((r) => r.key)).size, 4);
});

test('tasks can be listed ascending or in the order they first ran', () => {
  assert.deepEqual(profileTasks(batches(), { order: 'ascending' }).map((r) => r.name), ['Loop', 'Restart', 'Ping', 'Install']);
  assert.deepEqual(profileTasks(batches(), { order: 'none' }).map((r) => r.name), ['Install', 'Loop', 'Restart', 'Ping']);
});

test('role totals sum their tasks and leave role-less tasks out', () => {
  assert.deepEqual(profileRoles(batches()), [
    { name: 'r1', seconds: 6.22, tasks: 2 },
    { name: 'r2', seconds: 0.5, tasks: 1 },
  ]);
});

test('the timeline gives start offsets from run.start and role spans', () => {
  assert.deepEqual(timeline(batches()), [
    { kind: 'role', name: 'r1', startOffsetMs: 20, durationMs: 6910 },
    { kind: 'task', name: 'Install', role: 'r1', startOffsetMs: 20, durationMs: 2010 },
    { kind: 'task', name: 'Loop', role: 'r1', startOffsetMs: 2050, durationMs: 200 },
    { kind: 'task', name: 'Install', role: 'r1', startOffsetMs: 2910, durationMs: 4000 },
    { kind: 'task', name: 'Loop', role: 'r1', startOffsetMs: 6920, durationMs: 10 },
    { kind: 'role', name: 'r2', startOffsetMs: 7000, durationMs: 500 },
    { kind: 'task', name: 'Restart', role: 'r2', startOffsetMs: 7000, durationMs: 500 },
    { kind: 'task', name: 'Ping', startOffsetMs: 7600, durationMs: 1000 },
  ]);
});

test('a task that never ended lasts until the run ended', () => {
  const s = new Script();
  const t = s.task('hang');
  s.emit({ type: 'task.start', task: t });
  s.wait(10).emit({ type: 'host.start', task: t, host: 'a' });
  s.wait(490).emit({ type: 'run.end', stats: {}, exitCode: 99, aborted: true, durationMs: 500 });
  const [row] = profileTasks(s.events);
  assert.equal(row!.seconds, 0.49);
  assert.equal(row!.hosts, 0);
});

test('the collector answers while the run is still going', () => {
  const c = new ProfileCollector();
  const s = new Script();
  const t = s.task('slow');
  s.emit({ type: 'task.start', task: t });
  s.emit({ type: 'host.start', task: t, host: 'a' });
  s.wait(1500).emit({ type: 'warning', message: 'tick' });
  for (const e of s.events) c.onEvent(e);
  assert.equal(c.tasks()[0]!.seconds, 1.5);
  assert.deepEqual(c.timeline(), [{ kind: 'task', name: 'slow', startOffsetMs: 0, durationMs: 1500 }]);
});

test('offsets are formatted like profile_tasks, milliseconds truncated', () => {
  assert.equal(formatOffset(81_990), '0:01:21.990');
  assert.equal(formatOffset(3_723_004.9), '1:02:03.004');
  assert.equal(formatOffset(0), '0:00:00.000');
  assert.equal(formatOffset(-5), '0:00:00.000');
});
