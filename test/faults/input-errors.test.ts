/**
 * Mistakes in the operator's input, through the command line: each is one
 * `ERROR! file:line:col: …` line and exit 1 before anything starts on any
 * host (no task banner, no deploy lock taken), as DESIGN §6 says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cli, project, STACK } from './cli.js';

const INVENTORY = '[all]\na ansible_connection=local playwatch_local_root=hosts/a\n[all:vars]\nplaywatch_lock_path=~/.playwatch/lock\n';
const play = (body: string) => `- hosts: all\n  gather_facts: false\n${body}`;

const cases: Array<{ name: string; files: Record<string, string>; args?: string[]; error: RegExp }> = [
  { name: 'malformed YAML', files: { 'site.yml': play('  tasks: [\n') }, error: /^ERROR! site\.yml:4:1: YAML syntax error/ },
  { name: 'a wrong type (tasks as a mapping)', files: { 'site.yml': play('  tasks: {name: x}\n') }, error: /^ERROR! site\.yml:3:3: 'tasks' must be a list of tasks, got a mapping$/ },
  { name: 'an unknown module', files: { 'site.yml': play('  tasks:\n    - {name: x, comand: ls}\n') }, error: /^ERROR! site\.yml:4:17: unknown module 'comand' \(did you mean 'command'\?\)$/ },
  { name: 'a missing role', files: { 'site.yml': play('  roles: [nope]\n') }, error: /^ERROR! site\.yml:3:11: role 'nope' not found; looked in: / },
  { name: 'an import loop', files: { 'site.yml': play('  tasks:\n    - import_tasks: loop.yml\n'), 'loop.yml': '- import_tasks: loop.yml\n' }, error: /^ERROR! loop\.yml:1:3: import cycle: loop\.yml → loop\.yml$/ },
  { name: "an undefined variable in a play's hosts", files: { 'site.yml': '- hosts: "{{ nothere }}"\n  gather_facts: false\n  tasks:\n    - {name: x, command: ls}\n' }, error: /^ERROR! site\.yml:1:3: 'nothere' is undefined$/ },
  { name: 'two actions in one task', files: { 'site.yml': play('  tasks:\n    - name: x\n      command: ls\n      shell: pwd\n') }, error: /^ERROR! site\.yml:6:7: conflicting action statements: command, shell$/ },
  { name: 'a missing inventory (no file to point at: its path instead)', files: { 'site.yml': play('  tasks:\n    - {name: x, command: ls}\n') }, args: ['-i', 'nope.ini'], error: /^ERROR! inventory source '\/\S+\/nope\.ini' does not exist/ },
];

for (const c of cases) {
  test(`${c.name}: one positioned error, exit 1, nothing started on any host`, async () => {
    const dir = project({ 'inventory.ini': INVENTORY, ...c.files });
    const r = await cli(dir, ['run', 'site.yml', ...(c.args ?? ['-i', 'inventory.ini']), '--ui', 'plain']);
    assert.equal(r.code, 1, r.out + r.err);
    const errors = r.err.split('\n').filter((l) => l.startsWith('ERROR!'));
    assert.equal(errors.length, 1, r.err);
    assert.match(errors[0]!, c.error);
    assert.doesNotMatch(r.err, STACK);
    assert.doesNotMatch(r.out, /TASK \[/);
    assert.equal(fs.existsSync(path.join(dir, 'hosts', 'a', '.playwatch')), false, 'no lock was taken');
  });
}

test("a play's hosts rendered from -e: the run targets them (round 1 took '{{ target }}' as a literal pattern and did nothing)", async () => {
  const dir = project({ 'inventory.ini': INVENTORY, 'site.yml': '- hosts: "{{ target }}"\n  gather_facts: false\n  tasks:\n    - {name: x, command: "true"}\n' });
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', '-e', 'target=all']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /changed: \[a\]/);
});

test('an empty host pattern is skipped with a positioned warning and exit 0, as ansible-core (a group may be empty in one environment)', async () => {
  const dir = project({ 'inventory.ini': INVENTORY, 'site.yml': '- hosts: nomatch\n  gather_facts: false\n  tasks:\n    - {name: x, command: "true"}\n' });
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^\[WARNING\]: site\.yml:1:3: no hosts matched the play's pattern 'nomatch': skipping it$/m);
  assert.doesNotMatch(r.out, /TASK \[/);
});

test('an undefined variable at run time fails that host with its position (exit 2), as ansible-core; the other tasks never start there', async () => {
  const dir = project({ 'inventory.ini': INVENTORY, 'site.yml': play('  tasks:\n    - {name: x, debug: {msg: "{{ nothere }}"}}\n    - {name: y, command: "true"}\n') });
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain']);
  assert.equal(r.code, 2, r.err);
  assert.match(r.out, /fatal: \[a\]: FAILED! => [\s\S]*site\.yml:4:7: 'nothere' is undefined/);
  assert.doesNotMatch(r.out, /TASK \[y\]/);
});
