/**
 * wait_for_connection against a real sshd that goes away and comes back
 * (npm run test:system): the last host of the fleet only, so the other
 * hosts stay up for the tests beside this one.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fleetDir, fleetHosts, killHost, startHost } from './helpers.js';
import { makeProject, runIn } from '../helpers/run.js';

const INVENTORY = path.join(fleetDir, 'inventory.ini');
const HOST = fleetHosts().map((h) => h.name).at(-1)!;

after(() => {
  if (!fs.existsSync(path.join(fleetDir, HOST, 'sshd.pid'))) startHost(HOST);
});

const PLAY = (wait: string) => `
- hosts: ${HOST}
  gather_facts: false
  tasks:
    - name: first
      command: echo up
    - name: wait
      wait_for_connection: ${wait}
    - name: after
      command: echo back
`;

test('wait_for_connection waits across an sshd restart: the host is not unreachable, the next task runs on a new connection', async () => {
  const dir = makeProject({ 'site.yml': PLAY('{ sleep: 1, timeout: 30, connect_timeout: 3 }') });
  let restarted = 0;
  const run = await runIn(dir, {
    inventory: [INVENTORY],
    onEvent: (e) => {
      if (e.type === 'host.ok' && e.task.name === 'first') {
        // The host goes down with its sessions, and comes back 2.5 s later.
        killHost(HOST);
        setTimeout(() => { startHost(HOST); restarted = Date.now(); }, 2500);
      }
    },
  });
  assert.deepEqual(run.results('first'), { [HOST]: 'changed' });
  assert.deepEqual(run.results('wait'), { [HOST]: 'ok' });
  assert.deepEqual(run.results('after'), { [HOST]: 'changed' });
  assert.ok(restarted > 0);
  const waited = run.of('host.ok').find((e) => e.task.name === 'wait')!;
  assert.equal(waited.result.changed, false);
  assert.ok((waited.result.elapsed as number) >= 2, `elapsed ${waited.result.elapsed}`);
});

test('wait_for_connection fails (not unreachable) when the host stays down, with ansible-core\'s message', async () => {
  const dir = makeProject({ 'site.yml': PLAY('{ sleep: 1, timeout: 3, connect_timeout: 2 }') });
  const run = await runIn(dir, {
    inventory: [INVENTORY],
    onEvent: (e) => {
      if (e.type === 'host.ok' && e.task.name === 'first') killHost(HOST);
    },
  });
  startHost(HOST);
  assert.deepEqual(run.results('wait'), { [HOST]: 'failed' });
  const failed = run.of('host.failed').find((e) => e.task.name === 'wait')!;
  assert.match(String(failed.result.msg), /^timed out waiting for ping module test: /);
  assert.ok((failed.result.elapsed as number) >= 3);
  assert.equal(run.of('host.unreachable').length, 0);
});

test('wait_for_connection is skipped in check mode, as ansible-core does', async () => {
  const dir = makeProject({ 'site.yml': PLAY('{ timeout: 5 }') });
  const run = await runIn(dir, { inventory: [INVENTORY], check: true });
  assert.deepEqual(run.results('wait'), { [HOST]: 'skipped' });
});
