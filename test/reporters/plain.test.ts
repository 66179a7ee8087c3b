import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../src/events/index.js';
import { emptyStats } from '../../src/model/index.js';
import { createPlainPresenter } from '../../src/reporters/plain.js';
import { Script } from './events.js';
import { deployScenario } from './scenario.js';

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/reporters/plain.golden.txt');

function render(events: RunEvent[], opts: { timezone?: string; profileLimit?: number } = {}): string {
  let out = '';
  const p = createPlainPresenter({ write: (s) => (out += s), ...opts });
  for (const e of events) p.onEvent(e);
  return out;
}

/** Replaces the wall-clock part and the durations of profile_tasks lines with fixed tokens. */
function normalizeTimes(text: string): string {
  return text.replace(
    /^\w+day \d\d \w+ \d{4} {2}\d\d:\d\d:\d\d [+-]\d{4} \(\d+:\d\d:\d\d\.\d{3}\) {7}\d+:\d\d:\d\d\.\d{3} \*+ $/gm,
    'DATE (DURATION)       ELAPSED ***',
  );
}

test('the plain presenter prints a deploy exactly like the golden file', () => {
  const out = render(deployScenario(), { timezone: 'Europe/Helsinki' });
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, out);
  assert.equal(out, fs.readFileSync(GOLDEN, 'utf8'));
});

test('the plain output matches the golden file in any time zone once timestamps are normalized', () => {
  const here = normalizeTimes(render(deployScenario()));
  assert.equal(here, normalizeTimes(fs.readFileSync(GOLDEN, 'utf8')));
  assert.match(here, /^DATE \(DURATION\)/m);
});

test('every banner and profile line is 80 characters wide like ansible without a terminal', () => {
  const lines = render(deployScenario(), { timezone: 'UTC' }).split('\n');
  const banners = lines.filter((l) => /^(PLAY|TASK|RUNNING HANDLER|TASKS RECAP|ROLE RECAP)\b.* \*+$/.test(l));
  assert.ok(banners.length >= 12);
  for (const l of banners) assert.equal(l.length, 80, l);
  const stamps = lines.filter((l) => / \(\d:\d\d:\d\d\.\d{3}\) {7}/.test(l));
  assert.ok(stamps.length >= 12);
  for (const l of stamps) assert.equal(l.length, 80, l);
});

test('a long task name still gets three stars', () => {
  const s = new Script();
  const t = s.task('x'.repeat(90));
  s.emit({ type: 'task.start', task: t });
  const first = render(s.events).split('\n')[1]!;
  assert.equal(first, `TASK [${'x'.repeat(90)}] ***`);
});

test('text from targets cannot reach the terminal as escape sequences', () => {
  const out = render(deployScenario(), { timezone: 'UTC' });
  assert.doesNotMatch(out, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  assert.match(out, /skipping: \[web1\] => \(item=evilname\) $/m);
});

test('the timestamp line shows time since the previous task and since the start', () => {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: [], check: false, argv: [] });
  s.wait(3712).emit({ type: 'task.start', task: s.task('a') });
  s.wait(81_990).emit({ type: 'task.start', task: s.task('b') });
  const stamps = render(s.events, { timezone: 'Europe/Helsinki' }).split('\n').filter((l) => l.includes('day'));
  assert.equal(stamps[0], 'Wednesday 09 December 2015  11:51:52 +0200 (0:00:03.712)       0:00:03.712 **** ');
  assert.equal(stamps[1], 'Wednesday 09 December 2015  11:53:14 +0200 (0:01:21.990)       0:01:25.702 **** ');
});

test('an injected clock formatter replaces the date part', () => {
  const s = new Script();
  s.emit({ type: 'task.start', task: s.task('a') });
  let out = '';
  const p = createPlainPresenter({ write: (x) => (out += x), formatClock: () => 'NOW', now: () => new Date(0) });
  for (const e of s.events) p.onEvent(e);
  assert.equal(out.split('\n')[2], `NOW (0:00:00.000)       0:00:00.000 ${'*'.repeat(79 - 36)} `);
});

