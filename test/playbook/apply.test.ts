/**
 * `apply` on include_tasks/include_role is a Block in ansible-core 2.14:
 * every block keyword, `notify` included, and ansible-core's errors for the
 * rest; `apply` on an import is refused as ansible-core refuses it.
 * test/parity/includes/apply-keys.yml and apply-role.yml run the keywords
 * against ansible-playbook; test/engine/apply.test.ts runs notify.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { UserError, type Task } from '../../src/model/index.js';
import { loadPlaybook } from '../../src/playbook/index.js';
import { flat, testModules, tree } from './helpers.js';

const play = (tasks: string) => `- hosts: all\n  tasks:\n${tasks}`;

function load(files: Record<string, string>) {
  const dir = tree(files);
  const file = path.join(dir, 'site.yml');
  try {
    return { tasks: flat(loadPlaybook(file, { modules: testModules }).plays[0].sections[2].tasks), error: undefined };
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    return { tasks: [], error: e.message.split(dir).join('DIR') };
  }
}

const ERRORS: Array<[string, string, string]> = [
  ['apply on import_tasks', '    - import_tasks:\n        file: t.yml\n        apply: {tags: x}\n',
    'DIR/site.yml:3:7: Invalid options for import_tasks: apply'],
  ['apply on import_role', '    - import_role:\n        name: r\n        apply: {when: true}\n',
    'DIR/site.yml:3:7: Invalid options for import_role: apply'],
  ['apply that is not a mapping', '    - include_tasks:\n        file: t.yml\n        apply: tags\n',
    "DIR/site.yml:5:9: Expected a dict for apply but got a string ('tags') instead"],
  ['a task keyword in apply', '    - include_tasks:\n        file: t.yml\n        apply: {loop: [1]}\n',
    "DIR/site.yml:5:17: 'loop' is not a valid attribute for a Block (in 'apply')"],
  ['a misspelt keyword in apply', '    - include_role:\n        name: r\n        apply: {becom: true}\n',
    "DIR/site.yml:5:17: 'becom' is not a valid attribute for a Block (in 'apply') (did you mean 'become'?)"],
];

for (const [what, tasks, expected] of ERRORS) {
  test(`${what} is refused with ansible-core's message at file:line:col`, () => {
    assert.equal(load({ 'site.yml': play(tasks), 't.yml': '- ping:\n', 'roles/r/tasks/main.yml': '- ping:\n' }).error, expected);
  });
}

const ACCEPTED: Array<[string, string]> = [
  ['an empty apply on import_tasks (ansible-core checks only a non-empty one)', '    - import_tasks:\n        file: t.yml\n        apply: {}\n'],
  ['every block keyword in apply', '    - include_tasks:\n        file: t.yml\n        apply:\n          name: n\n          when: true\n          tags: [a]\n          vars: {v: 1}\n          become: true\n          become_user: nobody\n          environment: {A: b}\n          ignore_errors: true\n          ignore_unreachable: true\n          no_log: true\n          check_mode: false\n          diff: false\n          run_once: true\n          delegate_to: localhost\n          throttle: 1\n          timeout: 5\n          any_errors_fatal: false\n          module_defaults: {}\n          notify: h\n'],
  ["a 'block' key in apply, which ansible-core replaces", '    - include_tasks:\n        file: t.yml\n        apply: {block: [], tags: x}\n'],
];

for (const [what, tasks] of ACCEPTED) {
  test(`${what} loads`, () => {
    const r = load({ 'site.yml': play(tasks), 't.yml': '- ping:\n' });
    assert.equal(r.error, undefined);
    assert.ok(r.tasks.length > 0);
  });
}

test("a block's notify reaches its tasks, nested blocks included; a task's own notify replaces it", () => {
  const { tasks, error } = load({
    'site.yml': play(
      '    - block:\n        - {name: plain, ping: }\n        - {name: own, ping: , notify: other}\n' +
        '        - block:\n            - {name: nested, ping: }\n      notify: [h1, h2]\n    - {name: outside, ping: }\n',
    ),
  });
  assert.equal(error, undefined);
  const notified = Object.fromEntries(tasks.filter((t): t is Task => t.kind === 'task').map((t) => [t.name, t.notify]));
  assert.deepEqual(notified, { plain: ['h1', 'h2'], own: ['other'], nested: ['h1', 'h2'], outside: [] });
  for (const t of tasks) if (t.kind === 'task') assert.equal('notify' in t.extra, false, `${t.name}: notify is not left in a task's extra`);
});
