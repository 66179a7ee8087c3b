import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UnreachableError, type ExecResult } from '../../src/transport/types.js';
import type { SshTransport } from '../../src/transport/ssh.js';
import { PGID_MARKER } from '../../src/transport/ssh-command.js';
import { alive, makeFixture, MODES, waitFor, type Fixture } from './ssh-helpers.js';

let fx: Fixture;
before(async () => {
  fx = await makeFixture();
});
after(async () => {
  await fx.cleanup();
});

for (const mode of MODES) describe(`${mode} mode`, () => {
  test('a command returns its output and exit code, and reports its process group', async () => {
    const t = fx.transport({ mode });
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
    const t = fx.transport({ mode });
    await t.connect();
    const r = await t.exec('ps -o pgid= -p $$ 2>/dev/null || awk \'{print $5}\' /proc/$$/stat');
    assert.equal(Number(r.stdout.trim()), r.pgid);
  });

  test('stdin is closed unless given, and fed when given', async () => {
    const t = fx.transport({ mode });
    await t.connect();
    const closed = await t.exec('cat; echo done');
    assert.equal(closed.stdout, 'done\n');
    const fed = await t.exec('cat', { stdin: 'hello\nworld\n' });
    assert.equal(fed.stdout, 'hello\nworld\n');
  });

  test('quotes and special characters in the command survive the wrapper', async () => {
    const t = fx.transport({ mode });
    await t.connect();
    const r = await t.exec(`printf '%s|' "it's" '$HOME' "a\\"b"; echo`);
    assert.equal(r.stdout, `it's|$HOME|a"b|\n`);
  });

  test('the command sees the shell it would under sh -c: $0 is sh, no arguments, exit and syntax errors work', async () => {
    const t = fx.transport({ mode });
    await t.connect();
    assert.equal((await t.exec('echo "$0 $#"')).stdout, 'sh 0\n');
    assert.equal((await t.exec('exit 4; echo no')).rc, 4);
    const bad = await t.exec('if then');
    assert.equal(bad.rc, 2);
    assert.match(bad.stderr, /[Ss]yntax error/);
  });

  test('a timeout kills the whole remote process group with a second command', async () => {
    const t = fx.transport({ mode });
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
    const t = fx.transport({ mode });
    await t.connect();
    const r = await t.exec(`trap '' TERM; sleep 30 & echo $!; wait; wait`, { timeoutMs: 200 });
    assert.equal(r.timedOut, true);
    assert.ok(fx.server.execs.some((c) => c.startsWith(`kill -KILL -${r.pgid} `)));
    assert.ok(await waitFor(() => !alive(Number(r.stdout.trim()))));
  });

  test('aborting ends the command and marks the result aborted', async () => {
    const t = fx.transport({ mode });
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
    const t = fx.transport({ mode, maxChannels: 8 });
    await t.connect();
    const peakBefore = fx.server.sessions.peak;
    const base = fx.server.sessions.current; // other tests' idle shell sessions
    fx.server.sessions.peak = base;
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) => t.exec(`sleep 0.2; echo ${i}`)));
    assert.deepEqual(results.map((r) => r.stdout.trim()), Array.from({ length: 15 }, (_, i) => String(i)));
    assert.ok(results.every((r) => r.rc === 0));
    assert.equal(t.peakChannels, 8);
    assert.ok(fx.server.sessions.peak - base <= 8, `server saw ${fx.server.sessions.peak - base} sessions`);
    assert.equal(fx.server.sessions.refused, 0);
    fx.server.sessions.peak = Math.max(peakBefore, fx.server.sessions.peak);
  });

  test('a channel the server refuses fails that command without breaking the connection', async () => {
    const small = await makeFixture({ maxSessions: 2 });
    try {
      const t = small.transport({ mode, maxChannels: 4, channelRetryDelaysMs: [] });
      await t.connect();
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => t.exec('sleep 0.2')));
      const failed = results.filter((r) => r.status === 'rejected');
      assert.ok(small.server.sessions.refused > 0);
      // Exec mode fails the command whose channel is refused; shell mode waits for one of its open sessions.
      if (mode === 'exec') assert.ok(failed.length > 0);
      else assert.deepEqual(failed, []);
      assert.ok(failed.every((f) => !((f as PromiseRejectedResult).reason instanceof UnreachableError)));
      assert.equal((await t.exec('echo ok')).stdout, 'ok\n');
      // By default a refusal is taken as backpressure and retried: every command runs.
      const patient = small.transport({ mode, maxChannels: 4 });
      await patient.connect();
      const all = await Promise.all(Array.from({ length: 4 }, (_, i) => patient.exec(`sleep 0.2; echo ${i}`)));
      assert.deepEqual(all.map((r) => r.stdout), ['0\n', '1\n', '2\n', '3\n']);
    } finally {
      await small.cleanup();
    }
  });

  test('output is capped head and tail and streamed as it arrives', async () => {
    const t = fx.transport({ mode });
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
    const t = fx.transport({ mode });
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
    const t = fx.transport({ mode });
    await t.connect();
    const running = t.exec('sleep 5');
    await new Promise((r) => setTimeout(r, 200));
    fx.server.dropConnections();
    await assert.rejects(running, (e: unknown) => e instanceof UnreachableError && /lost/.test((e as Error).message));
    await assert.rejects(t.exec('echo hi'), UnreachableError);
    await assert.rejects(t.put('x', path.join(fx.dir, 'x')), UnreachableError);
  });

  test('commands wait their turn on one connection (one handshake for many commands)', async () => {
    const t = fx.transport({ mode });
    await t.connect();
    for (let i = 0; i < 5; i++) assert.equal((await t.exec(`echo ${i}`)).stdout, `${i}\n`);
    await t.close();
    await assert.rejects(t.exec('true'), UnreachableError);
  });

  test('connect after a lost connection opens a new one', async () => {
    const t = fx.transport({ mode });
    await t.connect();
    fx.server.dropConnections();
    await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(t.exec('echo hi'), UnreachableError);
    await t.connect();
    assert.equal((await t.exec('echo again')).stdout, 'again\n');
    await t.close();
  });
});

