/**
 * wait_for_connection and reboot run through ansible-playbook and through
 * playwatch with one playbook (npm run test:system; needs ansible-core).
 * Like reconnect.test.ts this starts its own one-host fleet (port
 * PLAYWATCH_NET_FLEET_PORT, default 2289), so dropping its sshd disturbs
 * no other test. Nothing is rebooted: the host's `shutdown` is a stand-in
 * in a directory the task's `search_paths` names, which writes down its
 * arguments and "reboots" the host: drops its sshd with every session,
 * writes a new boot id (read by `boot_time_command`) and starts sshd again.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetHosts, fleetScript } from '../fleet/helpers.js';
import { differences, fleetProject, runAnsible, runPlaywatch, statuses, type EngineRun } from './oracle.js';

const PORT = process.env.PLAYWATCH_NET_FLEET_PORT ?? '2289';
const fleetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-reconnect-oracle-'));
const fleetEnv = { ...process.env, PLAYWATCH_FLEET_PORT: PORT };
let HOST = 'h01';
let HD = '';

before(() => {
  assert.equal(process.getuid?.(), 0, 'run as root: sshd needs it (npm run test:system)');
  const up = spawnSync(fleetScript, ['up', '1', fleetDir], { encoding: 'utf8', env: fleetEnv });
  assert.equal(up.status, 0, `fleet.sh up 1: ${up.stderr}`);
  HOST = fleetHosts(fleetDir)[0]!.name;
  HD = path.join(fleetDir, HOST);
  standIns(HD);
});

after(() => {
  spawnSync(fleetScript, ['down', fleetDir], { env: fleetEnv });
  fs.rmSync(fleetDir, { recursive: true, force: true });
});

/**
 * `bounce A B`: detached, after A s kill the host's sshd and its whole
 * process tree (stopped first, so that no connection slips in meanwhile), write a new boot id, start sshd again B s later and stamp
 * `restarted`. `sbin/shutdown`: writes its arguments (one `[arg]` each)
 * to `shutdown.calls`, removes `restarted`, then `bounce 1 1`. `empty/` has no shutdown.
 */
function standIns(hd: string): void {
  const sshd = process.env.SSHD ?? '/usr/sbin/sshd';
  fs.writeFileSync(path.join(hd, 'boot_id'), 'boot-0\n');
  fs.mkdirSync(path.join(hd, 'sbin'));
  fs.mkdirSync(path.join(hd, 'empty'));
  fs.writeFileSync(path.join(hd, 'bounce'), `#!/bin/sh
setsid sh -c '
  hd=$0
  sleep "$1"
  tree() { for c in $(ps -o pid= --ppid "$1"); do tree "$c"; echo "$c"; done; }
  pid=$(cat "$hd/sshd.pid")
  kill -STOP "$pid"
  kids=$(tree "$pid" | grep -vx "$$")
  kill -KILL $kids "$pid" 2>/dev/null
  rm -f "$hd/sshd.pid"
  echo "boot-$(date +%s%N)" > "$hd/boot_id"
  sleep "$2"
  for i in $(seq 1 200); do ${sshd} -f "$hd/sshd_config" -E "$hd/sshd.log" && break; sleep 0.1; done
  date +%s%N > "$hd/restarted"
' ${JSON.stringify(hd)} "$1" "$2" >/dev/null 2>&1 </dev/null &
exit 0
`, { mode: 0o755 });
  fs.writeFileSync(path.join(hd, 'sbin', 'shutdown'), `#!/bin/sh
for a in "$@"; do printf '[%s]' "$a"; done >> ${JSON.stringify(path.join(hd, 'shutdown.calls'))}
echo >> ${JSON.stringify(path.join(hd, 'shutdown.calls'))}
rm -f ${JSON.stringify(path.join(hd, 'restarted'))}
exec ${JSON.stringify(path.join(hd, 'bounce'))} 1 1
`, { mode: 0o755 });
}

