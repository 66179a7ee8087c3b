import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emptyStats } from '../../src/model/index.js';
import { SummaryCollector, errorLine, type RunSummary } from '../../src/reporters/run-summary.js';
import { Script, T0 } from './events.js';
import { deployScenario } from './scenario.js';

function collect(runDir?: string): SummaryCollector {
  const c = new SummaryCollector(runDir ? { runDir } : {});
  for (const e of deployScenario()) c.onEvent(e);
  return c;
}

test('summary.json is written into the run directory at run end, readable by its owner only', () => {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-summary-'));
  const c = collect(runDir);
  const file = path.join(runDir, 'summary.json');
  assert.equal(c.done, true);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as RunSummary;
  assert.equal(s.runId, 'r1');
  assert.equal(s.playbook, 'site.yml');
  assert.equal(s.exitCode, 2);
  assert.equal(s.aborted, false);
  assert.equal(s.durationMs, 62_736);
  assert.equal(s.startedAt, new Date(T0).toISOString());
  assert.equal(s.endedAt, new Date(T0 + 62_736).toISOString());
  assert.deepEqual(s.hosts, ['web1', 'web2', 'db1']);
  assert.equal(s.stats.web1!.ignored, 1);
  assert.equal(s.warnings, 1);
});

test('each host that failed or was unreachable has its first error line and task', () => {
  const s = collect().summary();
  assert.deepEqual(
    s.failures.map((f) => [f.host, f.kind, f.task, f.line]),
    [
      ['db1', 'unreachable', 'common : Install packages', 'Failed to connect to the host via ssh: ssh: connect to host db1 port 22: Connection refused'],
      ['web2', 'failed', 'common : Create users', "useradd: group 'ops' does not exist"],
      ['web1', 'failed', 'deploy : Migrate database', 'error: relation "users" already exists'],
    ],
  );
  const web1 = s.failures.find((f) => f.host === 'web1')!;
  assert.deepEqual(web1.tail, ['msg:', '  non-zero return code', 'stderr:', '  error: relation "users" already exists', 'stdout:', '  applying 0042_users']);
  assert.match(web1.path, /^site\.yml:\d+:7$/);
  assert.equal(web1.atMs, 62_721);
});

test('the summary lists the slowest tasks with per-host figures, role totals and the timeline', () => {
  const s = collect().summary();
  assert.deepEqual(s.tasks.slice(0, 2).map((t) => [t.role, t.name, t.seconds, t.medianSeconds, t.spanSeconds, t.batches, t.hosts]), [
    ['app', 'Monitor webapp', 30, 30, 30, 1, 1],
    ['deploy', 'Fetch artifact', 21, 21, 21, 1, 1],
  ]);
  assert.equal(s.tasks.length, 11);
  assert.deepEqual(s.roles.map((r) => r.name), ['app', 'deploy', 'common']);
  assert.deepEqual(s.timeline[0], { kind: 'role', name: 'common', startMs: 53, durationMs: 2505, running: false });
});

test('a rescued failure and an ignored one are not the host\'s error', () => {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: ['a'], check: false, argv: [] });
  const t1 = s.task('Try');
  s.emit({ type: 'task.start', task: t1 }).emit({ type: 'host.start', task: t1, host: 'a' });
  s.wait(5).emit({ type: 'host.failed', task: t1, host: 'a', ignored: false, result: { failed: true, msg: 'first try failed' } });
  s.emit({ type: 'host.rescued', task: t1, host: 'a' });
  const t2 = s.task('Optional');
  s.wait(5).emit({ type: 'host.failed', task: t2, host: 'a', ignored: true, result: { failed: true, msg: 'ignored' } });
  const t3 = s.task('Real');
  s.wait(5).emit({ type: 'host.failed', task: t3, host: 'a', ignored: false, result: { failed: true, msg: 'the real one\nsecond line' } });
  s.emit({ type: 'run.end', stats: { a: { ...emptyStats(), failed: 1, rescued: 1, ignored: 1 } }, exitCode: 2, aborted: false, durationMs: 15 });
  const c = new SummaryCollector();
  for (const e of s.events) c.onEvent(e);
  assert.deepEqual(c.summary().failures.map((f) => [f.task, f.line]), [['Real', 'the real one']]);
});

test('a run that never ended takes its exit code from the outcome and keeps its failures', () => {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: ['a'], check: false, argv: [] });
  const t = s.task('Boom');
  s.wait(7).emit({ type: 'host.failed', task: t, host: 'a', ignored: false, result: { failed: true, msg: 'boom' } });
  const c = new SummaryCollector();
  for (const e of s.events) c.onEvent(e);
  const sum = c.summary({ exitCode: 250 });
  assert.equal(sum.exitCode, 250);
  assert.equal(sum.durationMs, 7);
  assert.deepEqual(sum.failures.map((f) => f.line), ['boom']);
  assert.equal(c.done, false);
});

test('the abort is recorded with its mode, source and time', () => {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: ['a'], check: false, argv: [] });
  s.wait(100).emit({ type: 'abort.requested', mode: 'drain', source: 'SIGTERM' });
  s.wait(50).emit({ type: 'abort.requested', mode: 'kill', source: 'timeout' });
  s.emit({ type: 'abort.done', mode: 'kill' });
  s.emit({ type: 'run.end', stats: {}, exitCode: 99, aborted: true, durationMs: 150 });
  const c = new SummaryCollector();
  for (const e of s.events) c.onEvent(e);
  assert.deepEqual(c.summary().abort, { mode: 'kill', source: 'SIGTERM', atMs: 100 });
  assert.equal(c.summary().aborted, true);
});

test('the error line skips generic messages and neutralises control sequences', () => {
  assert.equal(errorLine({ msg: 'non-zero return code', stderr: '\n  E: Unable to locate package foo\nmore' }), 'E: Unable to locate package foo');
  assert.equal(errorLine({ msg: 'non-zero return code', stdout: 'a\nlast words\n' }), 'last words');
  assert.equal(errorLine({ msg: 'bad \u001b[31mred\u001b[0m thing' }), 'bad red thing');
  assert.equal(errorLine({ msg: 'non-zero return code', rc: 1, stdout: '', stderr: '' }), 'non-zero return code (rc=1)');
  assert.equal(errorLine({}), 'no error message');
  assert.equal(errorLine({ msg: 'x'.repeat(400) }).length, 300);
});
