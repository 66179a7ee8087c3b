import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseRecord } from '../../src/events/index.js';
import { lockWaitMs } from '../../src/cli/run-command.js';
import { fixtureProject, playwatch, read, runDirOf, startPlaywatch } from './cli.js';

/** A playbook that holds the hosts (and their deploy lock) until the test makes the file `release`. */
const HOLD = `
- hosts: web
  gather_facts: false
  tasks:
    - {name: hold, shell: "while [ ! -e '{{ playbook_dir }}/release' ]; do sleep 0.1; done"}
`;

test('--lock-wait 30s waits for the deploy lock another run holds, saying who holds it, and runs once it is released; without it the run is refused at once', async (t) => {
  const dir = fixtureProject();
  fs.writeFileSync(path.join(dir, 'hold.yml'), HOLD);
  const first = startPlaywatch(dir, ['run', 'hold.yml', '-i', 'inventory.ini']);
  // A failed assertion still lets the holder go, or it would hold the test process open.
  t.after(() => fs.writeFileSync(path.join(dir, 'release'), ''));
  await first.seen(/TASK \[hold\]/);
  const waiting = startPlaywatch(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--lock-wait', '30s']);
  const refused = playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini']);
  assert.equal(refused.code, 2, refused.err);
  assert.match(refused.out, /fatal: \[web1\]: FAILED! => .*locked by .*\(pid \d+, run \d{8}-\d{6}-[0-9a-f]{4}, hold\.yml, since \d{4}-\d\d-\d\dT/);
  // At once: refused where the run first met the lock, without waiting (a wait says so and lasts 15 s at least).
  const record = parseRecord(read(path.join(runDirOf(dir, refused), 'events.jsonl')));
  const refusal = record.find((e) => e.type === 'host.failed' && e.host === 'web1')!;
  assert.ok(refusal.at - record[0]!.at < 10_000, `refused ${Math.round(refusal.at - record[0]!.at)} ms into the run`);
  assert.equal(record.some((e) => e.type === 'warning' && /waiting for the deploy lock/.test(e.message)), false);

  await waiting.seen(/waiting for the deploy lock/);
  fs.writeFileSync(path.join(dir, 'release'), '');
  const [a, b] = await Promise.all([first.ended, waiting.ended]);
  assert.equal(a.code, 0, a.err);
  assert.equal(b.code, 0, b.err);
  const firstId = path.basename(runDirOf(dir, a));
  assert.match(b.out, new RegExp(`\\[WARNING\\]: web1: waiting for the deploy lock \\(--lock-wait, \\d+s left\\): held by \\S+ \\(pid \\d+, run ${firstId}, hold\\.yml, since \\d{4}-`));
  assert.equal(b.out.match(/waiting for the deploy lock/g)?.length, 2, 'said once per host: the first look, then every 15 s');
  // The waiting run's first result came after the first run had ended (and released its lock).
  const end = parseRecord(read(path.join(runDirOf(dir, a), 'events.jsonl'))).find((e) => e.type === 'run.end')!;
  const firstResult = parseRecord(read(path.join(runDirOf(dir, b), 'events.jsonl'))).find((e) => e.type === 'host.ok')!;
  assert.ok(firstResult.wall >= end.wall, `${firstResult.wall} >= ${end.wall}`);
});

test('--lock-wait gives up after its time, with who held the lock', async (t) => {
  const dir = fixtureProject();
  fs.writeFileSync(path.join(dir, 'hold.yml'), HOLD);
  const first = startPlaywatch(dir, ['run', 'hold.yml', '-i', 'inventory.ini']);
  t.after(() => fs.writeFileSync(path.join(dir, 'release'), ''));
  await first.seen(/TASK \[hold\]/);
  const t0 = Date.now();
  const r = playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--lock-wait', '1s']);
  fs.writeFileSync(path.join(dir, 'release'), '');
  assert.equal(r.code, 2, r.err);
  assert.ok(Date.now() - t0 >= 1000);
  assert.match(r.out, /locked by .*; waited 1s \(--lock-wait\)/);
  assert.equal((await first.ended).code, 0);
});

test('--lock-wait durations', () => {
  const rows: Array<[string, number]> = [['30s', 30_000], ['5m', 300_000], ['1h', 3_600_000], ['90', 90_000], ['1.5s', 1500], ['250ms', 250]];
  for (const [text, ms] of rows) assert.equal(lockWaitMs(text), ms, text);
  assert.throws(() => lockWaitMs('soon'), /--lock-wait 'soon'/);
});

test('while waiting, who holds the lock is said at once and again every waitReportMs; the lock is taken once its holder releases it', async () => {
  const { LocalTransport } = await import('../../src/transport/local.js');
  const { releaseCommand, takeLock, takeLockWaiting } = await import('../../src/engine/lock.js');
  const os = await import('node:os');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lockwait-'));
  const t = new LocalTransport({ host: 'h', connection: 'local', root });
  const holder = (run: string) => ({ user: 'tester', controller: os.hostname(), pid: process.pid, run, playbook: 'site.yml', started: Math.floor(Date.now() / 1000) });
  const settings = (run: string) => ({ holder: holder(run), breakStale: false, staleAfterSec: 3600 });
  const place = '~/.playwatch/lock';
  assert.equal((await takeLock(t, settings('first'), place)).taken, true);
  const said: number[] = [];
  const t0 = Date.now();
  setTimeout(() => void t.exec(releaseCommand(holder('first'), place)), 1200);
  const got = await takeLockWaiting(t, { ...settings('second'), waitMs: 10_000, waitReportMs: 300, waitPollMs: 50 }, place, {
    say: (m) => void (said.push(Date.now() - t0), assert.match(m, /held by tester@\S+ \(pid \d+, run first, site\.yml, since /)),
    signal: new AbortController().signal,
    stopping: () => false,
  });
  assert.equal(got.taken, true);
  assert.ok(Date.now() - t0 >= 1200, 'taken only after the release');
  // The test reads the clock a moment after the lock's own reading, so one tick of it may fall between: 2 ms of slack.
  const waited = Date.now() - t0;
  assert.ok(said.length >= 3 && said.length <= Math.floor(waited / 298) + 1, `said at ${said.join(', ')} ms of ${waited}`);
  for (let i = 1; i < said.length; i++) assert.ok(said[i]! - said[i - 1]! >= 298, `said at ${said.join(', ')} ms`);
});