/** Takes the host down now (it comes back `seconds` later, stamping `restarted`), before the engine starts. */
function downFor(seconds: number): void {
  spawnSync(path.join(HD, 'bounce'), ['0', String(seconds)]);
  for (let i = 0; i < 100 && fs.existsSync(path.join(HD, 'sshd.pid')); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  assert.equal(fs.existsSync(path.join(HD, 'sshd.pid')), false, 'the host went down');
}

/** Runs the playbook through `engine` with fresh records; the records and the sshd pids it saw. */
async function through(engine: 'ansible' | 'playwatch', playbook: string, down = 0): Promise<{ run: EngineRun; calls: string[]; pids: string[] }> {
  const pidBefore = fs.readFileSync(path.join(HD, 'sshd.pid'), 'utf8').trim();
  for (const f of ['shutdown.calls', 'restarted']) fs.rmSync(path.join(HD, f), { force: true });
  if (down > 0) downFor(down);
  const p = fleetProject(playbook.split('@H').join(HD), {}, undefined, fleetDir);
  const run = engine === 'ansible' ? await runAnsible(p) : await runPlaywatch(p);
  const calls = fs.existsSync(path.join(HD, 'shutdown.calls')) ? fs.readFileSync(path.join(HD, 'shutdown.calls'), 'utf8').trim().split('\n') : [];
  return { run, calls, pids: [pidBefore, fs.readFileSync(path.join(HD, 'sshd.pid'), 'utf8').trim()] };
}

/** What went wrong, for a failed assertion: the engine's output and the host's sshd log. */
const why = (run: EngineRun) => `${run.log}\n--- sshd.log:\n${fs.readFileSync(path.join(HD, 'sshd.log'), 'utf8').split('\n').slice(-20).join('\n')}`;

const WAIT = `
- hosts: all
  gather_facts: false
  tasks:
    - name: wait
      wait_for_connection: { delay: 1, sleep: 1, timeout: 120, connect_timeout: 10 }
    - name: after
      command: cat @H/restarted
`;

test('wait_for_connection across an sshd restart: ansible-playbook and playwatch agree on every status and the recap, and both waited for the new sshd', async () => {
  const a = await through('ansible', WAIT, 10);
  const p = await through('playwatch', WAIT, 10);
  assert.deepEqual(statuses(a.run), { wait: 'ok', after: 'changed' }, why(a.run));
  assert.deepEqual(differences(a.run, p.run, { wait: ['changed', '?elapsed'] }), []);
  assert.deepEqual(p.run.recap, a.run.recap);
  for (const r of [a, p]) {
    assert.notEqual(r.pids[0], r.pids[1], 'the sshd was restarted during the run');
    assert.ok((r.run.tasks.get('wait')!.result.elapsed as number) >= 1, `elapsed ${r.run.tasks.get('wait')!.result.elapsed}`);
  }
});

const DOWN = `
- hosts: all
  gather_facts: false
  tasks:
    - name: too short
      wait_for_connection: { delay: 4, sleep: 1, timeout: 6, connect_timeout: 2 }
      ignore_errors: true
    - name: long enough
      wait_for_connection: { sleep: 1, timeout: 120, connect_timeout: 10 }
`;

test('wait_for_connection that times out fails (not unreachable) with ansible-core\'s message, and a later one finds the host back', async () => {
  const a = await through('ansible', DOWN, 25);
  const p = await through('playwatch', DOWN, 25);
  assert.deepEqual(statuses(a.run), { 'too short': 'failed', 'long enough': 'ok' }, why(a.run));
  assert.deepEqual(differences(a.run, p.run, { 'too short': ['changed', '?elapsed'] }), []);
  assert.deepEqual(p.run.recap, a.run.recap);
  for (const r of [a, p]) {
    assert.match(String(r.run.tasks.get('too short')!.result.msg), /^timed out waiting for ping module test: /);
    // The timeout counts from after the delay: 4 + 6.
    assert.ok((r.run.tasks.get('too short')!.result.elapsed as number) >= 10, `elapsed ${r.run.tasks.get('too short')!.result.elapsed}`);
  }
});

const REBOOT = `
- hosts: all
  gather_facts: false
  tasks:
    - name: reboot
      reboot: { search_paths: ["@H/empty", "@H/sbin"], boot_time_command: "cat @H/boot_id", msg: "Reboot by the test", reboot_timeout: 120, connect_timeout: 10 }
    - name: no shutdown
      reboot: { search_paths: ["@H/empty"], boot_time_command: "cat @H/boot_id" }
      ignore_errors: true
    - name: no boot time
      reboot: { boot_time_command: "cat @H/missing" }
      ignore_errors: true
    - name: after
      command: cat @H/boot_id
`;

test('reboot through a stand-in shutdown: ansible-playbook and playwatch agree on statuses, result keys, messages, the recap and the exact shutdown calls', async () => {
  const a = await through('ansible', REBOOT);
  const p = await through('playwatch', REBOOT);
  assert.deepEqual(statuses(a.run), { reboot: 'changed', 'no shutdown': 'failed', 'no boot time': 'failed', after: 'changed' }, why(a.run));
  assert.deepEqual(differences(a.run, p.run, {
    reboot: ['changed', 'rebooted', '?elapsed'],
    'no shutdown': ['msg'],
    'no boot time': ['reboot'],
  }), []);
  // ansible-core's ssh runs this command on a tty: its stderr comes in stdout, with "Shared connection … closed." after.
  for (const r of [a, p]) {
    const msg = String(r.run.tasks.get('no boot time')!.result.msg);
    assert.match(msg, /^reboot: failed to get host boot time info, rc: 1, stdout: .*, stderr: /s);
    assert.match(msg, /cat: \S+\/missing: No such file or directory/);
  }
  assert.deepEqual(p.run.recap, a.run.recap);
  assert.deepEqual(a.calls, ['[-r][0][Reboot by the test]']);
  assert.deepEqual(p.calls, a.calls);
  for (const r of [a, p]) {
    assert.notEqual(r.pids[0], r.pids[1], 'the sshd was restarted during the run');
    assert.ok((r.run.tasks.get('reboot')!.result.elapsed as number) >= 1);
  }
});

// A play of its own: one reboot per ansible-playbook run (two in a row left ansible-core's second boot-time check waiting on a loaded machine).
const REBOOT_COMMAND = `
- hosts: all
  gather_facts: false
  tasks:
    - name: reboot_command
      reboot: { reboot_command: 'shutdown -r +0 "for the test"', search_paths: "@H/sbin", boot_time_command: "cat @H/boot_id", test_command: "test -s @H/restarted", reboot_timeout: 120, connect_timeout: 10 }
    - name: after
      command: cat @H/boot_id
`;

test('reboot with a reboot_command whose program is found in search_paths: the same statuses, recap and shutdown arguments', async () => {
  const a = await through('ansible', REBOOT_COMMAND);
  const p = await through('playwatch', REBOOT_COMMAND);
  assert.deepEqual(statuses(a.run), { reboot_command: 'changed', after: 'changed' }, why(a.run));
  assert.deepEqual(differences(a.run, p.run, { reboot_command: ['changed', 'rebooted', '?elapsed'] }), []);
  assert.deepEqual(p.run.recap, a.run.recap);
  assert.deepEqual(a.calls, ['[-r][+0][for the test]']);
  assert.deepEqual(p.calls, a.calls);
  for (const r of [a, p]) assert.notEqual(r.pids[0], r.pids[1], 'the sshd was restarted during the run');
});
