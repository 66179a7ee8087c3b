/**
 * Every `register` name of test/playbook/register-table.ts through
 * ansible-playbook and playwatch: the names ansible-core refuses, it refuses
 * with "ERROR! Invalid variable name in 'register' specified: '<name>'"
 * and exit 1 (after running the task); playwatch refuses them with the same
 * message at file:line:col before anything runs, exit 1. The names it
 * accepts register the result in both.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { REGISTER_NAMES } from '../playbook/register-table.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-register-'));
fs.writeFileSync(path.join(work, 'inventory.ini'), 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');

interface EngineRun {
  status: number | null;
  out: string;
}

function ansible(playbook: string): EngineRun {
  const r = spawnSync('ansible-playbook', ['-i', 'inventory.ini', playbook], {
    cwd: work,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: 'False', ANSIBLE_STDOUT_CALLBACK: 'default' },
  });
  if (r.error) assert.fail(`ansible-playbook could not run (install the Debian package ansible-core): ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function playwatch(playbook: string): EngineRun {
  const args = ['--import', import.meta.resolve('tsx'), MAIN, 'run', '-i', 'inventory.ini', playbook, '--ui', 'plain', '--runs-dir', path.join(work, 'runs')];
  const r = spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', HOME: work } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

REGISTER_NAMES.forEach(({ yaml, name, refused }, i) => {
  test(`register: ${yaml}: ${refused ? 'both engines refuse it with the same message, exit 1' : 'both engines register the result'}`, () => {
    const file = `r${i}.yml`;
    const text = `- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=registered-${i}\n      register: ${yaml}\n`;
    fs.writeFileSync(path.join(work, file), refused ? text : `${text}    - debug: msg="{{ ${name}.msg }}"\n`);
    const theirs = ansible(file);
    const mine = playwatch(file);
    const message = `Invalid variable name in 'register' specified: '${name}'`;
    if (refused) {
      assert.equal(theirs.status, 1, theirs.out);
      assert.ok(theirs.out.includes(`ERROR! ${message}`), theirs.out);
      assert.equal(mine.status, 1, mine.out);
      assert.ok(mine.out.includes(`${file}:5:7: ${message}`), mine.out);
      assert.doesNotMatch(mine.out, /TASK \[/, 'nothing ran');
      return;
    }
    assert.equal(theirs.status, 0, theirs.out);
    assert.equal(mine.status, 0, mine.out);
    for (const out of [theirs.out, mine.out]) assert.equal(out.match(new RegExp(`"msg": "registered-${i}"`, 'g'))?.length, 2, out);
  });
});
