import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../src/events/index.js';
import { emptyStats } from '../../src/model/index.js';
import { createRunLog } from '../../src/reporters/run-log.js';
import { Script } from './events.js';
import { deployScenario } from './scenario.js';

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/reporters/run-log.golden.txt');

function tmpRunDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-runlog-'));
}

/** Feeds events to a run log in a fresh directory and returns the file's text. */
function writeLog(events: RunEvent[], opts: { timezone?: string; profileLimit?: number } = {}): string {
  const runDir = tmpRunDir();
  const log = createRunLog({ runDir, ...opts });
  for (const e of events) log.onEvent(e);
  log.close?.();
  return fs.readFileSync(path.join(runDir, 'run.log'), 'utf8');
}

/** Replaces wall-clock dates and the durations of timestamp lines with fixed tokens. */
function normalizeTimes(text: string): string {
  return text
    .replace(/^\w+day \d\d \w+ \d{4} {2}\d\d:\d\d:\d\d [+-]\d{4} \(\d+:\d\d:\d\d\.\d{3}\) {7}\d+:\d\d:\d\d\.\d{3} \*+ $/gm, 'DATE (DURATION)       ELAPSED ***')
    .replace(/^started \w+day .*$/m, 'started DATE');
}

test('the run log of the deploy scenario matches the golden file', () => {
  const out = writeLog(deployScenario(), { timezone: 'Europe/Helsinki' });
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, out);
  assert.equal(out, fs.readFileSync(GOLDEN, 'utf8'));
});

test('the run log matches the golden file in any time zone once timestamps are normalized', () => {
  const here = normalizeTimes(writeLog(deployScenario()));
  assert.equal(here, normalizeTimes(fs.readFileSync(GOLDEN, 'utf8')));
  assert.match(here, /^started DATE$/m);
});

test('the run log shows every result with its output, as ansible -v does', () => {
  const out = writeLog(deployScenario(), { timezone: 'UTC' });
  assert.match(out, /^changed: \[web1\] => \{"changed": true\}$/m);
  assert.match(out, /^ok: \[web2\] => \(item=alice\) => \{"ansible_loop_var": "item", "changed": false, "item": "alice"\}$/m);
  assert.match(out, /^FAILED - RETRYING: \[web1\]: app : Wait for health \(2 retries left\)\.Result was: \{"status": 503\}$/m);
  assert.match(out, /^ASYNC POLL on web1: jid=j4821\.93 started=1 finished=0 elapsed=24s\/360s$/m);
  assert.match(out, /"stderr": "error: relation \\"users\\" already exists"/);
});

test('banners and timestamp lines are the plain presenter\'s, byte for byte', () => {
  const out = writeLog(deployScenario(), { timezone: 'Europe/Helsinki' });
  assert.ok(out.includes(
    'TASK [common : Install packages] ***********************************************\n' +
      'Wednesday 09 December 2015  11:51:49 +0200 (0:00:00.053)       0:00:00.053 **** \n',
  ));
  assert.ok(out.includes('RUNNING HANDLER [app : Restart app] ********************************************\n'));
});

