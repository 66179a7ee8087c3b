import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject, LOCAL_INVENTORY } from '../helpers/run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

const MB20 = 20_000_000;
const CAP = 65_536;

/** `playwatch run site.yml` in `dir`, plain output; the parsed events of its record and the record's size. */
function runAndRead(dir: string): { status: number | null; stderr: string; size: number; events: Array<Record<string, any>> } {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: dir },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const m = /Run record: (.*events\.jsonl)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  const file = path.join(dir, m[1]);
  const events = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { status: r.status, stderr: r.stderr, size: fs.statSync(file).size, events };
}

// Lines of 100 bytes: JSON escapes one newline per line, so the record's copy is about the size of the output.
const LINE = 'x'.repeat(99);
const MB12 = 12_000_000;
const DEFAULT_CAP = 8 * 1024 * 1024;

test('12 MB of streamed stdout with the default settings: events.jsonl stays under 11 MB, the record keeps 8 MiB and one marker says how much was dropped (round 1 recorded it all)', () => {
  const dir = makeProject({
    'inventory.ini': LOCAL_INVENTORY,
    'site.yml': `- hosts: web1\n  gather_facts: false\n  tasks:\n    - {name: loud, shell: "yes ${LINE} | head -c ${MB12}"}\n`,
  });
  const r = runAndRead(dir);
  assert.equal(r.status, 0, r.stderr);
  // The streamed copy is capped at 8 MiB (8.5 MB as JSON); the result's stdout by the transport at
  // 1 MiB, kept twice (stdout, stdout_lines): about 10.6 MB in all, against 12 MB of output.
  assert.ok(r.size < 11_000_000, `events.jsonl is ${r.size} bytes`);
  const output = r.events.filter((e) => e.type === 'host.output' && e.task.name === 'loud');
  const markers = output.filter((e) => e.dropped !== undefined);
  const kept = output.filter((e) => e.dropped === undefined).reduce((n, e) => n + Buffer.byteLength(e.chunk), 0);
  assert.equal(kept, DEFAULT_CAP);
  assert.equal(markers.length, 1);
  assert.equal(markers[0].dropped, MB12 - DEFAULT_CAP);
  assert.match(markers[0].chunk, /3611392 more bytes of output were not recorded \(output_record_max: 8388608\)/);
});

test('20 MB of streamed stdout leaves the record bounded by output_record_max, with one marker saying how much was dropped', () => {
  const dir = makeProject({
    'inventory.ini': LOCAL_INVENTORY,
    'playwatch.yml': `output_record_max: ${CAP}\n`,
    'site.yml': `- hosts: web1\n  gather_facts: false\n  tasks:\n    - {name: loud, shell: "yes abcdefghi | head -c ${MB20}"}\n    - {name: after, debug: {msg: still here}}\n`,
  });
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: dir },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 0, r.stderr);
  const m = /Run record: (.*events\.jsonl)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  const file = path.join(dir, m[1]);
  // The result's stdout is capped by the transport (1 MiB); the streamed copy by the budget.
  assert.ok(fs.statSync(file).size < 3_000_000, `events.jsonl is ${fs.statSync(file).size} bytes`);
  const events = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const output = events.filter((e) => e.type === 'host.output' && e.task.name === 'loud');
  const markers = output.filter((e) => e.dropped !== undefined);
  const kept = output.filter((e) => e.dropped === undefined).reduce((n, e) => n + Buffer.byteLength(e.chunk), 0);
  assert.equal(kept, CAP);
  assert.equal(markers.length, 1);
  assert.equal(markers[0].dropped, MB20 - CAP);
  assert.match(markers[0].chunk, /19934464 more bytes of output were not recorded \(output_record_max: 65536\)/);
  // The marker ends the task's output: it comes before the task's result.
  const at = (pred: (e: { type: string; dropped?: number; task?: { name: string } }) => boolean) => events.findIndex(pred);
  assert.ok(at((e) => e.dropped !== undefined) < at((e) => e.type === 'host.ok' && e.task?.name === 'loud'));
});