/** Runs a command in both modes on one server; results must agree byte for byte. */
async function both(command: string, opts: Parameters<SshTransport['exec']>[1] = {}) {
  const out: Record<string, { r: ExecResult; streamed: { stdout: string; stderr: string } }> = {};
  for (const mode of MODES) {
    const t = fx.transport({ mode });
    const streamed = { stdout: '', stderr: '' };
    const r = await t.exec(command, { ...opts, onOutput: (s, c) => (streamed[s] += c) });
    delete r.pgid;
    out[mode] = { r, streamed };
    await t.close();
  }
  assert.deepEqual(out.shell, out.exec);
  return out.shell!;
}

test('both modes give the same bytes: output imitating the framing, binary, a 1 MB line, stderr only, exit codes', async () => {
  const fake = `\\036PW${'0'.repeat(32)}`;
  const cases: [string, string, (r: ExecResult) => void][] = [
    ['output imitating the records', `printf '${fake}:0\\n${fake}.\\n' ; printf '${fake}.\\n' >&2; printf '${fake}r\\n__playwatch_pgid=1\\n'; echo after; printf '\\036P'`, (r) => {
      assert.equal(r.stdout, `${fake.replace('\\036', '\x1e')}:0\n${fake.replace('\\036', '\x1e')}.\n${fake.replace('\\036', '\x1e')}r\n__playwatch_pgid=1\nafter\n\x1eP`);
      assert.equal(r.stderr, `${fake.replace('\\036', '\x1e')}.\n`);
    }],
    ['binary output', `printf '\\000\\001\\377\\376abc\\r\\n'; printf '\\000' >&2`, (r) => assert.equal(r.stdout.slice(-5), 'abc\r\n')],
    ['a 1 MB line without a newline', `head -c 1048576 /dev/zero | tr '\\000' a`, (r) => assert.equal(r.stdout, 'a'.repeat(1048576))],
    ['stderr only', `echo only >&2; exit 1`, (r) => assert.deepEqual([r.rc, r.stdout, r.stderr], [1, '', 'only\n'])],
    ['exit 0', 'exit 0', (r) => assert.equal(r.rc, 0)],
    ['exit 1', 'false', (r) => assert.equal(r.rc, 1)],
    ['exit 127', 'no-such-command-here', (r) => assert.deepEqual([r.rc, /not found/.test(r.stderr)], [127, true])],
    ['exit 255', 'exit 255', (r) => assert.equal(r.rc, 255)],
    ['stdin given', 'cat; printf "[%s]" "$(cat)"', (r) => assert.equal(r.stdout, "it's\n$HOME `x` \\n no newline[]")],
  ];
  for (const [name, command, check] of cases) {
    const { r } = await both(command, { maxBytes: 2 * 1024 * 1024, ...(name === 'stdin given' ? { stdin: "it's\n$HOME `x` \\n no newline" } : {}) });
    try {
      check(r);
    } catch (err) {
      (err as Error).message = `${name}: ${(err as Error).message}`;
      throw err;
    }
  }
});

