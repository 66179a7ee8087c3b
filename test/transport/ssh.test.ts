import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UnreachableError } from '../../src/transport/types.js';
import { PGID_MARKER } from '../../src/transport/ssh-command.js';
import { alive, makeFixture, waitFor, type Fixture } from './ssh-helpers.js';

let fx: Fixture;
before(async () => {
  fx = await makeFixture();
});
after(async () => {
  await fx.cleanup();
});

test('a command returns its output and exit code, and reports its process group', async () => {
  const t = fx.transport();
  await t.connect();
  const r = await t.exec('echo out; echo err >&2; exit 3');
  assert.equal(r.rc, 3);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  assert.ok(r.pgid && r.pgid > 1, 'pgid reported');
  assert.ok(!r.stderr.includes(PGID_MARKER));
  assert.equal(r.timedOut, false);
});

test('the command is the leader of the process group it reports', async () => {
  const t = fx.transport();
  await t.connect();
  const r = await t.exec('ps -o pgid= -p $$ 2>/dev/null || awk \'{print $5}\' /proc/$$/stat');
  assert.equal(Number(r.stdout.trim()), r.pgid);
});

test('stdin is closed unless given, and fed when given', async () => {
  const t = fx.transport();
  await t.connect();
  const closed = await t.exec('cat; echo done');
  assert.equal(closed.stdout, 'done\n');
  const fed = await t.exec('cat', { stdin: 'hello\nworld\n' });
  assert.equal(fed.stdout, 'hello\nworld\n');
});

test('quotes and special characters in the command survive the wrapper', async () => {
  const t = fx.transport();
  await t.connect();
  const r = await t.exec(`printf '%s|' "it's" '$HOME' "a\\"b"; echo`);
  assert.equal(r.stdout, `it's|$HOME|a"b|\n`);
});

test('the command sees the shell it would under sh -c: $0 is sh, no arguments, exit and syntax errors work', async () => {
  const t = fx.transport();
  await t.connect();
  assert.equal((await t.exec('echo "$0 $#"')).stdout, 'sh 0\n');
  assert.equal((await t.exec('exit 4; echo no')).rc, 4);
  const bad = await t.exec('if then');
  assert.equal(bad.rc, 2);
  assert.match(bad.stderr, /[Ss]yntax error/);
});

test('a timeout kills the whole remote process group with a second command', async () => {
  const t = fx.transport();
  await t.connect();
  const started = Date.now();
  const r = await t.exec('sleep 30 & echo $!; wait', { timeoutMs: 300 });
  assert.equal(r.timedOut, true);
  assert.equal(r.rc, -1);
  assert.ok(Date.now() - started < 3000, 'returned soon after the timeout');
  const child = Number(r.stdout.trim());
  assert.ok(child > 1);
  assert.ok(await waitFor(() => !alive(child)), 'background child of the command is gone');
  assert.ok(fx.server.execs.some((c) => c.startsWith(`kill -TERM -${r.pgid} `)), 'kill sent as its own exec');
});

test('a command that ignores TERM is killed after the grace', async () => {
  const t = fx.transport();
  await t.connect();
  const r = await t.exec(`trap '' TERM; sleep 30 & echo $!; wait; wait`, { timeoutMs: 200 });
  assert.equal(r.timedOut, true);
  assert.ok(fx.server.execs.some((c) => c.startsWith(`kill -KILL -${r.pgid} `)));
  assert.ok(await waitFor(() => !alive(Number(r.stdout.trim()))));
});

test('aborting ends the command and marks the result aborted', async () => {
  const t = fx.transport();
  await t.connect();
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  const r = await t.exec('sleep 30 & echo $!; wait', { signal: ac.signal });
  assert.equal(r.aborted, true);
  assert.equal(r.rc, -1);
  assert.ok(await waitFor(() => !alive(Number(r.stdout.trim()))));
  const again = await t.exec('echo no', { signal: ac.signal });
  assert.equal(again.aborted, true);
  assert.equal(again.stdout, '');
});

