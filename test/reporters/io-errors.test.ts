import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProject } from '../helpers/run.js';
import { createRecorder } from '../../src/reporters/recorder.js';
import { createRunLog } from '../../src/reporters/run-log.js';
import { createHostLogs } from '../../src/reporters/host-logs.js';

/** A run directory whose files all write to /dev/full (every write: ENOSPC), as a full disk would. */
function fullRunDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-full-'));
  for (const f of ['events.jsonl', 'run.log']) fs.symlinkSync('/dev/full', path.join(dir, f));
  fs.mkdirSync(path.join(dir, 'hosts'));
  for (const h of ['web1', 'web2', 'db1']) fs.symlinkSync('/dev/full', path.join(dir, 'hosts', `${h}.log`));
  return dir;
}

// Each `sleep` lets the 50 ms flush timer fire between events: the failure happens outside the bus.
const SITE = `
- hosts: all
  gather_facts: false
  tasks:
    - {name: first, shell: "echo hello; sleep 0.2"}
    - {name: second, shell: "echo again; sleep 0.2"}
    - {name: third, debug: {msg: done}}
`;

test('a full disk under the run files turns each of their reporters off with one warning; the deploy goes on and releases its locks', async () => {
  const runDir = fullRunDir();
  const run = await runProject({
    files: { 'site.yml': SITE },
    reporters: [createRecorder({ runDir }), createRunLog({ runDir }), createHostLogs({ runDir })],
    lock: { holder: { user: 'tester', controller: os.hostname(), pid: process.pid, run: 'full', playbook: 'site.yml', started: Math.floor(Date.now() / 1000) }, breakStale: false, staleAfterSec: 3600 },
  });
  assert.equal(run.exitCode, 0);
  for (const t of ['first', 'second', 'third']) assert.deepEqual(run.results(t), { web1: t === 'third' ? 'ok' : 'changed', web2: t === 'third' ? 'ok' : 'changed', db1: t === 'third' ? 'ok' : 'changed' });
  const warnings = run.of('warning').map((w) => w.message);
  const table: [reporter: string, file: RegExp][] = [
    ['recorder', /events\.jsonl: ENOSPC/],
    ['run-log', /run\.log: ENOSPC/],
    ['host-logs', /\.log: ENOSPC/],
  ];
  for (const [reporter, file] of table) {
    const about = warnings.filter((w) => w.includes(`'${reporter}'`));
    assert.equal(about.length, 1, `one warning for ${reporter}: ${JSON.stringify(warnings)}`);
    assert.match(about[0], file);
  }
  assert.deepEqual(run.closeWarnings, [], 'a reporter already turned off says nothing more when closed');
  assert.equal(run.of('run.end').length, 1);
  for (const h of ['web1', 'web2', 'db1']) assert.equal(fs.existsSync(path.join(run.hostsDir, h, '.playwatch', 'lock')), false, `${h}'s lock released`);
});
