/**
 * The SSH transport against real OpenSSH servers (`npm run test:system`
 * starts 10 with fleet.sh). Every host is this machine, so the tests can
 * look at remote processes with process.kill(pid, 0).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SshTransport, type SshOptions } from '../../src/transport/ssh.js';
import { wrapCommand } from '../../src/transport/command.js';
import { UnreachableError, type ConnectionSpec } from '../../src/transport/types.js';
import { fleetDir, fleetHosts, fleetSpec, killHost, startHost } from './helpers.js';

const opened: SshTransport[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-fleet-test-'));
after(async () => {
  await Promise.allSettled(opened.map((t) => t.close()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

function transport(name: string, opts: SshOptions = {}, spec: Partial<ConnectionSpec> = {}): SshTransport {
  const t = new SshTransport({ ...fleetSpec(name), ...spec }, {
    env: { home: tmp, sshDir: tmp },
    agentSocket: null,
    connectTimeoutMs: 5000,
    retryDelaysMs: [100, 200],
    killGraceMs: 500,
    drainMs: 500,
    // Both modes against real OpenSSH: PLAYWATCH_TEST_SSH_MODE=exec|shell.
    ...(process.env.PLAYWATCH_TEST_SSH_MODE ? { mode: process.env.PLAYWATCH_TEST_SSH_MODE as SshOptions['mode'] } : {}),
    ...opts,
  });
  opened.push(t);
  return t;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const hostFp = (name: string) => execFileSync('ssh-keygen', ['-lf', path.join(fleetDir, name, 'ssh_host_ed25519_key.pub')], { encoding: 'utf8' }).split(' ')[1];

test('OpenSSH announces its host keys after login and the connection does not ask it to prove them (a signature per key on the target, for nothing)', async () => {
  const lines: string[] = [];
  const t = transport(fleetHosts()[0]!.name, { debug: (l) => lines.push(l) });
  await t.connect();
  // The announcement comes right after login: a command's answer comes after it.
  assert.equal((await t.exec('echo ok')).stdout, 'ok\n');
  assert.ok(lines.some((l) => l.includes('hostkeys-00@openssh.com')), 'the server announced its keys');
  assert.deepEqual(lines.filter((l) => l.includes('hostkeys-prove')), []);
});

test('every fleet host connects and runs commands over its own address', async () => {
  const hosts = fleetHosts();
  assert.ok(hosts.length >= 10, `fleet has ${hosts.length} hosts`);
  const results = await Promise.all(hosts.map(async (h) => {
    const t = transport(h.name);
    await t.connect();
    return [h, await t.exec('echo "$SSH_CONNECTION"; id -un')] as const;
  }));
  for (const [h, r] of results) {
    assert.equal(r.rc, 0);
    const [conn, user] = r.stdout.trim().split('\n');
    assert.equal(conn.split(' ')[2], h.vars.ansible_host);
    assert.equal(user, 'root');
    assert.ok(r.pgid && r.pgid > 1);
  }
});

test("root's pyenv bashrc is skipped, so a command costs milliseconds", async () => {
  const t = transport('h01');
  await t.connect();
  await t.exec('true');
  const started = process.hrtime.bigint();
  for (let i = 0; i < 10; i++) assert.equal((await t.exec('true')).rc, 0);
  const perCommandMs = Number(process.hrtime.bigint() - started) / 1e6 / 10;
  assert.ok(perCommandMs < 60, `a sequential /bin/true took ${perCommandMs.toFixed(1)} ms (Nagle or bashrc?)`);
  assert.equal((await t.exec('echo "${PYENV_ROOT:-unset}"')).stdout.trim(), 'unset');
});

test('fifteen parallel commands on one host stay within the cap of 8 and all succeed', async () => {
  const t = transport('h02', { maxChannels: 8 });
  await t.connect();
  const results = await Promise.all(Array.from({ length: 15 }, (_, i) => t.exec(`sleep 0.3; echo ${i}`)));
  assert.ok(results.every((r, i) => r.rc === 0 && r.stdout === `${i}\n`));
  assert.equal(t.peakChannels, 8);
});

test("a cap above OpenSSH's MaxSessions would fail commands in exec mode (why the default is 8); shell mode waits for its sessions", async () => {
  const t = transport('h02', { mode: 'exec', maxChannels: 15, channelRetryDelaysMs: [] });
  await t.connect();
  const results = await Promise.allSettled(Array.from({ length: 15 }, () => t.exec('sleep 0.3')));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.ok(failed.length >= 5, `${failed.length} failed`);
  assert.match(String(failed[0].reason.message), /cannot open a channel on h02/);
  assert.equal((await t.exec('echo still-usable')).stdout, 'still-usable\n');
  const s = transport('h02', { mode: 'shell', maxChannels: 15, channelRetryDelaysMs: [] });
  const all = await Promise.all(Array.from({ length: 15 }, (_, i) => s.exec(`sleep 0.3; echo ${i}`)));
  assert.deepEqual(all.map((r) => r.stdout), Array.from({ length: 15 }, (_, i) => `${i}\n`));
});

test('a timeout kills the whole remote process group', async () => {
  const t = transport('h03');
  await t.connect();
  const r = await t.exec('sleep 60 & echo $!; sleep 60', { timeoutMs: 500 });
  assert.equal(r.timedOut, true);
  const child = Number(r.stdout.trim());
  const deadline = Date.now() + 3000;
  while (alive(child) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
  assert.equal(alive(child), false, 'background sleep killed');
  // The killed members may linger a moment as zombies until their parents reap them.
  const group = () => spawnSync('pgrep', ['-g', String(r.pgid)], { encoding: 'utf8' }).stdout.trim();
  while (group() !== '' && Date.now() < deadline + 2000) await new Promise((res) => setTimeout(res, 50));
  assert.equal(group(), '', 'no process left in the group');
});

test('become with sudo -n runs the command as the other user', async () => {
  if (!fs.existsSync('/usr/bin/sudo')) assert.fail('sudo is not installed (.ci/run installs it)');
  const t = transport('h04');
  await t.connect();
  const w = wrapCommand('id -un; pwd', { become: true, becomeUser: 'nobody', chdir: '/' });
  const r = await t.exec(w.command, w.stdin !== undefined ? { stdin: w.stdin } : {});
  assert.equal(r.rc, 0, r.stderr);
  assert.equal(r.stdout, 'nobody\n/\n');
});

test('files go over SFTP with their mode', async () => {
  const t = transport('h05');
  await t.connect();
  const dest = path.join(tmp, 'h05.conf');
  await t.put('listen 80;\n', dest, 0o600);
  assert.equal(fs.statSync(dest).mode & 0o777, 0o600);
  await t.put('listen 81;\n', dest, 0o644);
  assert.equal((await t.get(dest)).toString(), 'listen 81;\n');
  assert.equal(fs.statSync(dest).mode & 0o777, 0o644);
});

test('a wrong key fails the host with a clear message and no secret', async () => {
  const keyFile = path.join(tmp, 'wrong_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
  const secret = fs.readFileSync(keyFile, 'utf8').split('\n')[1];
  await assert.rejects(transport('h06', {}, { privateKeyFile: keyFile }).connect(), (e: unknown) => {
    assert.ok(e instanceof UnreachableError);
    assert.match(e.message, /authentication to h06 \(127\.0\.0\.16:\d+\) as root failed/);
    assert.ok(!e.message.includes(secret));
    return true;
  });
});

test('an unknown host key fails closed with its fingerprint', async () => {
  const empty = path.join(tmp, 'known_hosts_empty');
  fs.writeFileSync(empty, '');
  await assert.rejects(transport('h07', {}, { knownHostsFile: empty }).connect(), (e: unknown) => {
    assert.ok(e instanceof UnreachableError);
    assert.ok(e.message.startsWith(`Host key for h07 (127.0.0.17:`), e.message);
    assert.ok(e.message.includes(`is not known: ${hostFp('h07')}`), e.message);
    return true;
  });
});

test('a changed host key fails with both fingerprints and is never accepted', async () => {
  const file = path.join(tmp, 'known_hosts_changed');
  const real = fs.readFileSync(fleetSpec('h08').knownHostsFile!, 'utf8').split('\n');
  const mine = real.find((l) => l.startsWith('[127.0.0.18]'))!;
  const other = real.find((l) => l.startsWith('[127.0.0.19]'))!.split(' ').slice(1).join(' ');
  fs.writeFileSync(file, `${mine.split(' ')[0]} ${other}\n`);
  await assert.rejects(transport('h08', { acceptNewHostKeys: true }, { knownHostsFile: file }).connect(), (e: unknown) => {
    assert.ok(e instanceof UnreachableError);
    assert.match(e.message, /has CHANGED/);
    assert.ok(e.message.includes(hostFp('h08')) && e.message.includes(hostFp('h09')), e.message);
    return true;
  });
});

test('a host whose sshd dies mid-command is unreachable and the process carries on', async () => {
  const t = transport('h10');
  await t.connect();
  const running = t.exec('sleep 30');
  await new Promise((r) => setTimeout(r, 300));
  killHost('h10');
  try {
    await assert.rejects(running, UnreachableError);
    await assert.rejects(t.exec('true'), UnreachableError);
    await assert.rejects(transport('h10', { connectAttempts: 2 }).connect(), (e: unknown) => e instanceof UnreachableError && /ECONNREFUSED/.test(e.message));
  } finally {
    startHost('h10');
  }
  const again = transport('h10');
  await again.connect();
  assert.equal((await again.exec('echo back')).stdout, 'back\n');
});
