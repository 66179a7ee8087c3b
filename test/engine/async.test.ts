import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { runIn, runProject, type TestRun } from '../helpers/run.js';
import { processesGone, processRuns } from '../helpers/ps.js';
import { UnreachableError, type Transport } from '../../src/transport/types.js';
import { LocalTransport } from '../../src/transport/local.js';
import { killAsync, newJid, startJobCommand, statusCommand, parseStatus } from '../../src/transport/async-job.js';

const SEED001 = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/seed001');

const asyncDirOf = (run: TestRun, host: string) => path.join(run.hostsDir, host, '.playwatch_async');
const jobsLeft = (run: TestRun, host: string) => (fs.existsSync(asyncDirOf(run, host)) ? fs.readdirSync(asyncDirOf(run, host)) : []);

test("seed 001 exercise 1: a job with async and the default poll runs detached and is cleaned up", async () => {
  const run = await runIn(SEED001, { playbook: 'ex1.yml', inventory: ['inventory.ini'] });
  assert.equal(run.exitCode, 0);
  const done = run.of('async.done');
  assert.equal(done.length, 1);
  assert.equal(done[0].rc, 0);
  assert.equal(done[0].timedOut, false);
  assert.match(String(run.of('host.ok').find((e) => e.task.name === 'Monitor the web application')?.result.stdout), /monitoring done/);
  assert.deepEqual(jobsLeft(run, 'web1'), []);
});

test('seed 001 exercise 2: poll sets how often the engine checks, one poll event each time', async () => {
  const run = await runIn(SEED001, { playbook: 'ex2.yml', inventory: ['inventory.ini'] });
  assert.equal(run.exitCode, 0);
  // Each check is an event: async.poll while the job runs, async.done for the one that sees it end.
  const polls = run.of('async.poll');
  assert.ok(polls.length >= 2 && run.of('async.done').length === 1, `polled ${polls.length} times`);
  assert.deepEqual(polls.map((p) => p.polls), polls.map((_, i) => i + 1));
  assert.ok(polls.every((p) => p.limit === 6 && p.nextPollIn === 1));
  assert.equal(run.of('async.start')[0].limit, 6);
  assert.match(run.plain, /ASYNC POLL on web1: jid=j\d+\.\d+ started=1 finished=0 elapsed=\d+s\/6s/);
});

test('seed 001 exercise 3: web and db monitors start and the play goes on without waiting', async () => {
  const run = await runIn(SEED001, { playbook: 'ex3.yml', inventory: ['inventory.ini'] });
  assert.equal(run.exitCode, 0);
  const started = run.of('host.ok').filter((e) => e.task.name.startsWith('Monitor the'));
  assert.equal(started.length, 2);
  for (const e of started) {
    assert.match(String(e.result.ansible_job_id), /^j\d+\.\d+$/);
    assert.equal(e.result.started, 1);
    assert.equal(e.result.finished, 0);
  }
  // Both jobs were still running when the run ended (3 s jobs, the run took less).
  assert.ok(run.events.at(-1)!.at < 3000, 'the run did not wait for the jobs');
});

test('seed 001 exercise 4: register the job, then async_status until finished', async () => {
  const run = await runIn(SEED001, { playbook: 'ex4.yml', inventory: ['inventory.ini'], delayScale: 1 });
  assert.equal(run.exitCode, 0);
  const status = run.of('host.ok').filter((e) => e.task.name.startsWith('Check status'));
  assert.equal(status.length, 2);
  for (const e of status) {
    assert.equal(e.result.finished, 1);
    assert.equal(e.result.rc, 0);
    assert.match(String(e.result.stdout), /monitoring done/);
  }
  assert.ok(run.of('host.retry').length >= 2, 'async_status was retried until the job finished');
});

