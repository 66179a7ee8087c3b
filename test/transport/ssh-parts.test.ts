import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHmac } from 'node:crypto';
import { checkHostKey, hostFieldMatches, knownHostsName, parseKnownHosts, preferredAlgorithms } from '../../src/transport/known-hosts.js';
import { parseJumps, resolveSsh } from '../../src/transport/ssh-config.js';
import { MarkerFilter, PGID_MARKER, killCommand, remoteCommand } from '../../src/transport/ssh-command.js';
import { Slots } from '../../src/transport/ssh-slots.js';
import { connectionSpecFromVars, createTransport, SshTransport } from '../../src/transport/index.js';

const blob = (s: string) => Buffer.from(s);
const b64 = (s: string) => blob(s).toString('base64');

test('known_hosts names carry the port only when it is not 22', () => {
  assert.equal(knownHostsName('web1', 22), 'web1');
  assert.equal(knownHostsName('127.0.0.11', 2222), '[127.0.0.11]:2222');
});

test('host patterns match with wildcards, lists and negation', () => {
  const cases: [string, string, boolean][] = [
    ['web1,web2', 'web2', true],
    ['web*', 'WEB7', true],
    ['web?', 'web10', false],
    ['*.example.com,!bad.example.com', 'bad.example.com', false],
    ['*.example.com,!bad.example.com', 'good.example.com', true],
    ['[127.0.0.1]:2222', '[127.0.0.1]:2222', true],
    ['[127.0.0.1]:2222', '127.0.0.1', false],
  ];
  for (const [field, name, want] of cases) assert.equal(hostFieldMatches(field, name), want, `${field} vs ${name}`);
});

