import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { waitForModule } from '../../src/modules/wait-for.js';
import { procAddresses, waitScript } from '../../src/modules/wait-for-script.js';
import { LocalTransport } from '../../src/transport/local.js';
import { fakeContext, tempDir } from './context.js';

const pos = { file: 'roles/app/tasks/main.yml', line: 4, col: 3 };

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const sockets = new WeakMap<net.Server, Set<net.Socket>>();

function listen(port: number, banner?: string): Promise<net.Server> {
  const open = new Set<net.Socket>();
  const s = net.createServer((c) => {
    open.add(c);
    if (banner) c.write(banner);
    c.on('error', () => {});
    c.on('close', () => open.delete(c));
  });
  sockets.set(s, open);
  return new Promise((r) => s.listen(port, '127.0.0.1', () => r(s)));
}

const close = (s: net.Server) => new Promise((r) => { for (const c of sockets.get(s) ?? []) c.destroy(); s.close(r); });
const run = (args: Record<string, unknown>, signal?: AbortSignal) => waitForModule.run(fakeContext('wait_for', args, { signal }));

test('wait_for started waits for a port the test opens after a delay, and says how long it took', async () => {
  const port = await freePort();
  let server: net.Server | undefined;
  const opening = new Promise<void>((r) => setTimeout(async () => { server = await listen(port); r(); }, 1500));
  const r = await run({ port, timeout: 20 });
  await opening;
  await close(server!);
  assert.equal(r.failed, undefined, String(r.msg));
  assert.deepEqual({ ...r, elapsed: undefined }, {
    changed: false, elapsed: undefined, state: 'started', port, path: null, search_regex: null, match_groups: [], match_groupdict: {},
  });
  assert.ok((r.elapsed as number) >= 1 && (r.elapsed as number) <= 5, `elapsed ${r.elapsed}`);
});

test('wait_for with a search_regex on a port reads the banner and returns its groups', async () => {
  const port = await freePort();
  const server = await listen(port, 'SSH-2.0-OpenSSH_9.2 hello\r\n');
  const r = await run({ port, search_regex: 'OpenSSH_(?P<ver>[0-9.]+)', timeout: 10 });
  await close(server);
  assert.equal(r.failed, undefined, String(r.msg));
  assert.deepEqual(r.match_groups, ['9.2']);
  assert.deepEqual(r.match_groupdict, { ver: '9.2' });
});

test('wait_for present waits for a file that appears, with the groups of search_regex', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'app.log');
  setTimeout(() => fs.writeFileSync(file, 'starting\n'), 500);
  setTimeout(() => fs.appendFileSync(file, 'listening on 8080 (pid 42)\n'), 1500);
  const r = await run({ path: file, search_regex: 'listening on (\\d+) \\(pid (?P<pid>\\d+)\\)', timeout: 15 });
  assert.equal(r.failed, undefined, String(r.msg));
  assert.equal(r.path, file);
  // ansible-core adds the path's attributes (its `state` becomes the path's type).
  assert.deepEqual({ state: r.state, size: r.size, owner: r.owner, mode: r.mode }, { state: 'file', size: 36, owner: 'root', mode: '0644' });
  assert.deepEqual(r.match_groups, ['8080', '42']);
  assert.deepEqual(r.match_groupdict, { pid: '42' });
  assert.ok((r.elapsed as number) >= 1);
});

test('wait_for absent waits for a file to go', async () => {
  const file = path.join(tempDir(), 'lock');
  fs.writeFileSync(file, '');
  setTimeout(() => fs.rmSync(file), 1200);
  const r = await run({ path: file, state: 'absent', timeout: 10 });
  assert.equal(r.failed, undefined, String(r.msg));
  assert.equal(r.state, 'absent');
});

test('wait_for stopped waits for a listening port to close', async () => {
  const port = await freePort();
  const server = await listen(port);
  setTimeout(() => void close(server), 1200);
  const r = await run({ port, state: 'stopped', timeout: 10 });
  assert.equal(r.failed, undefined, String(r.msg));
  assert.ok((r.elapsed as number) >= 1);
});

test('wait_for fails at its timeout with ansible-core\'s message for each kind of wait', async () => {
  const port = await freePort();
  const server = await listen(port);
  const file = path.join(tempDir(), 'never');
  const rows: Array<[Record<string, unknown>, string]> = [
    [{ port: port + 0, state: 'stopped' }, `Timeout when waiting for 127.0.0.1:${port} to stop.`],
    [{ path: file }, `Timeout when waiting for file ${file}`],
    [{ path: '/etc/hostname', search_regex: 'never-(here)' }, 'Timeout when waiting for search string never-(here) in /etc/hostname'],
    [{ path: '/etc/hostname', state: 'absent' }, 'Timeout when waiting for /etc/hostname to be absent.'],
    [{ path: file, msg: 'the app did not write its log' }, 'the app did not write its log'],
  ];
  const results = await Promise.all(rows.map(([args]) => run({ ...args, timeout: 1 })));
  const closedPort = await freePort();
  const closed = await run({ port: closedPort, timeout: 1 });
  await close(server);
  // Whole seconds by the target's clock: 1, or 2 when a slow machine crosses one more second boundary.
  const second = (r: Record<string, unknown>) => ({ ...r, elapsed: [1, 2].includes(r.elapsed as number) ? 1 : r.elapsed });
  rows.forEach(([, msg], i) => assert.deepEqual(second(results[i]), { failed: true, changed: false, msg, elapsed: 1 }));
  assert.deepEqual(second(closed), { failed: true, changed: false, msg: `Timeout when waiting for 127.0.0.1:${closedPort}`, elapsed: 1 });
});