test("seed 003's standard async pattern, guarded by 'ansible_job_id is defined'", async () => {
  const run = await runProject({
    delayScale: 1,
    files: {
      'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - name: Task description
      shell: sleep 1; echo done-{{ inventory_hostname }}
      async: 10
      poll: 0
      register: job_variable
      when: inventory_hostname == 'web1'
    - name: Wait for task completion
      async_status:
        jid: "{{ job_variable.ansible_job_id }}"
      register: result_variable
      until: result_variable.finished
      retries: 20
      delay: 1
      when: job_variable.ansible_job_id is defined
`,
    },
  });
  assert.equal(run.exitCode, 0);
  assert.deepEqual(run.results('Wait for task completion'), { web1: 'changed', web2: 'skipped' });
  const waited = run.of('host.ok').find((e) => e.task.name === 'Wait for task completion')!;
  assert.equal(waited.result.stdout, 'done-web1');
});

test('a job that outlives its async limit is killed on the target and the task fails', async () => {
  const marker = `pw-outlive-${process.pid}-${Date.now()}`;
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: too long
      shell: "echo started; exec sleep 30 # ${marker}"
      async: 1
      poll: 1
`,
    },
  });
  assert.equal(run.exitCode, 2);
  const failed = run.of('host.failed')[0];
  assert.equal(failed.result.msg, 'async task did not complete within the requested time - 1s');
  assert.equal(run.of('async.done')[0].timedOut, true);
  assert.ok(await processesGone(marker), 'the job process is gone');
  assert.deepEqual(jobsLeft(run, 'web1'), []);
});

/** A real transport whose connection "drops" for a few polls. */
function dropping(t: Transport, drops: { left: number }): Transport {
  return {
    host: t.host,
    connect: () => t.connect(),
    exec: async (cmd, opts) => {
      if (cmd.includes('date +now=') && drops.left > 0) {
        drops.left--;
        throw new UnreachableError('connection reset by peer');
      }
      return t.exec(cmd, opts);
    },
    put: (c, p, m) => t.put(c, p, m),
    get: (p) => t.get(p),
    close: () => t.close(),
  };
}

test('a poll interrupted by a dropped connection is retried and the job still completes', async () => {
  const drops = { left: 2 };
  const run = await runProject({
    wrapTransport: (t) => dropping(t, drops),
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: survives drops
      shell: sleep 2; echo finished
      async: 10
      poll: 1
`,
    },
  });
  assert.equal(drops.left, 0, 'two polls were dropped');
  assert.equal(run.exitCode, 0);
  assert.equal(run.of('host.ok').find((e) => e.task.name === 'survives drops')?.result.stdout, 'finished');
});

test('async_status mode cleanup leaves nothing under ~/.playwatch_async', async () => {
  const run = await runProject({
    delayScale: 1,
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: start, command: "true", async: 5, poll: 0, register: job}
    - name: wait
      async_status: jid={{ job.ansible_job_id }}
      register: r
      until: r.finished
      retries: 10
      delay: 1
    - name: clean
      async_status: jid={{ job.ansible_job_id }} mode=cleanup
`,
    },
  });
  assert.equal(run.exitCode, 0);
  assert.deepEqual(jobsLeft(run, 'web1'), []);
});

test("an async job makes files with the login's umask, as the same command without async would (ansible-core's jobs do too)", async () => {
  // The targets' login umask: Debian's 022, not the 077 the job's own bookkeeping files are made with.
  const saved = process.umask(0o022);
  try {
    const run = await runProject({
      files: {
        'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: job, shell: "mkdir -p out && echo x > out/f && umask", async: 10, poll: 1}
`,
      },
    });
    assert.equal(run.exitCode, 0, run.plain);
    assert.equal(run.of('host.ok')[0].result.stdout, '0022');
    const mode = (p: string) => (fs.statSync(path.join(run.hostsDir, 'web1', p)).mode & 0o777).toString(8);
    assert.deepEqual([mode('out'), mode('out/f')], ['755', '644']);
  } finally {
    process.umask(saved);
  }
});

test('check mode skips async tasks with a message', async () => {
  const run = await runProject({
    check: true,
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: later, command: "true", async: 5, poll: 0}
`,
    },
  });
  const skipped = run.of('host.skipped')[0];
  assert.equal(skipped.result.msg, 'check mode and async cannot be used on same task.');
});

test('killAsync ends a running job and its files on the target', async () => {
  const root = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'pw-kill-'));
  const t = new LocalTransport({ host: 'x', connection: 'local', root });
  await t.connect();
  const jid = newJid();
  const marker = `pw-killasync-${process.pid}-${Date.now()}`;
  assert.equal((await t.exec(startJobCommand(jid, 60, `exec sleep 60 # ${marker}`))).rc, 0);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(parseStatus(await t.exec(statusCommand(jid))).finished, false);
  assert.ok(processRuns(marker));
  await killAsync(t, jid);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(await processesGone(marker), 'the job is gone');
  assert.equal(parseStatus(await t.exec(statusCommand(jid))).missing, true);
  await t.close();
});
