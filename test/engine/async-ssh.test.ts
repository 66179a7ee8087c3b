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
import { startTcpProxy } from '../helpers/tcp-proxy.js';

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

test('over ssh: a poll survives the connection dropping twice in a row, the reconnect retries spent on the first', async () => {
  const proxy = await startTcpProxy(fx.server.port);
  const knownHosts = path.join(fx.dir, 'known_hosts_proxy');
  fs.writeFileSync(knownHosts, `[127.0.0.1]:${proxy.port} ${fx.server.hostKey.public.split(/\s+/).slice(0, 2).join(' ')}\n`);
  // The transport tries 3 times per connect (its default): all 3 are refused after the first drop.
  const faults = [() => (proxy.refuse(3), proxy.cut()), () => proxy.cut()];
  try {
    const run = await runProject({
      onEvent: (e) => {
        if (e.type === 'async.poll') faults.shift()?.();
      },
      files: {
        'inventory.ini':
          `[web]\nweb1 ansible_host=127.0.0.1 ansible_port=${proxy.port} ansible_user=tester ` +
          `ansible_ssh_private_key_file=${fx.keyFile} playwatch_known_hosts=${knownHosts}\n`,
        'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: survives, shell: "sleep 7; echo done", async: 30, poll: 1, register: job}
    - {name: after, command: "echo still here"}
`,
      },
    });
    assert.equal(faults.length, 0, 'both drops happened during polling');
    assert.deepEqual(proxy.counts, { forwarded: 3, refused: 3 }, 'first connection, a failed reconnect, then two reconnects');
    assert.deepEqual(run.of('host.unreachable'), []);
    assert.equal(run.exitCode, 0, JSON.stringify(run.of('host.failed').map((e) => e.result.msg)));
    const ok = run.of('host.ok').find((e) => e.task.name === 'survives');
    assert.deepEqual([ok?.result.stdout, ok?.result.finished], ['done', 1]);
    assert.deepEqual(run.results('after'), { web1: 'changed' });
  } finally {
    await proxy.close();
  }
});