test('the recap adds a cancelled column only when a host was cancelled', () => {
  const end = (cancelled: number): RunEvent => ({
    type: 'run.end', at: 0, wall: 0, exitCode: 99, aborted: true, durationMs: 0,
    stats: { web1: { ...emptyStats(), ok: 3 }, web2: Object.assign(emptyStats(), { cancelled }) },
  });
  const withCol = render([end(2)]).split('\n');
  assert.equal(
    withCol.find((l) => l.startsWith('web2')),
    'web2                       : ok=0    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0    cancelled=2   ',
  );
  assert.match(withCol.find((l) => l.startsWith('web1'))!, /ignored=0    cancelled=0   $/);
  assert.doesNotMatch(render([end(0)]), /cancelled/);
});

test('abort requests and results of a task under an older banner are shown', () => {
  const s = new Script();
  const a = s.task('first');
  const b = s.task('second');
  s.emit({ type: 'task.start', task: a });
  s.emit({ type: 'task.start', task: b });
  s.emit({ type: 'host.ok', task: a, host: 'h1', changed: false, result: {} });
  s.emit({ type: 'abort.requested', mode: 'drain', source: 'SIGINT' });
  s.emit({ type: 'abort.done', mode: 'drain' });
  const lines = render(s.events).split('\n');
  const i = lines.indexOf('ok: [h1]');
  assert.ok(i > 0);
  assert.match(lines[i - 1]!, /^TASK \[first\] \*+$/);
  assert.ok(lines.some((l) => l.startsWith('ABORT REQUESTED (drain, by SIGINT)')));
  assert.ok(lines.includes('ABORT: drained'));
});

test('async jobs that time out are reported as failed', () => {
  const s = new Script();
  const t = s.task('job');
  s.emit({ type: 'async.done', task: t, host: 'h1', jid: 'j1', rc: -9, duration: 60, timedOut: true });
  assert.equal(render(s.events), 'ASYNC FAILED on h1: jid=j1 rc=-9 elapsed=60s (timeout exceeded)\n');
});

test('unreachable hosts with ignore_unreachable are followed by ...ignoring', () => {
  const s = new Script();
  const t = s.task('ping');
  s.emit({ type: 'host.unreachable', task: t, host: 'h1', ignored: true, result: { unreachable: true, msg: 'timeout' } });
  assert.deepEqual(render(s.events).split('\n').slice(2), [
    'fatal: [h1]: UNREACHABLE! => {"msg": "timeout", "unreachable": true}',
    '...ignoring',
    '',
  ]);
});

test('result warnings are printed before the host line and left out of the JSON', () => {
  const s = new Script();
  const t = s.task('cmd', { module: 'command' });
  s.emit({ type: 'host.failed', task: t, host: 'h1', ignored: false, result: { failed: true, msg: 'boom', warnings: ['use the file module'] } });
  assert.deepEqual(render(s.events).split('\n').slice(2, 4), [
    '[WARNING]: use the file module',
    'fatal: [h1]: FAILED! => {"msg": "boom"}',
  ]);
});

test('a no_log result is censored and its item label hidden', () => {
  const s = new Script();
  const t = s.task('secret', { module: 'command' });
  const result = { changed: true, stdout: 'hunter2', _ansible_no_log: true };
  s.emit({ type: 'host.failed', task: t, host: 'h1', ignored: false, item: 'hunter2', result });
  const line = render(s.events).split('\n')[2]!;
  assert.doesNotMatch(line, /hunter2/);
  assert.equal(
    line,
    'failed: [h1] (item=(censored due to no_log)) => {"censored": "the output has been hidden due to the fact that \'no_log: true\' was specified for this result", "changed": true}',
  );
});

test('a debug var result shows the variable without changed or failed keys', () => {
  const s = new Script();
  const t = s.task('debug', { module: 'ansible.builtin.debug' });
  s.emit({ type: 'host.ok', task: t, host: 'h1', changed: false, result: { changed: false, failed: false, app_version: { major: 1, tags: [] } } });
  assert.equal(
    render(s.events).split('\n').slice(2).join('\n'),
    'ok: [h1] => {\n    "app_version": {\n        "major": 1,\n        "tags": []\n    }\n}\n',
  );
});
