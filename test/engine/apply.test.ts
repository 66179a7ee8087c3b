import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProject } from '../helpers/run.js';

/** Runs of each handler, by name, in the order they ran. */
const handlersRan = (run: Awaited<ReturnType<typeof runProject>>) => run.of('handler.start').map((e) => e.task.name);

const cases: Array<{ what: string; include: string; handlers: string[] }> = [
  {
    what: "include_tasks' apply notify: a changed included task notifies, an unchanged one does not",
    include: '    - include_tasks:\n        file: t.yml\n        apply: {notify: restart}\n',
    handlers: ['restart'],
  },
  {
    what: "include_role's apply notify reaches the role's handler",
    include: '    - include_role:\n        name: r\n        apply: {notify: role restart}\n',
    handlers: ['role restart'],
  },
  {
    what: "a block's notify, as ansible-core's Block keyword",
    include: '    - block:\n        - {name: changes, command: "true"}\n      notify: restart\n',
    handlers: ['restart'],
  },
  {
    what: 'an include without apply notifies nothing',
    include: '    - include_tasks: t.yml\n',
    handlers: [],
  },
];

for (const { what, include, handlers } of cases) {
  test(what, async () => {
    const run = await runProject({
      files: {
        'site.yml': `- hosts: web1\n  gather_facts: false\n  handlers:\n    - {name: restart, debug: {msg: restarted}}\n  tasks:\n${include}`,
        't.yml': '- {name: changes, command: "true"}\n- {name: unchanged, command: "true", changed_when: false}\n',
        'roles/r/tasks/main.yml': '- {name: changes, command: "true"}\n',
        'roles/r/handlers/main.yml': '- {name: role restart, debug: {msg: restarted}}\n',
      },
    });
    assert.deepEqual(handlersRan(run), handlers);
    assert.equal(run.exitCode, 0);
  });
}
