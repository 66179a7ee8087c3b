/**
 * A run loads the code of the modules its playbook names only
 * (`readPlaybook`, the task loader): the args checks wait for that code,
 * and must still give the errors of a loader with every module at hand.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { UserError, type Include, type ModuleInfo, type Pos, type Vars } from '../../src/model/index.js';
import { loadPlaybook, readPlaybook, taskLoader } from '../../src/playbook/index.js';
import { loadModules, moduleInfo } from '../../src/modules/index.js';
import { flat, testModules, tree } from './helpers.js';

const play = (tasks: string, playKeys = '') => `- hosts: all\n  gather_facts: false\n${playKeys}  tasks:\n${tasks}`;

/** The message of `load`'s UserError, the temp dir shown as DIR; '(loaded)' when it loaded. */
async function outcome(dir: string, load: () => unknown): Promise<string> {
  try {
    await load();
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    return e.message.split(dir).join('DIR');
  }
  return '(loaded)';
}

const CASES: [what: string, files: Record<string, string>, want: string][] = [
  ['bad args, then an unknown keyword in a later task: the args error, as the loader meets it first',
    { 'site.yml': play('    - stat: {path: a, follow: sometimes}\n    - debug: {msg: x}\n      regiser: r\n') },
    `DIR/site.yml:4:7: module 'stat': 'follow' must be a boolean, got "sometimes"`],
  ['an unknown keyword, then bad args in a later task: the keyword error',
    { 'site.yml': play('    - debug: {msg: x}\n      regiser: r\n    - stat: {path: a, follow: sometimes}\n') },
    "DIR/site.yml:5:7: unknown keyword 'regiser' (did you mean 'register'?)"],
  ['bad args, then a YAML error in an imported file',
    { 'site.yml': play('    - copy: {content: x, dest: b, validate: "visudo -c"}\n    - import_tasks: more.yml\n'), 'more.yml': '- debug: {msg: [}\n' },
    "DIR/site.yml:4:7: module 'copy': validate must contain %s: visudo -c"],
  ['a bad gather_subset on the play, then bad args in a task',
    { 'site.yml': play('    - stat: {path: a, follow: sometimes}\n', '  gather_subset: [hardwares]\n') },
    "DIR/site.yml:3:3: 'gather_subset': Bad subset 'hardwares'."],
  ['bad args in a role', { 'site.yml': '- hosts: all\n  roles: [app]\n', 'roles/app/tasks/main.yml': '- file: {path: /x, state: sideways}\n' },
    "DIR/roles/app/tasks/main.yml:1:3: module 'file': value of 'state' must be one of"],
  ["a module name with a typo: did you mean", { 'site.yml': play('    - comand: ls\n') }, "DIR/site.yml:4:7: unknown module 'comand' (did you mean 'command'?)"],
  ['good args in every task', { 'site.yml': play('    - command: ls\n    - get_url: {url: "http://x/y", dest: /tmp/y}\n') }, '(loaded)'],
];

// The loader with every module at hand: the errors to keep.
const atHand: ModuleInfo = { has: moduleInfo.has, freeForm: moduleInfo.freeForm, names: moduleInfo.names, validate: moduleInfo.validate };

for (const [what, files, want] of CASES) {
  test(`readPlaybook gives the error of a loader with every module at hand: ${what}`, async () => {
    const dir = tree(files);
    const file = path.join(dir, 'site.yml');
    const lazy = await outcome(dir, () => readPlaybook(file, { modules: moduleInfo }));
    await loadModules();
    const eager = await outcome(dir, () => loadPlaybook(file, { modules: atHand }));
    assert.equal(lazy, eager);
    assert.ok(lazy.startsWith(want), lazy);
  });
}

/** A registry whose modules' code must be loaded before validate, recording what was asked for. */
function recording(): { info: ModuleInfo; asked: string[][] } {
  const asked: string[][] = [];
  const ready = new Set<string>();
  const info: ModuleInfo = {
    ...testModules,
    validate(name: string, args: Vars, pos: Pos) {
      if (!ready.has(name)) throw new Error(`${name} validated before it was loaded`);
      if (args.bad !== undefined) throw new UserError(`module '${name}': bad arg`, pos);
    },
    async load(names: string[]) {
      asked.push([...names].sort());
      for (const n of names) ready.add(n);
    },
  };
  return { info, asked };
}

test("a playbook loads the code of the modules it names, once each, and no other's", async () => {
  const { info, asked } = recording();
  const dir = tree({ 'site.yml': play('    - command: ls\n    - command: pwd\n    - ansible.builtin.debug: {msg: x}\n    - include_tasks: later.yml\n') });
  await readPlaybook(path.join(dir, 'site.yml'), { modules: info });
  assert.deepEqual(asked, [['command', 'debug']]);
});

test('a file included at run time loads its modules and checks their args as it is read', async () => {
  const { info, asked } = recording();
  const dir = tree({
    'site.yml': play('    - include_tasks: later.yml\n'),
    'later.yml': '- ping: {}\n- copy: {bad: 1}\n',
    'good.yml': '- file: {path: /x}\n',
  });
  const pb = await readPlaybook(path.join(dir, 'site.yml'), { modules: info });
  const inc = flat(pb.plays[0].sections.flatMap((s) => s.tasks))[0] as Include;
  const loader = taskLoader({ playbookDir: dir, modules: info });
  await assert.rejects(loader.includeTasks(inc, 'later.yml', []), (e: unknown) => e instanceof UserError && e.message === `${path.join(dir, 'later.yml')}:2:3: module 'copy': bad arg`);
  const nodes = await loader.includeTasks(inc, 'good.yml', []);
  assert.equal(nodes.length, 1);
  assert.deepEqual(asked, [[], ['copy', 'ping'], ['file']]);
});
