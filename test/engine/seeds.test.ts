import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlaybook } from '../../src/playbook/index.js';
import { moduleInfo } from '../../src/modules/index.js';
import { runIn } from '../helpers/run.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

async function runFixture(dir: string, playbook: string, opts: { tags?: string[]; limit?: string }) {
  const run = await runIn(dir, { playbook, inventory: ['inventory.ini'], ...opts });
  return { outcome: run, events: run.events, scratch: run.hostsDir };
}

test("seed 002's api_worker playbook runs only the celery role with --tags api_worker_daemon --limit api_worker", async () => {
  const { outcome, events, scratch } = await runFixture(path.join(FIXTURES, 'seed002'), 'api_worker.yml', {
    tags: ['api_worker_daemon'],
    limit: 'api_worker',
  });
  assert.equal(outcome.exitCode, 0);
  const tasks = events.filter((e) => e.type === 'task.start' || e.type === 'handler.start').map((e) => ('task' in e ? `${e.task.role} : ${e.task.name}` : ''));
  assert.deepEqual(tasks, [
    'celery : Create the log directory',
    'celery : Write the worker config',
    'celery : Check each queue is declared',
    'celery : restart celery worker',
  ]);
  assert.deepEqual(Object.keys(outcome.stats).sort(), ['elh-worker1', 'elh-worker2']);
  // vars_files beat the role defaults: three queues and concurrency 4.
  const conf = fs.readFileSync(path.join(scratch, 'elh-worker1', 'celery-worker.conf'), 'utf8');
  assert.equal(conf.trim(), 'app=api queues=default,emails,reports concurrency=4');
  assert.match(fs.readFileSync(path.join(scratch, 'elh-worker2', 'log/api_worker/worker.log'), 'utf8'), /worker restarted for api/);
  assert.ok(!fs.existsSync(path.join(scratch, 'elh-beat1')));
});

test("seed 001's corrected exercises parse into task-level async", () => {
  for (const ex of ['ex1.yml', 'ex2.yml', 'ex3.yml', 'ex4.yml']) {
    const pb = loadPlaybook(path.join(FIXTURES, 'seed001', ex), { rolesPath: [], modules: moduleInfo });
    const monitor = pb.plays[2].sections.flatMap((s) => s.tasks)[0];
    assert.equal(monitor.kind, 'task');
    if (monitor.kind === 'task') assert.ok(monitor.async !== undefined, `${ex}: async is on the task`);
  }
});

test("seed 001's original plays are rejected where the task keyword sits on the play", () => {
  assert.throws(
    () => loadPlaybook(path.join(FIXTURES, 'seed001/original/ex1.yml'), { rolesPath: [], modules: moduleInfo }),
    /original\/ex1\.yml:13:3: 'command' is not a valid attribute for a play: it belongs to a task/,
  );
  assert.throws(
    () => loadPlaybook(path.join(FIXTURES, 'seed001/original/ex2.yml'), { rolesPath: [], modules: moduleInfo }),
    /original\/ex2\.yml:5:3: 'command' is not a valid attribute for a play/,
  );
});
