/**
 * `register` names as ansible-core 2.14 checks them (utils/vars.py
 * `isidentifier`: an ASCII Python identifier that is not a keyword), with
 * its message. ansible-core reports it after running the task and stops the
 * run (exit 1); playwatch refuses the playbook at load, at the keyword.
 * test/system/register-names.test.ts runs the same names through ansible-playbook.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/model/index.js';
import { loadPlaybook } from '../../src/playbook/index.js';
import { flat, testModules, tree } from './helpers.js';
import { REGISTER_NAMES } from './register-table.js';

const playbook = (yaml: string) => `- hosts: all\n  tasks:\n    - debug: msg=hi\n      register: ${yaml}\n`;

for (const { yaml, name, refused } of REGISTER_NAMES) {
  test(`register: ${yaml} is ${refused ? `refused at the keyword, with ansible-core's message` : 'kept as the name ' + name}`, () => {
    const dir = tree({ 'site.yml': playbook(yaml) });
    const file = path.join(dir, 'site.yml');
    if (!refused) {
      const [task] = flat(loadPlaybook(file, { modules: testModules }).plays[0].sections[2].tasks);
      assert.equal(task.kind === 'task' && task.register, name);
      return;
    }
    assert.throws(
      () => loadPlaybook(file, { modules: testModules }),
      (e: unknown) => e instanceof UserError && e.message === `${file}:4:7: Invalid variable name in 'register' specified: '${name}'`,
    );
  });
}