test('hashed names match only the name they were made from', () => {
  const salt = Buffer.from('0123456789abcdefghij');
  const field = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('web1').digest('base64')}`;
  assert.equal(hostFieldMatches(field, 'web1'), true);
  assert.equal(hostFieldMatches(field, 'web2'), false);
});

test('the verdict distinguishes known, unknown, changed and revoked keys', () => {
  const text = [
    '# comment',
    `web1 ssh-ed25519 ${b64('k1')}`,
    `@cert-authority *.corp ssh-ed25519 ${b64('ca')}`,
    `@revoked * ssh-ed25519 ${b64('bad')}`,
    'garbage-line',
    `web2 ssh-rsa ${b64('k2')}`,
  ].join('\n');
  const entries = parseKnownHosts(text);
  assert.equal(entries.length, 4);
  assert.deepEqual(checkHostKey(entries, 'web1', blob('k1')), { kind: 'known' });
  assert.deepEqual(checkHostKey(entries, 'web3', blob('k1')), { kind: 'unknown' });
  assert.deepEqual(checkHostKey(entries, 'x.corp', blob('ca')), { kind: 'unknown' }, 'CA lines are not host keys');
  assert.equal(checkHostKey(entries, 'web1', blob('bad')).kind, 'revoked');
  const changed = checkHostKey(entries, 'web1', blob('other'));
  assert.equal(changed.kind, 'changed');
  assert.deepEqual(changed.kind === 'changed' && changed.lines, [2]);
});

test('each name gets its own answer from one parsed file, asked in any order and again', () => {
  const hashed = (name: string) => {
    const salt = Buffer.from(`salt-for-${name}-0123`);
    return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  };
  const entries = parseKnownHosts([`${hashed('web1')} ssh-ed25519 ${b64('k1')}`, `${hashed('web2')} ssh-rsa ${b64('k2')}`].join('\n'));
  const cases: [string, string, string, string[]][] = [
    // [name, key presented, verdict, algorithms asked for first]
    ['web2', 'k2', 'known', ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']],
    ['web1', 'k1', 'known', ['ssh-ed25519']],
    ['web1', 'k2', 'changed', ['ssh-ed25519']],
    ['web3', 'k1', 'unknown', []],
    ['web2', 'k1', 'changed', ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']],
  ];
  for (const [name, key, verdict, algs] of cases) {
    assert.equal(checkHostKey(entries, name, blob(key)).kind, verdict, `${name} presenting ${key}`);
    assert.deepEqual(preferredAlgorithms(entries, name), algs, name);
  }
});

test('the known key types are asked for first', () => {
  const entries = parseKnownHosts(`web2 ssh-rsa ${b64('k')}\nweb2 ecdsa-sha2-nistp256 ${b64('e')}`);
  assert.deepEqual(preferredAlgorithms(entries, 'web2'), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ecdsa-sha2-nistp256']);
  assert.deepEqual(preferredAlgorithms(entries, 'web9'), []);
});

test('ssh config supplies HostName, User, Port, IdentityFile and ProxyJump; the inventory wins', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-sshcfg-'));
  try {
    fs.writeFileSync(path.join(dir, 'id_ecdsa'), 'x');
    fs.writeFileSync(path.join(dir, 'config'), [
      'Host web*',
      '  HostName %h.internal',
      '  User deploy',
      '  Port 2200',
      '  IdentityFile ~/keys/web_key',
      '  ProxyJump ops@bastion:2022',
      'Host bastion',
      '  HostName 10.0.0.1',
      '',
    ].join('\n'));
    fs.mkdirSync(path.join(dir, 'keys'));
    fs.writeFileSync(path.join(dir, 'keys', 'web_key'), 'x');
    const env = { home: dir, sshDir: dir, localUser: 'me' };
    const r = resolveSsh({ host: 'web1', connection: 'ssh' }, env);
    assert.deepEqual(r.target, { label: 'web1', address: 'web1.internal', port: 2200, user: 'deploy', identityFiles: [path.join(dir, 'keys', 'web_key')] });
    assert.deepEqual(r.jumps.map((j) => [j.address, j.port, j.user]), [['10.0.0.1', 2022, 'ops']]);
    const given = resolveSsh({ host: 'web1', connection: 'ssh', port: 22, user: 'root', privateKeyFile: '/k/given' }, env);
    assert.equal(given.target.port, 22);
    assert.equal(given.target.user, 'root');
    assert.deepEqual(given.target.identityFiles, ['/k/given', path.join(dir, 'keys', 'web_key')]);
    assert.equal(given.target.explicitKey, '/k/given');
    const plain = resolveSsh({ host: 'db1', connection: 'ssh', address: '127.0.0.5' }, env);
    assert.deepEqual(plain.target, { label: 'db1', address: '127.0.0.5', port: 22, user: 'me', identityFiles: [path.join(dir, 'id_ecdsa')] });
    assert.deepEqual(plain.jumps, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ProxyJump values are split into hops', () => {
  assert.deepEqual(parseJumps('a@h1:22,[::1]:2200,h3'), [{ host: 'h1', port: 22, user: 'a' }, { host: '::1', port: 2200 }, { host: 'h3' }]);
  assert.deepEqual(parseJumps('none'), []);
});

test('the marker line is taken out of stderr wherever the login noise puts it', () => {
  const f = new MarkerFilter();
  assert.equal(f.push(Buffer.from('motd line\n__playwat')).toString(), '');
  assert.equal(f.push(Buffer.from(`ch_pgid=4242\nreal err`)).toString(), 'motd line\nreal err');
  assert.equal(f.pgid, 4242);
  assert.equal(f.push(Buffer.from(`${PGID_MARKER}1\n`)).toString(), `${PGID_MARKER}1\n`, 'only the first marker counts');
  const g = new MarkerFilter(10);
  assert.equal(g.push(Buffer.from('no marker at all, long text\n')).toString(), 'no marker at all, long text\n');
  assert.equal(g.pgid, undefined);
});

test('the wrapper puts a command that is not a group leader into its own group with setsid', () => {
  // Spawned without a new session, sh shares the test runner's group: the wrapper must move it.
  const r = spawnSync('/bin/sh', ['-c', `${remoteCommand('awk \'{print $5}\' /proc/$$/stat; exit 7', false)}`], { encoding: 'utf8' });
  const pgid = Number(/__playwatch_pgid=(\d+)/.exec(r.stderr)?.[1]);
  assert.equal(r.status, 7);
  assert.equal(Number(r.stdout.trim()), pgid);
  assert.notEqual(pgid, process.pid);
  assert.throws(() => killCommand(1, 'TERM'));
  assert.equal(killCommand(42, 'KILL'), 'kill -KILL -42 2>/dev/null; exit 0');
});

test('slots are granted first come first served and an aborted wait holds nothing', async () => {
  const s = new Slots(1);
  const order: number[] = [];
  const first = (await s.acquire())!;
  const ac = new AbortController();
  const waiting = [s.acquire().then((r) => (order.push(1), r)), s.acquire(ac.signal), s.acquire().then((r) => (order.push(3), r))];
  ac.abort();
  assert.equal(await waiting[1], undefined);
  first();
  first(); // a second release frees nothing
  (await waiting[0])!();
  (await waiting[2])!();
  assert.deepEqual(order, [1, 3]);
  assert.equal(s.inUse, 0);
  assert.equal(s.peak, 1);
});

test('ssh connection vars are read into the spec, paths relative to the inventory', () => {
  const spec = connectionSpecFromVars('web1', {
    ansible_host: '127.0.0.11', ansible_port: 2222, ansible_user: 'root',
    ansible_ssh_private_key_file: 'keys/id', ansible_password: 'pw', playwatch_known_hosts: '/tmp/kh',
  }, '/srv/inv');
  assert.deepEqual(spec, {
    host: 'web1', connection: 'ssh', address: '127.0.0.11', port: 2222, user: 'root',
    privateKeyFile: path.resolve('/srv/inv/keys/id'), password: 'pw', knownHostsFile: '/tmp/kh',
  });
  assert.equal(connectionSpecFromVars('w', { ansible_ssh_pass: 'p2' }, '/').password, 'p2');
  assert.equal(connectionSpecFromVars('w', { ansible_private_key_file: '~/k' }, '/').privateKeyFile, path.join(os.homedir(), 'k'));
});

test('createTransport gives an SSH transport for ssh hosts without connecting', () => {
  const t = createTransport({ host: 'web1', connection: 'ssh', address: '127.0.0.1', port: 1 }, { connectAttempts: 1 });
  assert.ok(t instanceof SshTransport);
  assert.equal(t.host, 'web1');
});
