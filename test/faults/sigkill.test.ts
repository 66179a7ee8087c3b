/**
 * SIGKILL of playwatch itself: nothing of the run gets to clean up. The
 * next run reports the stale locks, the run that did not end and the async
 * jobs it left running, with a cleanup command; that command stops the jobs
 * and releases the locks, and the run after it is clean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cli, MAIN, project, runDirs } from './cli.js';
import { processesGone, processRuns } from '../helpers/ps.js';

const INVENTORY = `[all]
a ansible_connection=local playwatch_local_root=hosts/a
b ansible_connection=local playwatch_local_root=hosts/b
[all:vars]
playwatch_lock_path=~/.playwatch/lock
`;

test('after a SIGKILL the next run names the stale locks, the unfinished run and its live async jobs with a cleanup command, which cleans them up', async () => {
  const marker = `58.${process.pid}${Math.floor(Math.random() * 1000)}`;
  const dir = project({
    'inventory.ini': INVENTORY,
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: background, command: sleep ${marker}, async: 300, poll: 0}
    - {name: wait, command: sleep 30}
`,
    'quick.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: quick, command: "true"}
`,
  });
  const args = ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain'];
  const killed = await cli(dir, args, { when: /TASK \[wait\]/, act: (child) => setTimeout(() => child.kill('SIGKILL'), 300) });
  assert.equal(killed.signal, 'SIGKILL');
  const [first] = runDirs(dir);
  const firstId = path.basename(first!);
  assert.ok(processRuns(`sleep ${marker}`), 'the async job outlived its controller');
  for (const h of ['a', 'b']) assert.ok(fs.existsSync(path.join(dir, 'hosts', h, '.playwatch', 'lock')), `${h}'s lock was left behind`);

  const next = await cli(dir, ['run', 'quick.yml', '-i', 'inventory.ini', '--ui', 'plain']);
  assert.equal(next.code, 2, 'the hosts are refused by the stale locks');
  assert.match(next.out, new RegExp(`locked by .*run ${firstId}.*looks stale; run again with --break-lock`));
  const warning = new RegExp(`\\[WARNING\\]: run ${firstId} did not end: its controller \\(pid ${killed.pid}\\) is gone.*deploy locks it took on a, b are stale; async jobs it started may still be running: a j\\d+\\.${killed.pid}, b j\\d+\\.${killed.pid}\\. To stop its jobs and release its locks: (playwatch cleanup \\S+ -i inventory\\.ini)`);
  const m = warning.exec(next.out);
  assert.ok(m, next.out);

  // The printed command, as the operator pastes it.
  const cleanup = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...m[1]!.split(' ').slice(1)], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: dir },
  });
  assert.equal(cleanup.status, 0, cleanup.stdout + cleanup.stderr);
  assert.match(cleanup.stdout, /^a: async jobs of run .* stopped \(1 recorded\)/m);
  assert.ok(await processesGone(`sleep ${marker}`), 'the jobs were stopped');
  for (const h of ['a', 'b']) {
    assert.equal(fs.existsSync(path.join(dir, 'hosts', h, '.playwatch', 'lock')), false, `${h}'s lock released`);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'hosts', h, '.playwatch_async')), []);
  }

  const after = await cli(dir, ['run', 'quick.yml', '-i', 'inventory.ini', '--ui', 'plain']);
  assert.equal(after.code, 0, after.out + after.err);
  assert.doesNotMatch(after.out + after.err, /did not end/);
});

test('cleanup refuses a run that ended, naming why, and touches nothing', async () => {
  const dir = project({ 'inventory.ini': INVENTORY, 'site.yml': '- hosts: all\n  gather_facts: false\n  tasks: [{name: quick, command: "true"}]\n' });
  const ok = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain']);
  assert.equal(ok.code, 0, ok.err);
  const r = await cli(dir, ['cleanup', runDirs(dir)[0]!, '-i', 'inventory.ini']);
  assert.equal(r.code, 1);
  assert.match(r.err, /^ERROR! run \S+ ended, was cleaned up already, or its controller is still running/m);
});
