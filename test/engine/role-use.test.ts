import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProject } from '../helpers/run.js';

const role = {
  'roles/r/tasks/main.yml': '- {name: r task, command: "true", notify: r handler}\n',
  'roles/r/handlers/main.yml': '- {name: r handler, command: "true"}\n',
};

// Each row: the play's tasks, how many times `r task` runs on a host, how many times its handler runs (ansible-core 2.14's counts).
const cases: Array<[string, string, number, number]> = [
  ['two imports: the last allow_duplicates written (default true) lets the second run', '- import_role: {name: r}\n    - import_role: {name: r}\n', 2, 1],
  ['a later import with allow_duplicates false makes the second import skip', '- import_role: {name: r}\n    - import_role: {name: r}\n    - import_role: {name: r, allow_duplicates: false}\n', 1, 1],
  ['an include with allow_duplicates false skips a role the host has been through', '- include_role: {name: r}\n    - include_role: {name: r, allow_duplicates: false}\n', 1, 1],
  ['other *_from files are another role use', '- include_role: {name: r}\n    - include_role: {name: r, tasks_from: main, allow_duplicates: false}\n', 2, 2],
  ['an include of an imported use shares its handlers', '- import_role: {name: r}\n    - include_role: {name: r}\n', 2, 1],
];

test('role uses: a dependency of an imported or included role that ran under roles: does not run again', async () => {
  const run = await runProject({
    files: {
      ...role,
      'roles/web/meta/main.yml': 'dependencies: [r]\n',
      'roles/web/tasks/main.yml': '- {name: web task, command: "true"}\n',
      'site.yml': '- hosts: web1\n  gather_facts: false\n  roles: [r]\n  tasks:\n    - import_role: {name: web}\n    - include_role: {name: web}\n',
    },
  });
  assert.deepEqual(['r task', 'web task'].map((n) => run.of('host.ok').filter((e) => e.task.name === n).length), [1, 2]);
});

for (const [what, tasks, runs, handlerRuns] of cases) {
  test(`role uses: ${what}`, async () => {
    const run = await runProject({ files: { ...role, 'site.yml': `- hosts: web1\n  gather_facts: false\n  tasks:\n    ${tasks}` } });
    assert.equal(run.of('host.ok').filter((e) => e.task.name === 'r task').length, runs);
    assert.equal(run.of('handler.start').filter((e) => e.task.name === 'r handler').length, handlerRuns);
  });
}
