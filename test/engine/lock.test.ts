import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProject } from '../helpers/run.js';
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
      'inventory.ini': 'web1 ansible_connection=local\nghost ansible_host=127.0.0.1 ansible_port=1\n',
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
