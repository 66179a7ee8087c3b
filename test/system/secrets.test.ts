/**
 * Secrets on real targets (issue 19, findings 6-8): sudo with and without a
 * password, `environment:` values and `ps`, and the deploy lock between two
 * login users, against a host of the sshd fleet (`fleet.sh up`, as
 * `npm run test:system` starts it) with login users made here (root only;
 * removed afterwards).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleetDir, fleetHosts } from '../fleet/helpers.js';
import { runProject, type TestRun } from '../helpers/run.js';
import type { LockSettings } from '../../src/engine/lock.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

/** Login users on the fleet host: sudo without a password, and with one (asked every time). */
const DEPLOY = 'pwsec_deploy';
const ALICE = 'pwsec_alice';
const ALICE_PW = 'Alice-sudo-pw-7c1e';
const SUDOERS = '/etc/sudoers.d/playwatch-secrets-test';
const h01 = fleetHosts().find((h) => h.name === 'h01')!;
let fleetMode = 0;
const KEY = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pw-secrets-key-')), 'id_ed25519');
const AUTHORIZED = path.join(fleetDir, 'h01', 'authorized_keys');
let authorized: string | undefined;

function sh(cmd: string, input?: string): string {
  const r = spawnSync('/bin/sh', ['-c', cmd], { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`${cmd}: rc ${r.status}: ${r.stderr}`);
  return r.stdout;
}

before(() => {
  // Missing programs fail the file, never skip it.
  for (const prog of ['sudo', 'useradd', 'userdel', 'chpasswd', 'visudo']) {
    assert.ok(spawnSync('/bin/sh', ['-c', `command -v ${prog}`]).status === 0, `${prog} is needed (apt-get install sudo passwd; .ci/run installs them)`);
  }
  assert.equal(process.getuid?.(), 0, 'run as root: the test makes login users');
  for (const u of [DEPLOY, ALICE]) {
    spawnSync('userdel', ['-r', u], { stdio: 'ignore' });
    sh(`useradd -m -s /bin/sh ${u}`);
  }
  sh(`usermod -p '*' ${DEPLOY}`); // no password, but not a locked account (sshd refuses those)
  sh('chpasswd', `${ALICE}:${ALICE_PW}\n`);
  const rules = `${DEPLOY} ALL=(ALL) NOPASSWD: ALL\n${ALICE} ALL=(ALL) ALL\nDefaults:${ALICE} timestamp_timeout=0\n`;
  fs.writeFileSync(`${SUDOERS}.tmp`, rules, { mode: 0o440 });
  sh(`visudo -cf ${SUDOERS}.tmp && mv ${SUDOERS}.tmp ${SUDOERS}`);
  // sshd reads the host's authorized_keys as the login user: let them through the fleet directory (its files stay 0600).
  fleetMode = fs.statSync(fleetDir).mode & 0o7777;
  fs.chmodSync(fleetDir, 0o711);
  // A key of their own, without the fleet key's forced HOME: each user logs in to their own home, as on a real machine.
  sh(`ssh-keygen -q -t ed25519 -N '' -C playwatch-secrets -f ${KEY}`);
  authorized = fs.readFileSync(AUTHORIZED, 'utf8');
  fs.writeFileSync(AUTHORIZED, `${authorized}${fs.readFileSync(`${KEY}.pub`, 'utf8')}`);
});

after(() => {
  if (authorized !== undefined) fs.writeFileSync(AUTHORIZED, authorized);
  fs.rmSync(path.dirname(KEY), { recursive: true, force: true });
  fs.rmSync(SUDOERS, { force: true });
  for (const u of [DEPLOY, ALICE]) spawnSync('userdel', ['-r', u], { stdio: 'ignore' });
  if (fleetMode) fs.chmodSync(fleetDir, fleetMode);
});

/** h01 of the fleet as `user` (with the test's key: the user's own HOME), more host vars; the lock at its default place. */
function inventory(user: string, extra = ''): string {
  const v = h01.vars;
  return `h01 ansible_host=${v.ansible_host} ansible_port=${v.ansible_port} ansible_user=${user} ansible_ssh_private_key_file=${KEY} playwatch_known_hosts=${v.playwatch_known_hosts} ${extra}\n`;
}

const msgOf = (run: TestRun, name: string) => run.of('host.ok').find((e) => e.task.name === name)?.result.msg;

const BECOME = `
- hosts: h01
  gather_facts: false
  become: true
  tasks:
    - {name: fed, command: cat, args: {stdin: "task input"}, register: fed}
    - {name: unfed, shell: "id -un; cat; echo end", register: unfed}
    - {name: show, debug: {msg: "{{ [fed.stdout, fed.stderr, unfed.stdout, unfed.stderr] }}"}}
`;

test('become with sudo on a fleet host: NOPASSWD never gets the password, a password is sent after the prompt; the task\'s stdin is exactly its own', async () => {
  const cases: Array<[string, string, string]> = [
    ['NOPASSWD sudo, a become password set anyway', DEPLOY, 'not-needed-pw-3b9'],
    ['sudo that asks for the password', ALICE, ALICE_PW],
  ];
  for (const [name, user, password] of cases) {
    const run = await runProject({ files: { 'inventory.ini': inventory(user, `ansible_become_password=${password}`), 'site.yml': BECOME } });
    assert.equal(run.exitCode, 0, `${name}: ${run.plain}`);
    assert.deepEqual(msgOf(run, 'show'), ['task input', '', 'root\nend', ''], `${name}: stdout and stderr of both tasks`);
    assert.ok(!JSON.stringify(run.events).includes(password), `${name}: the password is nowhere in the events`);
    // The command line names the prompt and the ready line (host.command, -vvv); what the command printed never does.
    const printed = JSON.stringify(run.events.filter((e) => e.type !== 'host.command'));
    assert.ok(!/password:|BECOME-SUCCESS/.test(printed), `${name}: no prompt or ready line in output or results`);
  }
});

test('a wrong become password fails the task with sudo\'s words, sent once, no prompt shown', async () => {
  const run = await runProject({ files: { 'inventory.ini': inventory(ALICE, 'ansible_become_password=wrong-pw-0000'), 'site.yml': BECOME } });
  const failed = run.of('host.failed')[0];
  assert.equal(failed.task.name, 'fed');
  assert.match(String(failed.result.stderr), /Sorry, try again\./);
  assert.ok(!String(failed.result.stderr).includes('password:'), String(failed.result.stderr));
});

test('environment values reach the command on a fleet host, plain and under sudo, and appear in no process\'s argv on the machine', async () => {
  const value = `v-${Math.random().toString(36).slice(2)}-env`;
  const playbook = `
- hosts: h01
  gather_facts: false
  tasks:
    - {name: plain, shell: 'sleep 1; echo "got=$APP_SETTING"', environment: {APP_SETTING: "{{ env_value }}"}, register: plain}
    - {name: sudo, shell: 'sleep 1; echo "got=$APP_SETTING as $(id -un)"', become: true, environment: {APP_SETTING: "{{ env_value }}"}, register: under}
    - {name: show, debug: {msg: "{{ [plain.stdout, under.stdout] }}"}}
`;
  // Everyone on the target can read every argv: look at all of them while the tasks run.
  const seen = new Set<string>();
  let scanning = true;
  const scan = (async () => {
    while (scanning) {
      for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
          if (argv.includes('APP_SETTING')) seen.add('task');
          if (argv.includes(value)) seen.add(`LEAK ${pid}: ${argv.replace(/\0/g, ' ')}`);
        } catch {
          // gone meanwhile
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const run = await runProject({ files: { 'inventory.ini': inventory(DEPLOY), 'site.yml': playbook }, extraVars: { env_value: value } });
  scanning = false;
  await scan;
  assert.equal(run.exitCode, 0, run.plain);
  assert.deepEqual(msgOf(run, 'show'), [`got=${value}`, `got=${value} as root`]);
  assert.deepEqual([...seen].filter((s) => s.startsWith('LEAK')), []);
  assert.ok(seen.has('task'), 'the scan saw the tasks\' processes');
});

function lockSettings(run: string, breakStale = false): LockSettings {
  return {
    holder: { user: 'operator', controller: os.hostname(), pid: process.pid, run, playbook: 'site.yml', started: Math.floor(Date.now() / 1000) },
    breakStale,
    staleAfterSec: 3600,
  };
}

test('two runs as different login users against one host exclude each other (the lock is /run/lock/playwatch, whoever logs in)', async () => {
  assert.ok(!fs.existsSync('/run/lock/playwatch'), 'no lock left on this machine by someone else');
  let holding!: () => void;
  const started = new Promise<void>((r) => (holding = r));
  const slow = `
- hosts: h01
  gather_facts: false
  tasks:
    - {name: first, command: "true"}
    - {name: slow, command: sleep 2}
`;
  const first = runProject({
    lock: lockSettings('as-deploy'),
    onEvent: (e) => void (e.type === 'host.start' && e.task.name === 'slow' && holding()),
    files: { 'inventory.ini': inventory(DEPLOY), 'site.yml': slow },
  });
  const holds = await Promise.race([started.then(() => true), first.then(() => false)]);
  if (!holds) assert.fail(`the first run holds the lock while its slow task runs:\n${(await first).plain}`);
  const infoFile = '/run/lock/playwatch/info';
  const info = fs.existsSync(infoFile) ? fs.readFileSync(infoFile, 'utf8') : `(no ${infoFile})`;
  const second = await runProject({ lock: lockSettings('as-alice'), files: { 'inventory.ini': inventory(ALICE), 'site.yml': slow } });
  const done = await first;
  assert.equal(done.exitCode, 0, done.plain);
  assert.deepEqual(second.results('first'), { h01: 'failed' }, `the second login user is refused:\n${second.plain}`);
  const refused = second.of('host.failed')[0];
  assert.equal(refused.result.locked, true);
  assert.match(info, new RegExp(`^run=as-deploy$[\\s\\S]*^login=${DEPLOY}$`, 'm'), 'the holder, readable by the next operator');
  assert.match(String(refused.result.msg), new RegExp(`^locked by operator@.+ \\(pid \\d+, run as-deploy, site\\.yml, since .+, logged in as ${DEPLOY}\\)$`));
  assert.ok(!fs.existsSync('/run/lock/playwatch'), 'the holder gave it back');
});

test('of two --break-lock runs started at once, exactly one gets each stale lock', async () => {
  // Three fleet hosts as root, each with a lock left by a dead run of this controller.
  const hosts = fleetHosts().map((h) => h.name);
  const lockOf = (h: string) => path.join(fleetDir, h, 'home', '.playwatch', 'lock');
  for (const h of hosts) {
    fs.mkdirSync(lockOf(h), { recursive: true });
    fs.writeFileSync(path.join(lockOf(h), 'info'), `user=ghost\ncontroller=${os.hostname()}\npid=${2 ** 22 + 11}\nrun=crashed\nplaybook=site.yml\nstarted=${Math.floor(Date.now() / 1000)}\n`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-break-'));
  fs.writeFileSync(path.join(dir, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - {name: hold, command: sleep 6}\n');
  const cli = () =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', 'site.yml', '-i', path.join(fleetDir, 'inventory.ini'), '--break-lock', '--ui', 'plain'], {
        cwd: dir,
        env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: dir },
      });
      let out = '';
      child.stdout.on('data', (b) => (out += b));
      child.stderr.on('data', (b) => (out += b));
      child.on('close', (code) => resolve({ code, out }));
    });
  const [a, b] = await Promise.all([cli(), cli()]);
  for (const h of hosts) {
    const ok = [a, b].filter((r) => new RegExp(`^(ok|changed): \\[${h}\\]`, 'm').test(r.out)).length;
    const refused = [a, b].filter((r) => new RegExp(`^fatal: \\[${h}\\]: FAILED! => .*locked by`, 'm').test(r.out)).length;
    assert.deepEqual({ ok, refused }, { ok: 1, refused: 1 }, `${h}:\n--- a\n${a.out}\n--- b\n${b.out}`);
    assert.ok(!fs.existsSync(lockOf(h)), `${h}: the winner released it`);
  }
});
