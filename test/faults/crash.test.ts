/**
 * The crash path (issue 20): an error inside the engine still stops the
 * run's work on every host, releases the deploy locks, ends the record
 * (`run.end`, `summary.json`) and exits with one line saying why. The fault
 * is injected with `node --import engine-fault.ts` (see there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cli, events, project, runDirs } from './cli.js';
import { processesGone } from '../helpers/ps.js';

const HOOK = path.join(path.dirname(new URL(import.meta.url).pathname), 'engine-fault.ts');

const INVENTORY = `[all]
a ansible_connection=local playwatch_local_root=hosts/a
b ansible_connection=local playwatch_local_root=hosts/b
[all:vars]
playwatch_lock_path=~/.playwatch/lock
`;

const cases: Array<{ name: string; boom: string; env: Record<string, string>; code: number; stderr: RegExp; log: RegExp }> = [
  {
    name: 'a bug (TypeError) inside the engine: exit 250, one FATAL line in run.log, the stack on stderr',
    boom: '{name: boom, command: "true"}',
    env: { PLAYWATCH_TEST_ENGINE_FAULT: 'boom' },
    code: 250,
    stderr: /^playwatch: internal error: TypeError: injected engine fault at 'boom' on [ab]$/m,
    log: /^FATAL: internal error, the run was stopped: TypeError: injected engine fault at 'boom' on [ab]$/,
  },
  {
    name: 'an error in the playbook found mid-run (retries: x): exit 1, one ERROR line in run.log',
    boom: '{name: boom, command: "true", until: false, retries: x}',
    env: {},
    code: 1,
    stderr: /^ERROR! .*retries must be a number, got 'x'$/m,
    log: /^ERROR! .*retries must be a number, got 'x' \(the run was stopped\)$/,
  },
];

for (const c of cases) {
  test(`${c.name}; the run's async jobs are stopped, locks released, the record ends with run.end and summary.json, nothing starts after`, async () => {
    const marker = `59.${process.pid}${Math.floor(Math.random() * 1000)}`;
    const dir = project({
      'inventory.ini': INVENTORY,
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: background, command: sleep ${marker}, async: 120, poll: 0}
    - {name: one, command: "true"}
    - ${c.boom}
    - {name: after, command: "true"}
`,
    });
    const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain'], { node: ['--import', HOOK], env: c.env });
    assert.equal(r.code, c.code, r.out + r.err);
    assert.match(r.err, c.stderr);
    const [runDir] = runDirs(dir);
    const log = fs.readFileSync(path.join(runDir!, 'run.log'), 'utf8').split('\n');
    const fatal = log.filter((l) => /^(FATAL|ERROR!)/.test(l));
    assert.equal(fatal.length, 1, fatal.join('\n'));
    assert.match(fatal[0]!, c.log);

    const evs = events(dir);
    const end = evs.at(-1)!;
    assert.equal(end.type, 'run.end');
    assert.equal(end.exitCode, c.code);
    assert.equal(end.aborted, false);
    assert.equal(typeof end.fatal, 'string');
    assert.equal(evs.filter((e) => e.type === 'task.start' && (e.task as { name: string }).name === 'after').length, 0, 'no task started after the error');
    const summary = JSON.parse(fs.readFileSync(path.join(runDir!, 'summary.json'), 'utf8'));
    assert.equal(summary.exitCode, c.code);

    for (const h of ['a', 'b']) {
      assert.ok(fs.existsSync(path.join(dir, 'hosts', h, '.playwatch')), `${h} took its lock`);
      assert.equal(fs.existsSync(path.join(dir, 'hosts', h, '.playwatch', 'lock')), false, `${h}'s lock was released`);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'hosts', h, '.playwatch_async')), [], `${h}'s async job files are gone`);
    }
    assert.ok(await processesGone(`sleep ${marker}`), 'the async jobs were stopped');
  });
}
