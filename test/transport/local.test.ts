import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalTransport } from '../../src/transport/local.js';

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-local-'));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !alive(pid);
}

const t = new LocalTransport({ host: 'localhost', connection: 'local' }, { killGraceMs: 300, drainMs: 300 });

test('exec returns the exit code and both streams', async () => {
  const r = await t.exec('echo out; echo err >&2; exit 3');
  assert.equal(r.rc, 3);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal(r.timedOut, false);
  assert.equal(r.truncated, false);
  assert.ok(typeof r.pgid === 'number' && r.pgid > 0);
});

test('the command leads its own process group', async () => {
  const r = await t.exec('ps -o pgid= -p $$');
  assert.equal(Number(r.stdout.trim()), r.pgid);
});

test('stdin is closed when none is given, so cat ends at once with no output', async () => {
  const started = Date.now();
  const r = await t.exec('cat', { timeoutMs: 5000 });
  assert.equal(r.rc, 0);
  assert.equal(r.stdout, '');
  assert.equal(r.timedOut, false);
  assert.ok(Date.now() - started < 3000);
});

test('given stdin is fed to the command and then closed', async () => {
  const r = await t.exec('cat; echo end', { stdin: 'line one\nline two\n' });
  assert.equal(r.stdout, 'line one\nline two\nend\n');
});

test('extra env is added to the environment', async () => {
  const r = await t.exec('printf %s "$PW_TEST_VAR:$PATH"', { env: { PW_TEST_VAR: 'a b$c' } });
  assert.equal(r.stdout, `a b$c:${process.env.PATH}`);
});

test('a root directory is created on connect and serves as cwd and HOME', async () => {
  const root = path.join(tempRoot(), 'web1');
  const lt = new LocalTransport({ host: 'web1', connection: 'local', root });
  await lt.connect();
  assert.ok(fs.statSync(root).isDirectory());
  const r = await lt.exec('pwd; echo "$HOME"');
  const real = fs.realpathSync(root);
  assert.deepEqual(r.stdout.trim().split('\n').map((p) => fs.realpathSync(p)), [real, real]);
  const sub = await lt.exec('mkdir -p sub && cd sub && pwd');
  assert.equal(fs.realpathSync(sub.stdout.trim()), path.join(real, 'sub'));
  const inSub = await lt.exec('pwd', { cwd: 'sub' });
  assert.equal(fs.realpathSync(inSub.stdout.trim()), path.join(real, 'sub'));
  await lt.close();
});

test('a missing working directory is reported as such', async () => {
  const r = await t.exec('pwd', { cwd: '/nonexistent/playwatch-dir' });
  assert.equal(r.rc, 1);
  assert.match(r.stderr, /cannot change to directory '\/nonexistent\/playwatch-dir'/);
});

test('a timeout kills the whole process group, a backgrounded grandchild included', async () => {
  const dir = tempRoot();
  const pidFile = path.join(dir, 'pid');
  const started = Date.now();
  const r = await t.exec(`sleep 100 & echo $! > ${pidFile}; sleep 100`, { timeoutMs: 300 });
  assert.equal(r.timedOut, true);
  assert.equal(r.rc, -1);
  assert.ok(Date.now() - started < 3000, 'returned soon after the timeout');
  const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
  assert.ok(grandchild > 0);
  assert.equal(await waitGone(grandchild, 2000), true, 'the backgrounded sleep is gone');
});

test('a process that ignores SIGTERM is killed after the grace period', async () => {
  const started = Date.now();
  const r = await t.exec(`trap '' TERM; echo ready; while :; do sleep 0.05; done`, { timeoutMs: 200 });
  assert.equal(r.timedOut, true);
  assert.equal(r.stdout, 'ready\n');
  const took = Date.now() - started;
  assert.ok(took >= 450 && took < 3000, `took ${took} ms`);
});

test('a grandchild that holds the pipes open does not hang a finished command', async () => {
  const dir = tempRoot();
  const pidFile = path.join(dir, 'pid');
  const started = Date.now();
  const r = await t.exec(`sleep 30 & echo $! > ${pidFile}; echo done`);
  assert.equal(r.rc, 0);
  assert.equal(r.stdout, 'done\n');
  assert.ok(Date.now() - started < 2500);
  process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGKILL');
});

test('aborting the signal kills the group and marks the result aborted', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 150);
  const r = await t.exec('echo started; sleep 100', { signal: ac.signal });
  assert.equal(r.aborted, true);
  assert.equal(r.timedOut, false);
  assert.equal(r.rc, -1);
  assert.equal(r.stdout, 'started\n');
});

test('an already aborted signal runs nothing', async () => {
  const ac = new AbortController();
  ac.abort();
  const dir = tempRoot();
  const r = await t.exec(`touch ${dir}/ran`, { signal: ac.signal });
  assert.equal(r.aborted, true);
  assert.equal(fs.existsSync(path.join(dir, 'ran')), false);
});

test('long output keeps head and tail with a marker and the truncated flag', async () => {
  const r = await t.exec('seq 1 20000', { maxBytes: 1000 });
  assert.equal(r.truncated, true);
  assert.equal(r.stdoutTruncated, true);
  assert.equal(r.stderrTruncated, false);
  assert.ok(r.stdout.startsWith('1\n2\n3\n'));
  assert.ok(r.stdout.endsWith('19999\n20000\n'));
  assert.match(r.stdout, /\n\[\.\.\. playwatch: \d+ bytes of output cut here \.\.\.\]\n/);
  assert.ok(Buffer.byteLength(r.stdout) < 1100);
});

test('output under the limit is kept whole', async () => {
  const r = await t.exec('seq 1 100', { maxBytes: 1000 });
  assert.equal(r.truncated, false);
  assert.equal(r.stdout.split('\n').length, 101);
});

test('onOutput receives every chunk as it arrives', async () => {
  const seen: string[] = [];
  await t.exec('echo a; echo b >&2; echo c', { onOutput: (s, c) => seen.push(`${s}:${c}`) });
  const joined = seen.join('');
  assert.match(joined, /stdout:a\n/);
  assert.match(joined, /stderr:b\n/);
  assert.match(joined, /c\n/);
});

test('a command killed by a signal reports the negative signal number', async () => {
  const r = await t.exec('kill -9 $$');
  assert.equal(r.rc, -9);
  assert.equal(r.signal, 'SIGKILL');
  assert.equal(r.timedOut, false);
});

test('put writes a file with its mode relative to the root, and get reads it back', async () => {
  const root = tempRoot();
  const lt = new LocalTransport({ host: 'h', connection: 'local', root });
  await lt.put('secret\n', 'conf.txt', 0o600);
  const st = fs.statSync(path.join(root, 'conf.txt'));
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal((await lt.get('~/conf.txt')).toString(), 'secret\n');
  assert.deepEqual(fs.readdirSync(root), ['conf.txt']);
});

test('get of a missing file rejects', async () => {
  const lt = new LocalTransport({ host: 'h', connection: 'local', root: tempRoot() });
  await assert.rejects(lt.get('missing'), /ENOENT/);
});

test('close ends commands still running', async () => {
  const lt = new LocalTransport({ host: 'h', connection: 'local' }, { killGraceMs: 200 });
  const pending = lt.exec('sleep 100');
  await new Promise((r) => setTimeout(r, 100));
  await lt.close();
  const r = await pending;
  assert.equal(r.aborted, true);
  assert.equal(await waitGone(r.pgid!, 1000), true);
});
