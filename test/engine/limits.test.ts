import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProject } from '../helpers/run.js';
import { RunControl } from '../../src/engine/index.js';

const lock = { holder: { user: 'tester', controller: os.hostname(), pid: process.pid, run: 'limits', playbook: 'site.yml', started: Math.floor(Date.now() / 1000) }, breakStale: false, staleAfterSec: 3600 };

test('an include_tasks file that includes itself fails quickly with a positioned error, and the locks are released', async () => {
  const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-hosts-'));
  const started = Date.now();
  await assert.rejects(
    runProject({
      hostsDir,
      lock,
      files: {
        'site.yml': '- hosts: web\n  gather_facts: false\n  tasks:\n    - command: "true"\n    - include_tasks: again.yml\n',
        'again.yml': '- debug: msg=round\n- include_tasks: again.yml\n',
      },
    }),
    (err: Error) => {
      assert.match(err.message, /again\.yml:2:3: include_tasks nested more than 100 deep: this may have been caused by a file that includes itself/);
      return true;
    },
  );
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  for (const h of ['web1', 'web2']) {
    assert.ok(fs.existsSync(path.join(hostsDir, h, '.playwatch')), `${h} took its lock`);
    assert.equal(fs.existsSync(path.join(hostsDir, h, '.playwatch', 'lock')), false, `${h}'s lock released`);
  }
});

test('a drain asked for by a timer during 5,000 tasks that do no I/O stops the run within a few tasks', async () => {
  const tasks = Array.from({ length: 5000 }, (_, i) => `    - {name: t${i}, debug: {msg: "${i}"}}`).join('\n');
  const control = new RunControl();
  let startsWhenAsked = -1;
  let starts = 0;
  const run = await runProject({
    control,
    files: { 'site.yml': `- hosts: web1\n  gather_facts: false\n  tasks:\n${tasks}\n` },
    onEvent: (e) => {
      if (e.type === 'task.start') starts++;
      // A timer, as the SIGTERM budget and the TUI's keys are: it fires only if the engine yields.
      if (e.type === 'task.start' && starts === 10) {
        setTimeout(() => {
          startsWhenAsked = starts;
          control.drain('SIGTERM');
        }, 1);
      }
    },
  });
  assert.ok(startsWhenAsked > 0, 'the timer fired during the run');
  assert.equal(run.exitCode, 99);
  assert.ok(starts - startsWhenAsked <= 2, `${starts - startsWhenAsked} tasks started after the drain was asked for`);
  assert.ok(starts < 100, `${starts} tasks started in all`);
});
