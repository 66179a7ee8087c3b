import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { list } from 'tar';
import { archiveRun, pruneRuns } from '../../src/reporters/archive.js';

function runsDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-runs-'));
}

/** A run directory with an events.jsonl of `bytes` bytes and a run.log. */
function makeRun(dir: string, id: string, bytes = 10): string {
  const runDir = path.join(dir, id);
  fs.mkdirSync(path.join(runDir, 'hosts'), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(runDir, 'events.jsonl'), 'x'.repeat(bytes));
  fs.writeFileSync(path.join(runDir, 'run.log'), 'PLAY RECAP\n');
  fs.writeFileSync(path.join(runDir, 'hosts', 'web1.log'), 'ok\n');
  return runDir;
}

async function entries(file: string): Promise<string[]> {
  const names: string[] = [];
  await list({ file, onReadEntry: (e) => void names.push(e.path) });
  return names.sort();
}

test('the run is archived as <run-id>.tar.gz beside its directory, private to its owner', async () => {
  const dir = runsDir();
  const runDir = makeRun(dir, '20261123-041502-3fa9');
  const archive = await archiveRun(runDir);
  assert.equal(archive, path.join(dir, '20261123-041502-3fa9.tar.gz'));
  assert.equal(fs.statSync(archive).mode & 0o777, 0o600);
  assert.deepEqual(fs.readFileSync(archive).subarray(0, 2), Buffer.from([0x1f, 0x8b]));
  assert.deepEqual(await entries(archive), [
    '20261123-041502-3fa9/',
    '20261123-041502-3fa9/events.jsonl',
    '20261123-041502-3fa9/hosts/',
    '20261123-041502-3fa9/hosts/web1.log',
    '20261123-041502-3fa9/run.log',
  ]);
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.includes('partial')), []);
});

test('archiving a missing run directory fails and leaves no partial file', async () => {
  const dir = runsDir();
  await assert.rejects(archiveRun(path.join(dir, 'nope')));
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('pruning keeps the newest runs by count, directories and archives alike, and never the current one', async () => {
  const dir = runsDir();
  for (const id of ['20260101-000000-aaaa', '20260102-000000-bbbb', '20260103-000000-cccc', '20260104-000000-dddd']) {
    await archiveRun(makeRun(dir, id));
  }
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a run');
  const removed = pruneRuns(dir, { keep: 2, current: '20260101-000000-aaaa' });
  assert.deepEqual(removed.sort(), ['20260102-000000-bbbb', '20260103-000000-cccc']);
  assert.deepEqual(fs.readdirSync(dir).sort(), [
    '20260101-000000-aaaa',
    '20260101-000000-aaaa.tar.gz',
    '20260104-000000-dddd',
    '20260104-000000-dddd.tar.gz',
    'notes.txt',
  ]);
});

test('pruning by size drops the oldest runs once the newest fill the budget', () => {
  const dir = runsDir();
  const mb = 1024 * 1024;
  makeRun(dir, 'r1', mb);
  makeRun(dir, 'r2', mb);
  makeRun(dir, 'r3', mb);
  makeRun(dir, 'r4', mb / 2);
  // r4 (0.5 MB) + r3 (1 MB) fit in 2 MB; r2 would not, so r2 and r1 go.
  assert.deepEqual(pruneRuns(dir, { maxMb: 2, current: 'r4' }).sort(), ['r1', 'r2']);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['r3', 'r4']);
});

test('the current run is kept even when it alone is over the size budget', () => {
  const dir = runsDir();
  makeRun(dir, 'r1', 10);
  makeRun(dir, 'r2', 2 * 1024 * 1024);
  assert.deepEqual(pruneRuns(dir, { maxMb: 1, current: path.join(dir, 'r2') }), ['r1']);
  assert.deepEqual(fs.readdirSync(dir), ['r2']);
});

test('pruning without limits removes nothing', () => {
  const dir = runsDir();
  makeRun(dir, 'r1');
  makeRun(dir, 'r2');
  assert.deepEqual(pruneRuns(dir, {}), []);
  assert.deepEqual(pruneRuns(path.join(dir, 'missing'), { keep: 1 }), []);
});