test('fifteen parallel commands never hold more than the channel cap open', async () => {
  const t = fx.transport({ maxChannels: 8 });
  await t.connect();
  const peakBefore = fx.server.sessions.peak;
  fx.server.sessions.peak = fx.server.sessions.current;
  const results = await Promise.all(Array.from({ length: 15 }, (_, i) => t.exec(`sleep 0.2; echo ${i}`)));
  assert.deepEqual(results.map((r) => r.stdout.trim()), Array.from({ length: 15 }, (_, i) => String(i)));
  assert.ok(results.every((r) => r.rc === 0));
  assert.equal(t.peakChannels, 8);
  assert.ok(fx.server.sessions.peak <= 8, `server saw ${fx.server.sessions.peak} sessions`);
  assert.equal(fx.server.sessions.refused, 0);
  fx.server.sessions.peak = Math.max(peakBefore, fx.server.sessions.peak);
});

test('a channel the server refuses fails that command without breaking the connection', async () => {
  const small = await makeFixture({ maxSessions: 2 });
  try {
    const t = small.transport({ maxChannels: 4, channelRetryDelaysMs: [] });
    await t.connect();
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => t.exec('sleep 0.2')));
    const failed = results.filter((r) => r.status === 'rejected');
    assert.ok(failed.length > 0);
    assert.ok(failed.every((f) => !((f as PromiseRejectedResult).reason instanceof UnreachableError)));
    assert.equal((await t.exec('echo ok')).stdout, 'ok\n');
    // By default a refusal is taken as backpressure and retried: every command runs.
    const patient = small.transport({ maxChannels: 4 });
    await patient.connect();
    const all = await Promise.all(Array.from({ length: 4 }, (_, i) => patient.exec(`sleep 0.2; echo ${i}`)));
    assert.deepEqual(all.map((r) => r.stdout), ['0\n', '1\n', '2\n', '3\n']);
  } finally {
    await small.cleanup();
  }
});

test('output is capped head and tail and streamed as it arrives', async () => {
  const t = fx.transport();
  await t.connect();
  const chunks: string[] = [];
  const r = await t.exec('seq 1 20000', { maxBytes: 1000, onOutput: (s, c) => s === 'stdout' && chunks.push(c) });
  assert.equal(r.truncated, true);
  assert.equal(r.stdoutTruncated, true);
  assert.ok(r.stdout.startsWith('1\n2\n'));
  assert.ok(r.stdout.endsWith('19999\n20000\n'));
  assert.match(r.stdout, /bytes of output cut here/);
  assert.equal(chunks.join('').split('\n').length, 20001);
});

test('files go over SFTP with their mode, replace existing files, and come back', async () => {
  const t = fx.transport();
  await t.connect();
  const dest = path.join(fx.dir, 'conf.txt');
  fs.writeFileSync(dest, 'old');
  await t.put('new content\n', dest, 0o640);
  assert.equal(fs.readFileSync(dest, 'utf8'), 'new content\n');
  assert.equal(fs.statSync(dest).mode & 0o777, 0o640);
  assert.equal((await t.get(dest)).toString(), 'new content\n');
  await t.put(Buffer.from([0, 1, 2, 255]), '~/bin.dat');
  assert.deepEqual([...fs.readFileSync(path.join(fx.dir, 'bin.dat'))], [0, 1, 2, 255]);
  assert.deepEqual(fs.readdirSync(fx.dir).filter((f) => f.includes('.playwatch-')), []);
  await assert.rejects(t.get(path.join(fx.dir, 'missing')), (e: Error) => !(e instanceof UnreachableError) && /cannot read/.test(e.message));
});

test('a connection dropped mid-command rejects with UnreachableError and later calls do too', async () => {
  const t = fx.transport();
  await t.connect();
  const running = t.exec('sleep 5');
  await new Promise((r) => setTimeout(r, 200));
  fx.server.dropConnections();
  await assert.rejects(running, (e: unknown) => e instanceof UnreachableError && /lost/.test((e as Error).message));
  await assert.rejects(t.exec('echo hi'), UnreachableError);
  await assert.rejects(t.put('x', path.join(fx.dir, 'x')), UnreachableError);
});

test('commands wait their turn on one connection (one handshake for many commands)', async () => {
  const t = fx.transport();
  await t.connect();
  for (let i = 0; i < 5; i++) assert.equal((await t.exec(`echo ${i}`)).stdout, `${i}\n`);
  await t.close();
  await assert.rejects(t.exec('true'), UnreachableError);
});

test('connect after a lost connection opens a new one', async () => {
  const t = fx.transport();
  await t.connect();
  fx.server.dropConnections();
  await new Promise((r) => setTimeout(r, 200));
  await assert.rejects(t.exec('echo hi'), UnreachableError);
  await t.connect();
  assert.equal((await t.exec('echo again')).stdout, 'again\n');
  await t.close();
});