test('both modes report a command killed by a signal as exec mode does: rc -N and the signal, nothing added to stderr', async () => {
  const cases: [string, string, { rc: number; signal?: string; stderr?: string }][] = [
    ['the command killed by TERM', 'echo before; kill -TERM $$', { rc: -15, signal: 'SIGTERM' }],
    ['the command killed by KILL', 'kill -KILL $$', { rc: -9, signal: 'SIGKILL' }],
    ['the command killed by HUP while a child of its group runs on', 'sleep 0.2 & kill -HUP $$', { rc: -1, signal: 'SIGHUP' }],
    ['an exit status that looks like TERM', 'exit 143', { rc: 143 }],
    // The command's own shell reaps the child and says so, as sh -c would under ansible-core.
    ['a child of the command killed by TERM', "sh -c 'kill -TERM $$'", { rc: 143, stderr: 'Terminated\n' }],
    // SIGINT and SIGQUIT are not ignored (as they would be for a job started with `&`): a trap on them works.
    ['a trap on INT', "trap 'echo INT >&2; exit 3' INT; kill -INT $$; sleep 1", { rc: 3, stderr: 'INT\n' }],
    ['the same signals ignored', "grep '^SigIgn' /proc/$$/status >&2; exit 4", { rc: 4, stderr: 'SigIgn:\t0000000000000000\n' }],
  ];
  for (const [name, command, want] of cases) {
    const { r } = await both(command);
    assert.deepEqual({ rc: r.rc, signal: r.signal, stderr: r.stderr }, { rc: want.rc, signal: want.signal, stderr: want.stderr ?? '' }, name);
  }
});

test('shell mode: nothing leaks from one command to the next (cd, variables, umask)', async () => {
  const t = fx.transport({ mode: 'shell' });
  await t.exec('cd /; X=1; export Y=2; umask 077; alias a=b 2>/dev/null; f() { :; }');
  const r = await t.exec('pwd; echo "[$X][$Y]"; umask; type f >/dev/null 2>&1 && echo f');
  assert.equal(r.stdout, `${fx.dir}\n[][]\n0022\n`);
  assert.equal(fx.server.execs.filter((c) => c === 'exec /bin/sh').length > 0, true);
  await t.close();
});

test('shell mode: one session serves command after command; a timed-out command recycles its session', async () => {
  const before = fx.server.execs.length;
  const t = fx.transport({ mode: 'shell' });
  for (let i = 0; i < 5; i++) assert.equal((await t.exec(`echo ${i}`)).stdout, `${i}\n`);
  assert.deepEqual(fx.server.execs.slice(before), ['exec /bin/sh'], 'one channel for five commands');
  const r = await t.exec('sleep 30 & echo $!; wait', { timeoutMs: 300 });
  assert.equal(r.timedOut, true);
  assert.ok(await waitFor(() => !alive(Number(r.stdout.trim()))), 'the hung command\'s group is gone');
  assert.equal((await t.exec('echo next')).stdout, 'next\n');
  assert.equal(fx.server.execs.slice(before).filter((c) => c === 'exec /bin/sh').length, 2, 'a new session after the timeout');
  assert.equal(t.describe().mode, 'shell');
  await t.close();
});

test('shell mode: a session killed mid-command fails that command, never ok, and is not re-run', async () => {
  const t = fx.transport({ mode: 'shell' });
  const marker = path.join(fx.dir, `runs-${Date.now()}`);
  const r = await t.exec(`echo x >> ${marker}; echo started; kill -KILL $PPID; sleep 2; echo late`);
  assert.equal(r.rc, -1);
  assert.equal(r.stdout, 'started\n');
  assert.match(r.stderr, /shell session on web1 ended while the command was running/);
  assert.equal(fs.readFileSync(marker, 'utf8'), 'x\n', 'ran once');
  assert.ok(r.pgid && (await waitFor(() => !alive(r.pgid!))), 'its group was ended');
  assert.equal((await t.exec('echo fine')).stdout, 'fine\n');
  await t.close();
});

test('shell mode: a host where no session can start runs its commands over exec channels', async () => {
  // mktemp finds no directory to work in: the session's setup fails before any command is sent.
  const odd = await makeFixture({ env: { TMPDIR: '/nonexistent/tmp' } });
  try {
    const t = odd.transport({ mode: 'shell' });
    const r = await t.exec('echo ran; echo "$TMPDIR"');
    assert.deepEqual([r.rc, r.stdout], [0, 'ran\n/nonexistent/tmp\n']);
    assert.equal(t.describe().mode, 'exec');
    assert.equal((await t.exec('echo again')).stdout, 'again\n');
    assert.equal(odd.server.execs.filter((c) => c === 'exec /bin/sh').length, 1, 'tried once');
  } finally {
    await odd.cleanup();
  }
});

test('both modes wait for background processes that hold the output, and not for those that let go of it', async () => {
  const { r } = await both('(sleep 0.4; echo late; echo late-err >&2) & echo now');
  assert.deepEqual([r.stdout, r.stderr], ['now\nlate\n', 'late-err\n']);
  for (const mode of MODES) {
    const t = fx.transport({ mode });
    const d = await t.exec('sleep 60 >/dev/null 2>&1 </dev/null & echo $!');
    // The detached sleep is still alive when exec returns: it was not waited for (no clock involved).
    assert.doesNotThrow(() => process.kill(Number(d.stdout.trim()), 0), `${mode}: exec waited for the detached sleep`);
    process.kill(Number(d.stdout.trim()), 'SIGKILL');
    assert.equal((await t.exec('echo next')).stdout, 'next\n');
    await t.close();
  }
});
