import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProject } from '../helpers/run.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { Transport } from '../../src/transport/types.js';
import { releaseCommand, takeLock, type LockOutcome } from '../../src/engine/lock.js';
import type { LockSettings } from '../../src/engine/lock.js';

const lock = (run: string, extra: Partial<LockSettings> = {}): LockSettings => ({
  holder: { user: 'tester', controller: os.hostname(), pid: process.pid, run, playbook: 'site.yml', started: Math.floor(Date.now() / 1000) },
  breakStale: false,
  staleAfterSec: 6 * 3600,
  ...extra,
});

const SLOW = `
- hosts: all
  gather_facts: false
  tasks:
    - {name: slow, command: sleep 0.8}
`;

const lockDir = (hostsDir: string, host: string) => path.join(hostsDir, host, '.playwatch', 'lock');

test('a second run against the same hosts is refused by the lock on every host, and the first releases it', async () => {
  const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lock-'));
  // The lock comes with a host's first command: the second run starts once the
  // first is inside its second task on every host.
  let started!: () => void;
  const holding = new Promise<void>((r) => (started = r));
  let seen = 0;
  const first = runProject({
    hostsDir,
    lock: lock('run-one'),
    onEvent: (e) => {
      if (e.type === 'host.start' && e.task.name === 'slow' && ++seen === 3) started();
    },
    files: { 'site.yml': SLOW.replace('  tasks:\n', '  tasks:\n    - {name: first, command: "true"}\n') },
  });
  await holding;
  // Another working directory and runs directory: the lock lives on the targets.
  const second = await runProject({ hostsDir, lock: lock('run-two'), files: { 'site.yml': SLOW } });
  const done = await first;
  assert.equal(done.exitCode, 0);
  assert.deepEqual(second.results('slow'), { web1: 'failed', web2: 'failed', db1: 'failed' });
  for (const e of second.of('host.failed')) {
    assert.equal(e.result.locked, true);
    assert.match(String(e.result.msg), /^locked by tester@.+ \(pid \d+, run run-one, site\.yml, since /);
  }
  for (const h of ['web1', 'web2', 'db1']) assert.equal(fs.existsSync(lockDir(hostsDir, h)), false, `${h} lock released`);
});

function plantLock(hostsDir: string, host: string, info: Record<string, string | number>) {
  fs.mkdirSync(lockDir(hostsDir, host), { recursive: true });
  fs.writeFileSync(path.join(lockDir(hostsDir, host), 'info'), Object.entries(info).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
}

test('a lock whose holder died is reported stale and taken over only with --break-lock', async () => {
  const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lock-'));
  const dead = { user: 'ghost', controller: os.hostname(), pid: 2 ** 22 + 7, run: 'crashed', playbook: 'site.yml', started: Math.floor(Date.now() / 1000) };
  plantLock(hostsDir, 'web1', dead);
  const files = { 'site.yml': SLOW.replace('hosts: all', 'hosts: web1') };
  const refused = await runProject({ hostsDir, lock: lock('r1'), files });
  assert.match(String(refused.of('host.failed')[0].result.msg), /looks stale; run again with --break-lock/);
  assert.equal(fs.existsSync(lockDir(hostsDir, 'web1')), true, 'a refused run leaves the lock alone');
  const taken = await runProject({ hostsDir, lock: lock('r2', { breakStale: true }), files });
  assert.equal(taken.exitCode, 0);
  assert.match(taken.plain, /took over a stale deploy lock held by ghost@/);
  assert.equal(fs.existsSync(lockDir(hostsDir, 'web1')), false);
});

test('a lock older than lock_stale_after is stale whoever holds it; a live one is never broken', async () => {
  const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lock-'));
  const files = { 'site.yml': SLOW.replace('hosts: all', 'hosts: web1') };
  plantLock(hostsDir, 'web1', { user: 'old', controller: 'elsewhere', pid: 1, run: 'old', playbook: 'x', started: Math.floor(Date.now() / 1000) - 7 * 3600 });
  const old = await runProject({ hostsDir, lock: lock('r3', { breakStale: true }), files });
  assert.equal(old.exitCode, 0);
  plantLock(hostsDir, 'web1', { user: 'busy', controller: 'elsewhere', pid: 1, run: 'live', playbook: 'x', started: Math.floor(Date.now() / 1000) });
  const live = await runProject({ hostsDir, lock: lock('r4', { breakStale: true }), files });
  assert.match(String(live.of('host.failed')[0].result.msg), /^locked by busy@elsewhere/);
  assert.equal(live.exitCode, 2);
});

test('a lock being taken this very moment (no info file yet) is waited for, not called stale', async () => {
  const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lock-'));
  fs.mkdirSync(lockDir(hostsDir, 'web1'), { recursive: true });
  setTimeout(() => {
    const info = { user: 'racer', controller: 'elsewhere', pid: 1, run: 'other', playbook: 'x', started: Math.floor(Date.now() / 1000) };
    fs.writeFileSync(path.join(lockDir(hostsDir, 'web1'), 'info'), Object.entries(info).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  }, 300);
  const run = await runProject({ hostsDir, lock: lock('r5', { breakStale: true }), files: { 'site.yml': SLOW.replace('hosts: all', 'hosts: web1') } });
  assert.match(String(run.of('host.failed')[0].result.msg), /^locked by racer@elsewhere/);
});

test('the host is connected and locked before its first module that runs there, not for controller-only ones', async () => {
  const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lock-'));
  const lockedAt: Record<string, boolean> = {};
  const run = await runProject({
    hostsDir,
    lock: lock('r6'),
    onEvent: (e) => {
      if (e.type === 'host.ok') lockedAt[e.task.name] = fs.existsSync(lockDir(hostsDir, 'web1'));
    },
    files: {
      'inventory.ini': 'web1 ansible_connection=local playwatch_lock_path=~/.playwatch/lock\nghost ansible_host=127.0.0.1 ansible_port=1\n',
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: say, debug: {msg: hi}}
    - {name: fact, set_fact: {x: 1}}
    - {name: run, command: "true"}
`,
    },
  });
  assert.deepEqual(lockedAt, { say: false, fact: false, run: true });
  // As in ansible-core: a host nobody connects to is not unreachable yet.
  assert.deepEqual(
    ['say', 'fact', 'run'].map((t) => run.results(t)),
    [{ web1: 'ok', ghost: 'ok' }, { web1: 'ok', ghost: 'ok' }, { web1: 'changed', ghost: 'unreachable' }],
  );
});

test('of two runs breaking the same stale lock at once, exactly one gets it (40 hosts, each a race)', async () => {
  // Each host is a directory with a dead holder's lock; two breakers race on all of them at once.
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lock-race-'));
  const hosts = Array.from({ length: 40 }, (_, i) => `h${i}`);
  const dead = { user: 'ghost', controller: os.hostname(), pid: 2 ** 22 + 7, run: 'crashed', playbook: 'site.yml', started: Math.floor(Date.now() / 1000) };
  for (const h of hosts) plantLock(base, h, dead);
  const breaker = (run: string) => lock(run, { breakStale: true });
  const outcomes = await Promise.all(
    hosts.map(async (h) => {
      const [a, b] = [new LocalTransport({ host: h, connection: 'local', root: path.join(base, h) }), new LocalTransport({ host: h, connection: 'local', root: path.join(base, h) })];
      // (Round 1's takeLock returned nothing or a warning when it took the lock, and threw when it did not.)
      const take = (t: Transport, run: string): Promise<LockOutcome> =>
        takeLock(t, breaker(run), '~/.playwatch/lock').then(
          (o: unknown) => (o && typeof o === 'object' ? (o as LockOutcome) : { taken: true }),
          (e: Error) => ({ taken: false, stale: true, message: e.message }),
        );
      const [ra, rb] = await Promise.all([take(a, 'breaker-a'), take(b, 'breaker-b')]);
      const holder = fs.readFileSync(path.join(lockDir(base, h), 'info'), 'utf8');
      return { h, winners: [ra.taken, rb.taken].filter(Boolean).length, holder: /^run=(.*)$/m.exec(holder)?.[1], a: ra.taken, loser: ra.taken ? rb : ra };
    }),
  );
  const wrong = outcomes.filter((o) => o.winners !== 1);
  assert.deepEqual(wrong.map((o) => `${o.h}: ${o.winners} winners`), [], 'exactly one winner on every host');
  for (const o of outcomes) {
    assert.equal(o.holder, o.a ? 'breaker-a' : 'breaker-b', `${o.h}: the lock names its winner`);
    assert.ok(!o.loser.taken && /could not be taken over|^locked by/.test(o.loser.message), `${o.h}: ${!o.loser.taken && o.loser.message}`);
  }
});

test('the lock is /run/lock/playwatch by default, ~/.playwatch/lock with a warning where /run/lock is missing, or the host var\'s place', async () => {
  const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lock-'));
  // What each command of the run says about where the lock is, seen through the transport.
  const places: string[] = [];
  const seeing = (rewrite: (c: string) => string) => (t: Transport): Transport => ({
    ...t,
    host: t.host,
    connect: () => t.connect(),
    close: () => t.close(),
    put: (...a) => t.put(...a),
    get: (p) => t.get(p),
    exec: async (c, o) => {
      const r = await t.exec(rewrite(c), o);
      const m = /^PLACE=(.*)$/m.exec(r.stdout);
      if (m) places.push(m[1]);
      return r;
    },
  });
  const files = (inv: string) => ({ 'inventory.ini': inv, 'site.yml': SLOW.replace('hosts: all', 'hosts: web1') });
  // /run/lock exists on this machine; a missing one is the same command with another name for it.
  const missing = await runProject({ hostsDir, lock: lock('m1'), files: files('web1 ansible_connection=local\n'), wrapTransport: seeing((c) => c.replaceAll('/run/lock', '/nonexistent/run/lock')) });
  assert.equal(missing.exitCode, 0);
  assert.deepEqual(places.splice(0), [path.join(hostsDir, 'web1', '.playwatch/lock'), path.join(hostsDir, 'web1', '.playwatch/lock')]);
  assert.deepEqual(missing.of('warning').map((w) => w.message), [`web1: /run/lock is missing: the deploy lock is ${path.join(hostsDir, 'web1', '.playwatch/lock')}, which only excludes runs by the same login user`]);
  const custom = path.join(hostsDir, 'shared', 'locks', 'deploy');
  const set = await runProject({ hostsDir, lock: lock('m2'), files: files(`web1 ansible_connection=local playwatch_lock_path=${custom}\n`), wrapTransport: seeing((c) => c) });
  assert.equal(set.exitCode, 0);
  assert.deepEqual(places.splice(0), [custom, custom], 'taken and released at the host var\'s place');
  assert.deepEqual(set.of('warning'), []);
  assert.equal(fs.existsSync(custom), false, 'released');
  // The default place, in a stand-in for /run/lock (other runs on this machine may hold the real one).
  const runLock = path.join(hostsDir, 'run-lock');
  fs.mkdirSync(runLock, { mode: 0o1777 });
  const byDefault = await runProject({ hostsDir, lock: lock('m3'), files: files('web1 ansible_connection=local\n'), wrapTransport: seeing((c) => c.replaceAll('/run/lock', runLock)) });
  assert.equal(byDefault.exitCode, 0);
  assert.deepEqual(places.splice(0), [`${runLock}/playwatch`, `${runLock}/playwatch`]);
  assert.deepEqual(byDefault.of('warning'), []);
});

test('a host var place is taken and released wherever it points: under ~, several levels deep, with a trailing slash', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lockplace-'));
  const t = new LocalTransport({ host: 'web1', root } as never);
  const rows: Array<[place: string, where: string]> = [
    ['~/lock', path.join(root, 'lock')],
    ['~/.pw/a/b/lock', path.join(root, '.pw/a/b/lock')],
    [path.join(root, 'abs/deep/lock') + '/', path.join(root, 'abs/deep/lock')],
  ];
  try {
    for (const [i, [place, where]] of rows.entries()) {
      const got = await takeLock(t, lock(`p${i}`), place);
      assert.equal(got.taken, true, place);
      assert.equal(fs.statSync(where).mode & 0o777, 0o755, `${place}: the lock directory is ${where}, world-readable`);
      assert.match(fs.readFileSync(path.join(where, 'info'), 'utf8'), new RegExp(`^run=p${i}$`, 'm'));
      const again = await takeLock(t, lock('other'), place);
      assert.equal(again.taken, false, `${place}: held for another run`);
      const res = await t.exec(releaseCommand(lock(`p${i}`).holder, place));
      assert.equal(res.rc, 0);
      assert.equal(fs.existsSync(where), false, `${place}: released`);
    }
  } finally {
    await t.close();
  }
});

test('the holder is readable by the next operator: user, controller, pid, run, playbook and start, world-readable', async () => {
  const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lock-'));
  let seen: { mode: number; infoMode: number; info: string } | undefined;
  await runProject({
    hostsDir,
    lock: lock('r7'),
    onEvent: (e) => {
      if (e.type === 'host.ok' && e.host === 'web1' && !seen) {
        const dir = lockDir(hostsDir, 'web1');
        seen = { mode: fs.statSync(dir).mode & 0o777, infoMode: fs.statSync(path.join(dir, 'info')).mode & 0o777, info: fs.readFileSync(path.join(dir, 'info'), 'utf8') };
      }
    },
    files: { 'site.yml': SLOW.replace('sleep 0.8', 'true') },
  });
  assert.ok(seen);
  assert.equal(seen.mode, 0o755);
  assert.equal(seen.infoMode, 0o644);
  assert.deepEqual(seen.info.trim().split('\n').map((l) => l.split('=')[0]), ['user', 'controller', 'pid', 'run', 'playbook', 'started', 'login']);
  assert.match(seen.info, new RegExp(`^user=tester\ncontroller=${os.hostname()}\npid=${process.pid}\nrun=r7\nplaybook=site.yml\nstarted=\\d+\nlogin=${os.userInfo().username}\n$`));
});

test('a lock command that fails says why, not just where', async () => {
  // The lock's directory cannot be made under a regular file: the command exits 3 with mkdir's complaint.
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lock-fail-'));
  fs.writeFileSync(path.join(base, 'file'), '');
  const t = new LocalTransport({ host: 'h', connection: 'local' });
  const got = await takeLock(t, lock('run-x'), path.join(base, 'file', 'sub', 'lock'));
  assert.equal(got.taken, false);
  assert.match(got.taken ? '' : got.message, /could not take the deploy lock \/.*\/file\/sub\/lock: the lock command exited 3 \(mkdir: .*Not a directory\)/);
});

test('a lock released while it is being looked at is taken, not reported as held by an unknown holder', async () => {
  // A lock with no info file yet (just made, or being released) that goes away 300 ms later.
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lock-gone-'));
  fs.mkdirSync(lockDir(base, 'h'), { recursive: true });
  setTimeout(() => fs.rmSync(lockDir(base, 'h'), { recursive: true }), 300);
  const t = new LocalTransport({ host: 'h', connection: 'local', root: path.join(base, 'h') });
  const got = await takeLock(t, lock('run-next'), '~/.playwatch/lock');
  assert.deepEqual(got, { taken: true });
  assert.match(fs.readFileSync(path.join(lockDir(base, 'h'), 'info'), 'utf8'), /^run=run-next$/m);
});
