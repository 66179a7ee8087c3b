/**
 * wait_for_connection and reboot against a real sshd that goes away and
 * comes back (npm run test:system). Starts its own one-host fleet
 * (127.0.0.11, port PLAYWATCH_NET_FLEET_PORT, default 2289), so killing
 * its sshd disturbs no other test. The reboot is a stand-in command that
 * restarts that sshd: this machine is never rebooted.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetHosts, fleetScript, killHost, startHost } from '../fleet/helpers.js';
import { makeProject, runIn } from '../helpers/run.js';

const PORT = process.env.PLAYWATCH_NET_FLEET_PORT ?? '2289';
const fleetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-netfleet-'));
const fleetEnv = { ...process.env, PLAYWATCH_FLEET_PORT: PORT };
const INVENTORY = path.join(fleetDir, 'inventory.ini');
let HOST = 'h01';

before(() => {
  assert.equal(process.getuid?.(), 0, 'run as root: sshd needs it (npm run test:system)');
  const up = spawnSync(fleetScript, ['up', '1', fleetDir], { encoding: 'utf8', env: fleetEnv });
  assert.equal(up.status, 0, `fleet.sh up 1: ${up.stderr}`);
  HOST = fleetHosts(fleetDir)[0]!.name;
});

after(() => {
  spawnSync(fleetScript, ['down', fleetDir], { env: fleetEnv });
  fs.rmSync(fleetDir, { recursive: true, force: true });
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
        killHost(HOST, fleetDir);
        setTimeout(() => { startHost(HOST, fleetDir); restarted = Date.now(); }, 2500);
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
      if (e.type === 'host.ok' && e.task.name === 'first') killHost(HOST, fleetDir);
    },
  });
  startHost(HOST, fleetDir);
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

/**
 * A stand-in for the reboot command on the test host (never this
 * machine's own reboot): detached, it drops the host's sshd with its
 * sessions, writes a new boot id and starts sshd again.
 */
function fakeReboot(): { command: string; bootId: string } {
  const hd = path.join(fleetDir, HOST);
  const bootId = path.join(hd, 'boot_id');
  fs.writeFileSync(bootId, 'boot-1\n');
  const script = path.join(hd, 'fake-reboot');
  fs.writeFileSync(script, `#!/bin/sh
setsid sh -c '
  sleep 1
  pid=$(cat "$0/sshd.pid")
  kill -KILL "$pid" $(ps -o pid= --ppid "$pid") 2>/dev/null
  echo "boot-$(date +%s%N)" > "$0/boot_id"
  sleep 1
  ${process.env.SSHD ?? '/usr/sbin/sshd'} -f "$0/sshd_config" -E "$0/sshd.log"
' ${JSON.stringify(hd)} >/dev/null 2>&1 </dev/null &
exit 0
`, { mode: 0o755 });
  return { command: script, bootId };
}

test('reboot runs the reboot command, waits for a new boot id and the test command, across the sshd going down and up', async () => {
  const fake = fakeReboot();
  const dir = makeProject({ 'site.yml': `
- hosts: ${HOST}
  gather_facts: false
  tasks:
    - name: reboot
      reboot: { reboot_command: "${fake.command}", boot_time_command: "cat ${fake.bootId}", reboot_timeout: 30, connect_timeout: 3, test_command: "test -f ${fake.bootId}" }
    - name: after
      command: cat ${fake.bootId}
` });
  const run = await runIn(dir, { inventory: [INVENTORY] });
  assert.deepEqual(run.results('reboot'), { [HOST]: 'changed' });
  const r = run.of('host.ok').find((e) => e.task.name === 'reboot')!.result;
  assert.deepEqual({ ...r, elapsed: undefined }, { changed: true, failed: false, rebooted: true, elapsed: undefined });
  assert.ok((r.elapsed as number) >= 1);
  assert.notEqual(fs.readFileSync(fake.bootId, 'utf8'), 'boot-1\n');
  assert.deepEqual(run.results('after'), { [HOST]: 'changed' });
});

test('reboot in check mode predicts the reboot without running anything', async () => {
  const fake = fakeReboot();
  const dir = makeProject({ 'site.yml': `
- hosts: ${HOST}
  gather_facts: false
  tasks:
    - name: reboot
      reboot: { reboot_command: "${fake.command}", boot_time_command: "cat ${fake.bootId}" }
` });
  const run = await runIn(dir, { inventory: [INVENTORY], check: true });
  const r = run.of('host.ok').find((e) => e.task.name === 'reboot')!.result;
  assert.deepEqual(r, { changed: true, failed: false, elapsed: 0, rebooted: true });
  assert.equal(fs.readFileSync(fake.bootId, 'utf8'), 'boot-1\n');
});
