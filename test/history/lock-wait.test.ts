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

test('--lock-wait 30s waits for the deploy lock another run holds, saying who holds it, and runs once it is released; without it the run is refused at once', async () => {
  const dir = fixtureProject();
  fs.writeFileSync(path.join(dir, 'hold.yml'), HOLD);
  const first = startPlaywatch(dir, ['run', 'hold.yml', '-i', 'inventory.ini']);
  await first.seen(/TASK \[hold\]/);
  const waiting = startPlaywatch(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--lock-wait', '30s']);
  const refused = playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini']);
  assert.equal(refused.code, 2, refused.err);
  assert.match(refused.out, /fatal: \[web1\]: FAILED! => .*locked by .*\(pid \d+, run \d{8}-\d{6}-[0-9a-f]{4}, hold\.yml, since \d{4}-\d\d-\d\dT/);

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

test('--lock-wait gives up after its time, with who held the lock', async () => {
  const dir = fixtureProject();
  fs.writeFileSync(path.join(dir, 'hold.yml'), HOLD);
  const first = startPlaywatch(dir, ['run', 'hold.yml', '-i', 'inventory.ini']);
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
