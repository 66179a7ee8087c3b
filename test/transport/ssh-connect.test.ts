import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { createHmac, randomBytes } from 'node:crypto';
import { UnreachableError } from '../../src/transport/types.js';
import { fingerprint } from '../../src/transport/known-hosts.js';
import { generateKey, publicKeyBlob, startSshServer } from '../helpers/ssh-server.js';
import { makeFixture, type Fixture } from './ssh-helpers.js';

let fx: Fixture;
before(async () => {
  fx = await makeFixture({ password: 's3cret-pass' });
});
after(async () => {
  await fx.cleanup();
});

const serverFp = () => fingerprint(publicKeyBlob(fx.server.hostKey.public));
const isUnreachable = (re: RegExp) => (e: unknown) => e instanceof UnreachableError && re.test((e as Error).message);

test('an unknown host key fails closed with its fingerprint and the way forward', async () => {
  fs.writeFileSync(fx.knownHosts, '');
  const t = fx.transport();
  await assert.rejects(t.connect(), (e: unknown) => {
    const m = (e as Error).message;
    assert.ok(e instanceof UnreachableError);
    assert.match(m, new RegExp(`^Host key for web1 \\(127\\.0\\.0\\.1:${fx.server.port}\\) is not known: ${serverFp().replace(/[+/]/g, '\\$&')}\\.`));
    assert.match(m, /--accept-new-host-keys/);
    return true;
  });
  assert.equal(fx.server.authFailures, 0, 'never authenticated');
  fs.writeFileSync(fx.knownHosts, `${fx.knownLine()}\n`);
});

test('accepting new host keys records the key, and the next connection needs no permission', async () => {
  fs.writeFileSync(fx.knownHosts, '# mine\n');
  await fx.transport({ acceptNewHostKeys: true }).connect();
  const text = fs.readFileSync(fx.knownHosts, 'utf8');
  assert.ok(text.startsWith('# mine\n'));
  assert.ok(text.includes(`[127.0.0.1]:${fx.server.port} ssh-ed25519 `));
  await fx.transport({ acceptNewHostKeys: true }).connect();
  assert.equal(fs.readFileSync(fx.knownHosts, 'utf8'), text, 'not recorded twice');
  const t = fx.transport();
  await t.connect();
  assert.equal((await t.exec('echo ok')).stdout, 'ok\n');
});

test('a changed host key fails with both fingerprints, even when new keys are accepted', async () => {
  const other = generateKey('other-host');
  const otherLine = `[127.0.0.1]:${fx.server.port} ${other.public.split(' ').slice(0, 2).join(' ')}`;
  fs.writeFileSync(fx.knownHosts, `${otherLine}\n`);
  for (const acceptNewHostKeys of [false, true]) {
    await assert.rejects(fx.transport({ acceptNewHostKeys }).connect(), (e: unknown) => {
      const m = (e as Error).message;
      assert.ok(e instanceof UnreachableError);
      assert.match(m, /has CHANGED/);
      assert.ok(m.includes(serverFp()), 'offered fingerprint');
      assert.ok(m.includes(fingerprint(publicKeyBlob(other.public))), 'recorded fingerprint');
      return true;
    });
  }
  assert.equal(fs.readFileSync(fx.knownHosts, 'utf8'), `${otherLine}\n`, 'file untouched');
  fs.writeFileSync(fx.knownHosts, `${fx.knownLine()}\n`);
});

test('hashed known_hosts entries are recognised', async () => {
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(`[127.0.0.1]:${fx.server.port}`).digest('base64');
  const [, type, key] = fx.knownLine().split(' ');
  fs.writeFileSync(fx.knownHosts, `|1|${salt.toString('base64')}|${hash} ${type} ${key}\n`);
  const t = fx.transport();
  await t.connect();
  assert.equal((await t.exec('echo hashed')).stdout, 'hashed\n');
  fs.writeFileSync(fx.knownHosts, `${fx.knownLine()}\n`);
});

test('a revoked host key is refused even when it is also listed as known', async () => {
  const [, type, key] = fx.knownLine().split(' ');
  fs.writeFileSync(fx.knownHosts, `${fx.knownLine()}\n@revoked * ${type} ${key}\n`);
  await assert.rejects(fx.transport().connect(), isUnreachable(/@revoked/));
  fs.writeFileSync(fx.knownHosts, `${fx.knownLine()}\n`);
});

test('host key checking can be turned off', async () => {
  fs.writeFileSync(fx.knownHosts, '');
  const t = fx.transport({ hostKeyChecking: false });
  await t.connect();
  assert.equal((await t.exec('echo unchecked')).stdout, 'unchecked\n');
  assert.equal(fs.readFileSync(fx.knownHosts, 'utf8'), '', 'nothing recorded');
  fs.writeFileSync(fx.knownHosts, `${fx.knownLine()}\n`);
});

test('a wrong key is an authentication failure, not retried, with no secret in the message', async () => {
  const wrong = generateKey('wrong');
  const file = `${fx.dir}/wrong_key`;
  fs.writeFileSync(file, wrong.private, { mode: 0o600 });
  const before = fx.server.authFailures;
  await assert.rejects(fx.transport({ connectAttempts: 3 }, { privateKeyFile: file }).connect(), (e: unknown) => {
    const m = (e as Error).message;
    assert.ok(e instanceof UnreachableError);
    assert.match(m, /authentication to web1 \(127\.0\.0\.1:\d+\) as tester failed/);
    assert.ok(!m.includes('PRIVATE KEY') && !m.includes(wrong.private.split('\n')[1]));
    return true;
  });
  assert.equal(fx.server.authFailures - before, 1, 'tried once');
});

