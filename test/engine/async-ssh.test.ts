/**
 * Async jobs through the engine over SSH, against the in-process ssh2
 * server (a bare machine needs nothing else); real sshd runs the same in
 * test:system.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { processesGone } from '../helpers/ps.js';
import fs from 'node:fs';
import path from 'node:path';
import { makeFixture, type Fixture } from '../transport/ssh-helpers.js';
import { runProject } from '../helpers/run.js';

let fx: Fixture;
before(async () => {
  fx = await makeFixture();
});
after(async () => {
  await fx.cleanup();
});

const inventory = () =>
  `[web]\nweb1 ansible_host=127.0.0.1 ansible_port=${fx.server.port} ansible_user=tester ` +
  `ansible_ssh_private_key_file=${fx.keyFile} playwatch_known_hosts=${fx.knownHosts}\n`;
const jobsLeft = () => {
  const dir = path.join(fx.dir, '.playwatch_async');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};

test('over ssh: fire and forget, then async_status until finished, then cleanup', async () => {
  const run = await runProject({
    delayScale: 1,
    files: {
      'inventory.ini': inventory(),
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: start, shell: "sleep 1; echo over-ssh", async: 10, poll: 0, register: job}
    - name: wait
      async_status: jid={{ job.ansible_job_id }}
      register: r
      until: r.finished
      retries: 10
      delay: 1
    - {name: clean, async_status: "jid={{ job.ansible_job_id }} mode=cleanup"}
`,
    },
  });
  assert.equal(run.exitCode, 0, JSON.stringify(run.of('host.failed').map((e) => e.result.msg)));
  assert.equal(run.of('host.ok').find((e) => e.task.name === 'wait')?.result.stdout, 'over-ssh');
  assert.deepEqual(jobsLeft(), []);
});

test('over ssh: a polled job that outlives async is killed on the target', async () => {
  const tag = `pw-ssh-async-${process.pid}`;
  const run = await runProject({
    files: {
      'inventory.ini': inventory(),
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: too long, shell: "exec sleep 30 # ${tag}", async: 1, poll: 1}
`,
    },
  });
  assert.equal(run.of('host.failed')[0]?.result.msg, 'async task did not complete within the requested time - 1s');
  assert.ok(await processesGone(tag));
  assert.deepEqual(jobsLeft(), []);
});

test('over ssh: a poll cut off by a dropped connection reconnects and the job completes', async () => {
  let dropped = false;
  const run = await runProject({
    onEvent: (e) => {
      if (!dropped && e.type === 'async.poll') {
        dropped = true;
        fx.server.dropConnections();
      }
    },
    files: {
      'inventory.ini': inventory(),
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: survives, shell: "sleep 3; echo done", async: 20, poll: 1}
`,
    },
  });
  assert.ok(dropped, 'the connection was dropped during polling');
  assert.equal(run.exitCode, 0, JSON.stringify(run.of('host.failed').map((e) => e.result.msg)));
  assert.equal(run.of('host.ok').find((e) => e.task.name === 'survives')?.result.stdout, 'done');
});
