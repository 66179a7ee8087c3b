import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHostLogs, hostFileName } from '../../src/reporters/host-logs.js';
import { Script } from './events.js';
import { deployScenario } from './scenario.js';

function writeHostLogs(events = deployScenario()): string {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-hosts-'));
  const r = createHostLogs({ runDir });
  for (const e of events) r.onEvent(e);
  r.close?.();
  return path.join(runDir, 'hosts');
}

test('each host gets its own log with one log_plays-style line per result', () => {
  const dir = writeHostLogs();
  assert.deepEqual(fs.readdirSync(dir).sort(), ['db1.log', 'web1.log', 'web2.log']);
  const db1 = fs.readFileSync(path.join(dir, 'db1.log'), 'utf8');
  assert.equal(
    db1,
    '2015-12-09T09:51:51.053Z - site.yml - common : Install packages - apt - UNREACHABLE - ' +
      '{"changed": false, "msg": "Failed to connect to the host via ssh: ssh: connect to host db1 port 22: Connection refused", "unreachable": true}\n',
  );
  const web2 = fs.readFileSync(path.join(dir, 'web2.log'), 'utf8').split('\n').filter(Boolean);
  assert.deepEqual(web2.map((l) => l.split(' - ')[4]), ['OK', 'OK', 'FAILED', 'FAILED']);
  assert.match(web2[2]!, / - FAILED - \{"ansible_loop_var": "item", "changed": false, "failed": true, "item": "bob", "msg": "useradd: group 'ops' does not exist", "rc": 6\}$/);
  // The loop's summary line leaves out the per-item results already logged.
  assert.doesNotMatch(web2[3]!, /"results"/);
});

test('retries, ignored failures, skips and changes are told apart by category', () => {
  const lines = fs.readFileSync(path.join(writeHostLogs(), 'web1.log'), 'utf8').split('\n').filter(Boolean);
  const cats = lines.map((l) => l.split(' - ')[4]);
  assert.deepEqual(cats.filter((c) => c === 'RETRY').length, 2);
  assert.ok(cats.includes('IGNORED'));
  assert.ok(cats.includes('SKIPPED'));
  assert.ok(cats.includes('CHANGED'));
  assert.match(lines.find((l) => l.includes(' - RETRY - '))!, /RETRY - attempt 1, 2 retries left: \{"failed": true, "status": 503\}$/);
});

test('host logs hold no raw control characters and no line breaks inside a line', () => {
  const text = fs.readFileSync(path.join(writeHostLogs(), 'web1.log'), 'utf8');
  assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  assert.match(text, /"stdout": "ok\\u001b\]0;owned\\u0007"/);
  for (const line of text.split('\n').filter(Boolean)) assert.match(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z - site\.yml - /);
});

test('a failed async job is logged as ASYNC_FAILED and files are private', () => {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: ['a'], check: false, argv: [] });
  const t = s.task('Long', { module: 'command' });
  s.wait(10).emit({ type: 'async.done', task: t, host: 'a', jid: 'j1', rc: -9, duration: 60, timedOut: true });
  const dir = writeHostLogs(s.events);
  const file = path.join(dir, 'a.log');
  assert.match(fs.readFileSync(file, 'utf8'), / - Long - command - ASYNC_FAILED - \{"ansible_job_id": "j1", "duration": 60, "rc": -9, "timed_out": true\}\n$/);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
});

test('host names become safe file names', () => {
  assert.equal(hostFileName('web1.example.com'), 'web1.example.com.log');
  assert.equal(hostFileName('../etc/passwd'), '__etc_passwd.log');
  assert.equal(hostFileName('h:2222'), 'h_2222.log');
});
