/**
 * Duplicated YAML keys, through the command line: ansible-core 2.14 keeps the
 * last value and warns once per key, naming the mapping's first line and
 * column. Its text for this project (`ansible-playbook -i localhost, -c local
 * site.yml`, lines unwrapped) is the expected text below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cli, project } from './cli.js';

const INVENTORY = '[all]\na ansible_connection=local playwatch_local_root=hosts/a\n[all:vars]\nplaywatch_lock_path=~/.playwatch/lock\n';
const FILES = {
  'inventory.ini': INVENTORY,
  'site.yml': [
    '- hosts: all',
    '  gather_facts: false',
    '  vars_files: [more.yml]',
    '  vars:',
    '    color: red',
    '    size: 1',
    '    color: blue',
    '  tasks:',
    '    - debug:',
    '        msg: "{{ color }} {{ shape }}"',
    '        msg: "last {{ color }} {{ shape }}"',
    '',
  ].join('\n'),
  'more.yml': 'shape: round\nshape: square\n',
};

// What ansible-playbook 2.14 prints for these files (the path is the project's).
const expected = (dir: string) => [
  `While constructing a mapping from ${dir}/site.yml, line 5, column 5, found a duplicate dict key (color). Using last defined value only.`,
  `While constructing a mapping from ${dir}/site.yml, line 10, column 9, found a duplicate dict key (msg). Using last defined value only.`,
  `While constructing a mapping from ${dir}/more.yml, line 1, column 1, found a duplicate dict key (shape). Using last defined value only.`,
];

test('duplicated YAML keys in a playbook and a vars file: the last value is kept, and each is one warning event at run start, in ansible-core 2.14 words', async () => {
  const dir = fs.realpathSync(project(FILES));
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /"msg": "last blue square"/);
  const runs = path.join(dir, '.playwatch', 'runs');
  const runDir = path.join(runs, fs.readdirSync(runs).find((n) => !n.endsWith('.tar.gz'))!);
  const events = fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; message?: string });
  const warnings = events.filter((e) => e.type === 'warning').map((e) => e.message);
  assert.deepEqual(warnings.sort(), expected(dir).sort());
  const firstTask = events.findIndex((e) => e.type.startsWith('task.'));
  assert.ok(events.findIndex((e) => e.type === 'warning') < firstTask, 'the warnings come before the first task');
  for (const w of expected(dir)) assert.equal(r.out.split('\n').filter((l) => l === `[WARNING]: ${w}`).length, 1, r.out);
});

test('a command that only loads (--syntax-check, --list-tasks) prints each duplicated-key warning once on stderr', async () => {
  const dir = fs.realpathSync(project(FILES));
  for (const flag of ['--syntax-check', '--list-tasks']) {
    const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', flag]);
    assert.equal(r.code, 0, r.err);
    const lines = r.err.split('\n').filter((l) => l.startsWith('[WARNING]: '));
    assert.deepEqual(lines.sort(), expected(dir).map((w) => `[WARNING]: ${w}`).sort(), flag);
  }
});

test('duplicated keys in a YAML inventory and in group_vars: the last value is kept, with the same warning (they were refused before: "invalid YAML: Map keys must be unique")', async () => {
  const dir = fs.realpathSync(project({
    'inventory.yml': 'all:\n  hosts:\n    a:\n      ansible_connection: local\n      playwatch_local_root: hosts/a\n      playwatch_lock_path: ~/.playwatch/lock\n      x: 1\n      x: 2\n',
    'group_vars/all.yml': 'y: one\ny: two\n',
    'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: "{{ x }} {{ y }}"}\n',
  }));
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.yml', '--ui', 'plain']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /"msg": "2 two"/);
  const lines = r.out.split('\n').filter((l) => l.startsWith('[WARNING]: '));
  // ansible-playbook 2.14 on the same files gives these two, with the same positions.
  assert.deepEqual(lines.sort(), [
    `[WARNING]: While constructing a mapping from ${dir}/group_vars/all.yml, line 1, column 1, found a duplicate dict key (y). Using last defined value only.`,
    `[WARNING]: While constructing a mapping from ${dir}/inventory.yml, line 4, column 7, found a duplicate dict key (x). Using last defined value only.`,
  ]);
});

test('a file read at run time (include_tasks, twice, on two hosts): its duplicated key is one warning event, after run.start, as ansible-core shows it once', async () => {
  const dir = fs.realpathSync(project({
    'inventory.ini': '[all]\na ansible_connection=local playwatch_local_root=hosts/a\nb ansible_connection=local playwatch_local_root=hosts/b\n[all:vars]\nplaywatch_lock_path=~/.playwatch/lock\n',
    'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - include_tasks: inc.yml\n    - include_tasks: inc.yml\n',
    'inc.yml': '- debug:\n    msg: one\n    msg: two\n',
  }));
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.doesNotMatch(r.out, /"msg": "one"/);
  // ansible-playbook 2.14 (-i localhost, -c local) gives this line once, at the first include.
  const expected = `While constructing a mapping from ${dir}/inc.yml, line 2, column 5, found a duplicate dict key (msg). Using last defined value only.`;
  assert.deepEqual(r.out.split('\n').filter((l) => l.startsWith('[WARNING]: ')), [`[WARNING]: ${expected}`]);
  const runs = path.join(dir, '.playwatch', 'runs');
  const runDir = path.join(runs, fs.readdirSync(runs).find((n) => !n.endsWith('.tar.gz'))!);
  const events = fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; message?: string });
  assert.deepEqual(events.filter((e) => e.type === 'warning').map((e) => e.message), [expected]);
});

test('include_vars of a file with a duplicated key keeps the last value and warns as ansible-core 2.14 does, once per host that reads it (it refused the file before)', async () => {
  const dir = fs.realpathSync(
    project({
      'inventory.ini': '[all]\na ansible_connection=local playwatch_local_root=hosts/a\nb ansible_connection=local playwatch_local_root=hosts/b\n[all:vars]\nplaywatch_lock_path=~/.playwatch/lock-{{ inventory_hostname }}\n',
      'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - include_vars: v.yml\n    - debug: {msg: "a={{ a }}"}\n',
      'v.yml': 'a: 1\nb: 2\na: 3\n',
    }),
  );
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(r.out.split('\n').filter((l) => l === '    "msg": "a=3"').length, 2, r.out);
  const warning = `[WARNING]: While constructing a mapping from ${dir}/v.yml, line 1, column 1, found a duplicate dict key (a). Using last defined value only.`;
  assert.equal(r.out.split('\n').filter((l) => l === warning).length, 2, r.out);
});
