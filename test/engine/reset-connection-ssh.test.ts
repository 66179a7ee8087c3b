/**
 * `meta: reset_connection` over SSH, against the in-process ssh2 server:
 * the host's connection is closed and the next task opens a new one.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture, type Fixture } from '../transport/ssh-helpers.js';
import { runProject } from '../helpers/run.js';

let fx: Fixture;
before(async () => {
  fx = await makeFixture();
});
after(async () => {
  await fx.cleanup();
});

test('over ssh: reset_connection closes the connection and the next task connects again', async () => {
  const inventory =
    `[web]\nweb1 ansible_host=127.0.0.1 ansible_port=${fx.server.port} ansible_user=tester ` +
    `ansible_ssh_private_key_file=${fx.keyFile} playwatch_known_hosts=${fx.knownHosts}\n`;
  const logins = fx.server.users.length;
  const run = await runProject({
    files: {
      'inventory.ini': inventory,
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: before, command: "true"}
    - meta: reset_connection
    - {name: after, command: echo again}
`,
    },
  });
  assert.equal(run.exitCode, 0, JSON.stringify(run.events.filter((e) => e.type === 'host.unreachable' || e.type === 'host.failed')));
  assert.deepEqual(run.results('after'), { web1: 'changed' });
  assert.equal(fx.server.users.length - logins, 2, 'one login before the reset, one after');
});