test('wait_for delay counts in the elapsed time, and neither port nor path sleeps the timeout', async () => {
  const r = await run({ delay: 1, timeout: 1 });
  assert.equal(r.failed, undefined);
  assert.ok(r.elapsed === 2 || r.elapsed === 3, `elapsed ${r.elapsed}`);
});

test('wait_for drained waits until the port\'s connections have gone, except from excluded hosts', async () => {
  const port = await freePort();
  const server = await listen(port);
  const client = net.connect(port, '127.0.0.1');
  await new Promise((r) => client.on('connect', r));
  const excluded = await run({ port, state: 'drained', exclude_hosts: ['127.0.0.1'], timeout: 5, active_connection_states: ['ESTABLISHED'] });
  assert.equal(excluded.failed, undefined, String(excluded.msg));
  const busy = await run({ port, state: 'drained', timeout: 1, active_connection_states: ['ESTABLISHED'] });
  assert.deepEqual({ ...busy, elapsed: undefined }, { failed: true, changed: false, msg: `Timeout when waiting for 127.0.0.1:${port} to drain`, elapsed: undefined });
  assert.ok(busy.elapsed === 1 || busy.elapsed === 2);
  setTimeout(() => client.destroy(), 1000);
  const drained = await run({ port, state: 'drained', timeout: 10, active_connection_states: ['ESTABLISHED'] });
  await close(server);
  assert.equal(drained.failed, undefined, String(drained.msg));
});

test('an abort ends a long wait at once: the loop dies with its process group', async () => {
  const ac = new AbortController();
  const t0 = Date.now();
  setTimeout(() => ac.abort(), 500);
  const r = await run({ path: path.join(tempDir(), 'never'), timeout: 60 }, ac.signal);
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  assert.equal(r.failed, true);
});

test('without nc and bash, a local port is read from /proc/net/tcp; a remote one fails naming what is missing', async () => {
  // A PATH with only the POSIX tools the script uses (no nc, no bash, no timeout).
  const bin = tempDir();
  for (const tool of ['sh', 'date', 'sleep', 'awk', 'printf', 'base64', 'tr', 'grep']) {
    const found = ['/usr/bin', '/bin'].map((d) => path.join(d, tool)).find((f) => fs.existsSync(f));
    if (found) fs.symlinkSync(found, path.join(bin, tool));
  }
  const port = await freePort();
  const server = await listen(port);
  const local = new LocalTransport({ host: 'localhost', connection: 'local' }, { killGraceMs: 200, drainMs: 200 });
  const plan = { state: 'started' as const, host: '127.0.0.1', port, delay: 0, timeout: 3, sleep: 1, connectTimeout: 5, local: true };
  const env = { PATH: bin };
  const open = await local.exec(waitScript(plan), { env });
  const remote = await local.exec(waitScript({ ...plan, host: '192.0.2.1', local: false }), { env });
  await close(server);
  assert.match(open.stdout, /^ok \d+$/m, open.stderr);
  assert.match(remote.stdout, /^how none$/m);
});

test('addresses are written as /proc/net/tcp writes them', () => {
  assert.deepEqual(procAddresses('127.0.0.1'), ['0100007F']);
  assert.deepEqual(procAddresses('::1'), ['00000000000000000000000001000000']);
  assert.deepEqual(procAddresses('0.0.0.0'), ['any']);
  assert.equal(procAddresses('db.example'), undefined);
});

test('wait_for refuses unknown and mistyped arguments at load, and ansible-core\'s bad combinations at run', async () => {
  assert.throws(() => waitForModule.validate!({ port: 80, tiemout: 3 }, pos), /unsupported parameter 'tiemout' for module 'wait_for' \(did you mean 'timeout'\?\)/);
  assert.throws(() => waitForModule.validate!({ port: 'eighty' }, pos), /'port' must be an integer/);
  assert.throws(() => waitForModule.validate!({ port: 80, state: 'up' }, pos), /value of 'state' must be one of/);
  const rows: Array<[Record<string, unknown>, string]> = [
    [{ port: 80, path: '/x' }, 'port and path parameter can not both be passed to wait_for'],
    [{ path: '/x', state: 'stopped' }, 'state=stopped should only be used for checking a port in the wait_for module'],
    [{ port: 80, exclude_hosts: ['10.0.0.1'] }, 'exclude_hosts should only be with state=drained'],
    [{ port: 80, state: 'drained', active_connection_states: ['BUSY'] }, 'unknown active_connection_state (BUSY) defined'],
  ];
  for (const [args, msg] of rows) assert.deepEqual(await run(args), { failed: true, changed: false, msg, elapsed: 0 });
});

test('wait_for is registered, under its collection names too', async () => {
  const { loadModule } = await import('../../src/modules/index.js');
  assert.equal(await loadModule('ansible.builtin.wait_for'), waitForModule);
  assert.equal(waitForModule.supportsCheck, false);
});
