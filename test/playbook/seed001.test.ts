import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Task } from '../../src/model/index.js';
import { loadPlaybook } from '../../src/playbook/index.js';
import { fixture, testModules } from './helpers.js';

const load = (name: string) => loadPlaybook(fixture('seed001', name), { modules: testModules });

// Seed 001's exercises put `command:` and `async:` on the play itself, which
// ansible-core rejects; the message must say where the keyword belongs.
const originals: Array<[string, number]> = [
  ['exercise1.yml', 19],
  ['exercise2.yml', 18],
  ['exercise3.yml', 18],
  ['exercise4.yml', 18],
];

for (const [file, line] of originals) {
  test(`seed 001 ${file} is refused because command belongs to a task`, () => {
    assert.throws(() => load(file), {
      name: 'UserError',
      message: `fixtures/playbook/seed001/${file}:${line}:3: 'command' is not a valid attribute for a play: it belongs to a task (put it under 'tasks:')`,
    });
  });
}

test('seed 001 corrected exercise parses into async tasks with register', () => {
  const pb = load('exercise4-fixed.yml');
  assert.deepEqual(pb.plays.map((p) => p.hosts), ['db_server', 'web_server', 'web_server', 'db_server']);
  const t = pb.plays[2].sections[2].tasks[0] as Task;
  assert.equal(t.module, 'command');
  assert.deepEqual(t.args, { _raw_params: '/opt/monitor_webapp.py' });
  assert.equal(t.async, 360);
  assert.equal(t.poll, 0);
  assert.equal(t.register, 'webapp_result');
  assert.deepEqual(pb.plays[1].sections[1].tasks.map((x) => x.role?.name), ['python', 'flask_web']);
});

test('seed 001 example keeps the async_status jid template intact and until as a condition list', () => {
  const tasks = load('example.yml').plays[0].sections[2].tasks as Task[];
  const check = tasks[2];
  assert.equal(check.module, 'async_status');
  assert.deepEqual(check.args, { jid: '{{ webapp_result.ansible_job_id }}' });
  assert.deepEqual(check.until, ['job_result.finished']);
  assert.equal(check.retries, 30);
  assert.equal(tasks[0].name, undefined);
});
