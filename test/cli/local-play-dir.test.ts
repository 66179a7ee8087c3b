/**
 * On the local connection ansible-core runs a play's commands in its
 * playbook directory (the imported file's under import_playbook), so
 * relative paths in a local task mean the same under both engines.
 * Outputs of ansible-playbook 2.14 on the same project: `pwd` printed the
 * imported file's directory and `rel.txt` was written beside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject } from '../helpers/run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

test('a local task of an imported play runs in that playbook\'s directory, relative paths resolve there; the top play\'s run in its own', () => {
  const dir = makeProject({
    'inventory.ini': 'h1 ansible_connection=local playwatch_lock_path=~/.playwatch/lock\n',
    'site.yml': '- import_playbook: sub/p.yml\n- hosts: h1\n  gather_facts: false\n  tasks:\n    - command: pwd\n',
    'sub/p.yml': '- hosts: h1\n  gather_facts: false\n  tasks:\n    - command: pwd\n    - copy: {content: "x\\n", dest: rel.txt}\n',
    'elsewhere/.keep': '',
  });
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', '../site.yml', '-i', '../inventory.ini', '--ui', 'plain', '-v'], {
    cwd: path.join(dir, 'elsewhere'),
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', HOME: dir, ANSIBLE_CONFIG: '/nonexistent' },
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const pwds = [...r.stdout.matchAll(/"stdout": "([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(pwds, [fs.realpathSync(path.join(dir, 'sub')), fs.realpathSync(dir)]);
  assert.equal(fs.readFileSync(path.join(dir, 'sub/rel.txt'), 'utf8'), 'x\n');
  assert.ok(!fs.existsSync(path.join(dir, 'elsewhere/rel.txt')));
});