test('the run log has no raw control characters from targets', () => {
  const out = writeLog(deployScenario(), { timezone: 'UTC' });
  assert.doesNotMatch(out, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
});

/** The lines of the section under `title`'s banner, up to the next blank line. */
function section(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${title} *`));
  assert.ok(start > 0, `no ${title} section`);
  return lines.slice(start + 1, lines.indexOf('', start));
}

test('the timeline has seed 000\'s lines: each task\'s `role | task]` and its offset from the playbook start', () => {
  const lines = section(writeLog(deployScenario(), { timezone: 'UTC' }), 'TIMELINE');
  // Hand-computed from the scenario: Fetch artifact's host starts at 40+13+2000+5+500+7+3000+3+2+4+250+3+2+5+30000+10+20+2500+30+11 ms.
  assert.ok(lines.includes('deploy | Fetch artifact] 0:00:38.405'), lines.join('\n'));
  assert.ok(lines.includes('common | Install packages] 0:00:00.053'));
  assert.ok(lines.includes('Check config] 0:00:05.574'));
  assert.equal(lines.length, 11, 'one line per task run');
  for (const l of lines) assert.match(l, /^[^\]]+\] \d+:\d\d:\d\d\.\d{3}$/);
});

test('the timeline by role gives each role and task its start offset and wall time', () => {
  const lines = section(writeLog(deployScenario(), { timezone: 'UTC' }), 'TIMELINE BY ROLE');
  assert.ok(lines.includes('0:00:38.405  ROLE deploy (24.32s)'), lines.join('\n'));
  assert.ok(lines.includes('0:00:38.405    deploy | Fetch artifact (21.00s)'));
  assert.ok(lines.includes('0:00:05.574  Check config (0.25s)'));
  assert.ok(lines.includes('0:00:00.053    common | Install packages (2.00s, span 2.00s)'));
  assert.equal(lines.filter((l) => l.includes('ROLE ')).length, 4);
});

test('the end of the log has the recaps, the 100 slowest tasks, the timeline and the total, in that order', () => {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: ['a'], check: false, argv: [] });
  for (let i = 0; i < 120; i++) {
    const t = s.task(`t${i}`);
    s.emit({ type: 'task.start', task: t }).emit({ type: 'host.start', task: t, host: 'a' });
    s.wait(i + 1).emit({ type: 'host.ok', task: t, host: 'a', changed: false, result: {} });
  }
  s.emit({ type: 'run.end', stats: { a: { ...emptyStats(), ok: 120 } }, exitCode: 0, aborted: false, durationMs: 7260 });
  const out = writeLog(s.events);
  const recap = out.slice(out.indexOf('TASKS RECAP'), out.indexOf('TIMELINE'));
  assert.equal(recap.split('\n').filter((l) => / -+ \d+\.\d\ds$/.test(l)).length, 100);
  assert.match(recap, /^t119 -+ 0\.12s$/m);
  assert.doesNotMatch(recap, /^t19 /m);
  const order = ['PLAY RECAP', 'TASKS RECAP', 'TIMELINE', 'Playbook run took'].map((h) => out.indexOf(h));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
  assert.ok(order.every((i) => i > 0));
});

test('the log is written as the run goes: a process that crashes mid-run still leaves every line it saw', () => {
  const runDir = tmpRunDir();
  const events = deployScenario();
  const cut = events.findIndex((e) => e.type === 'play.end');
  // A separate process feeds the events and then dies of an uncaught error, never closing the log.
  const script = [
    `import { createRunLog } from ${JSON.stringify(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/reporters/run-log.ts'))};`,
    `const log = createRunLog({ runDir: ${JSON.stringify(runDir)} });`,
    `for (const e of ${JSON.stringify(events.slice(0, cut))}) log.onEvent(e);`,
    `throw new Error('crash');`,
  ].join('\n');
  const file = path.join(runDir, 'crash.mts');
  fs.writeFileSync(file, script);
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), file], { encoding: 'utf8' });
  assert.notEqual(r.status, 0, 'the process crashed');
  const text = fs.readFileSync(path.join(runDir, 'run.log'), 'utf8');
  assert.match(text, /RUNNING HANDLER \[app : Restart app\]/);
  assert.match(text, /changed: \[web1\] => \{"changed": true, "name": "app", "state": "started"\}\n$/);
});

test('the log file is readable by its owner only', () => {
  const runDir = tmpRunDir();
  const log = createRunLog({ runDir });
  log.close?.();
  assert.equal(fs.statSync(path.join(runDir, 'run.log')).mode & 0o777, 0o600);
});

/** A run drained halfway through a task: the abort is requested, running hosts finish, nothing new starts. */
function drainedRun(): RunEvent[] {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: ['a', 'b'], check: false, argv: ['run', 'p.yml'] });
  s.wait(10).emit({ type: 'play.start', index: 0, total: 1, name: 'Roll out', hosts: ['a', 'b'] });
  const deploy = s.task('Deploy', { role: 'app', module: 'command' });
  s.wait(5).emit({ type: 'task.start', task: deploy });
  s.emit({ type: 'host.start', task: deploy, host: 'a' }).emit({ type: 'host.start', task: deploy, host: 'b' });
  s.wait(400).emit({ type: 'abort.requested', mode: 'drain', source: 'Ctrl-C' });
  s.wait(600).emit({ type: 'host.ok', task: deploy, host: 'a', changed: true, result: { changed: true, stdout: 'deployed' } });
  s.wait(100).emit({ type: 'host.ok', task: deploy, host: 'b', changed: true, result: { changed: true, stdout: 'deployed' } });
  s.emit({ type: 'abort.done', mode: 'drain' });
  s.emit({ type: 'play.end', index: 0 });
  const stats = { a: { ...emptyStats(), ok: 1, changed: 1 }, b: { ...emptyStats(), ok: 1, changed: 1 } };
  s.wait(5).emit({ type: 'run.end', stats, exitCode: 99, aborted: true, durationMs: 1120 });
  return s.events;
}

test('the log is complete after a drain abort', () => {
  const out = writeLog(drainedRun(), { timezone: 'UTC' });
  const marks = [
    'ABORT REQUESTED (drain, by Ctrl-C)',
    'changed: [b] => {"changed": true, "stdout": "deployed"}',
    'ABORT: drained',
    'PLAY RECAP',
    'TASKS RECAP',
    'app | Deploy -',
    'ROLE RECAP',
    'TIMELINE',
    '0:00:00.015    app | Deploy (1.10s, span 1.10s)',
    'Playbook run took 0 days, 0 hours, 0 minutes, 1 seconds',
  ].map((m) => [m, out.indexOf(m)] as const);
  for (const [m, i] of marks) assert.ok(i >= 0, `missing: ${m}`);
  assert.deepEqual(marks.map(([, i]) => i), [...marks.map(([, i]) => i)].sort((a, b) => a - b));
  assert.ok(out.endsWith('Playbook run took 0 days, 0 hours, 0 minutes, 1 seconds\n'));
});