test('password authentication works and a wrong password never appears in the message', async () => {
  // An .ssh directory without keys, so only the password can work.
  const env = { home: fx.dir, sshDir: fs.mkdtempSync(`${fx.dir}/empty-`) };
  const t = fx.transport({ env }, { privateKeyFile: undefined, password: 's3cret-pass' });
  await t.connect();
  assert.equal((await t.exec('echo pw')).stdout, 'pw\n');
  await assert.rejects(fx.transport({ env }, { privateKeyFile: undefined, password: 'hunter2-wrong' }).connect(), (e: unknown) => {
    assert.ok(e instanceof UnreachableError);
    assert.ok(!(e as Error).message.includes('hunter2-wrong'));
    return true;
  });
});

test('a missing private key file is reported by name', async () => {
  await assert.rejects(fx.transport({}, { privateKeyFile: `${fx.dir}/nope` }).connect(), isUnreachable(/cannot read private key file .*nope: ENOENT/));
});

test('a refused connection is retried with backoff, then unreachable', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const started = Date.now();
  await assert.rejects(
    fx.transport({ connectAttempts: 3, retryDelaysMs: [100, 200] }, { port }).connect(),
    isUnreachable(/ECONNREFUSED/),
  );
  assert.ok(Date.now() - started >= 300, 'waited between attempts');
});

test('a server that never answers times out within the connect timeout', async () => {
  const silent = net.createServer((s) => s.on('error', () => {}));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  try {
    const started = Date.now();
    const port = (silent.address() as net.AddressInfo).port;
    await assert.rejects(fx.transport({ connectTimeoutMs: 300 }, { port }).connect(), isUnreachable(/timed out/));
    assert.ok(Date.now() - started < 2000);
  } finally {
    silent.close();
  }
});

test('ProxyJump from the ssh config reaches the target through the jump host', async () => {
  const jump = await startSshServer({ authorizedKey: fx.key.public });
  try {
    const jumpLine = `[127.0.0.1]:${jump.port} ${jump.hostKey.public.split(' ').slice(0, 2).join(' ')}`;
    fs.writeFileSync(fx.knownHosts, `${fx.knownLine()}\n${jumpLine}\n`);
    fs.writeFileSync(`${fx.dir}/config`, [
      'Host app1',
      '  HostName 127.0.0.1',
      `  Port ${fx.server.port}`,
      '  User tester',
      `  IdentityFile ${fx.keyFile}`,
      `  ProxyJump hop@127.0.0.1:${jump.port}`,
      'Host *',
      `  IdentityFile ${fx.keyFile}`,
      '',
    ].join('\n'));
    const t = fx.transport({}, { host: 'app1', address: undefined, port: undefined, user: undefined, privateKeyFile: undefined });
    await t.connect();
    assert.equal((await t.exec('echo via-jump')).stdout, 'via-jump\n');
    assert.ok(jump.execs.length === 0, 'the jump host only forwarded');
  } finally {
    fs.rmSync(`${fx.dir}/config`, { force: true });
    fs.writeFileSync(fx.knownHosts, `${fx.knownLine()}\n`);
    await jump.close();
  }
});

test('an unknown jump host key fails the connection too', async () => {
  const jump = await startSshServer({ authorizedKey: fx.key.public });
  try {
    fs.writeFileSync(`${fx.dir}/config`, `Host app2\n  HostName 127.0.0.1\n  Port ${fx.server.port}\n  ProxyJump 127.0.0.1:${jump.port}\n`);
    await assert.rejects(fx.transport({}, { host: 'app2', address: undefined, port: undefined }).connect(), isUnreachable(new RegExp(`127\\.0\\.0\\.1:${jump.port}\\) is not known`)));
  } finally {
    fs.rmSync(`${fx.dir}/config`, { force: true });
    await jump.close();
  }
});

test('a connection whose packets stop flowing is declared dead by the keepalive', async () => {
  // A TCP proxy that can stop forwarding, as a silently dropping network would.
  let stalled = false;
  const pipes: net.Socket[] = [];
  const proxy = net.createServer((inbound) => {
    const outbound = net.connect(fx.server.port, '127.0.0.1');
    for (const [from, to] of [[inbound, outbound], [outbound, inbound]] as const) {
      from.on('error', () => {});
      from.on('data', (d) => {
        if (!stalled) to.write(d);
      });
    }
    pipes.push(inbound, outbound);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as net.AddressInfo).port;
  try {
    const t = fx.transport({ hostKeyChecking: false, keepaliveIntervalMs: 100, keepaliveCountMax: 2 }, { port });
    await t.connect();
    assert.equal((await t.exec('echo alive')).stdout, 'alive\n');
    const running = t.exec('sleep 10');
    await new Promise((r) => setTimeout(r, 100));
    stalled = true;
    const started = Date.now();
    await assert.rejects(running, UnreachableError);
    assert.ok(Date.now() - started < 2000, 'noticed within a few keepalive intervals');
  } finally {
    for (const s of pipes) s.destroy();
    proxy.close();
  }
});
