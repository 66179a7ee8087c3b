/**
 * Every keyword the loader accepts is either honoured, and a named
 * behaviour test proves it, or refused at load with file:line:col and what
 * to do instead. A keyword added to the loader's tables without either
 * fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../src/model/index.js';
import { BLOCK_KEYWORDS, PLAY_KEYWORDS, ROLE_ENTRY_KEYWORDS, TASK_KEYWORDS } from '../../src/playbook/keywords.js';
import { loadPlaybook } from '../../src/playbook/index.js';
import { loadModules, moduleInfo } from '../../src/modules/index.js';
import { tree } from './helpers.js';

// Every module's code, so the synchronous loader and validate can check args (a run loads only what it names).
await loadModules();

const TEST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Keyword → the behaviour test that shows playwatch doing what ansible-core does with it. */
const HONOURED: Record<string, string> = {
  name: 'plays keep their name, hosts joined with commas, and modelled keywords',
  hosts: '--limit narrows the play hosts',
  when: 'when skips the hosts whose condition is false and runs the others',
  tags: 'always-tagged tasks run under --tags and never-tagged tasks only when asked',
  vars: 'variables follow ansible-core precedence at every level',
  vars_files: 'variables follow ansible-core precedence at every level',
  roles: 'import_role and include_role run role tasks with role defaults and tasks_from',
  role: 'role tags from the play reach the role tasks',
  pre_tasks: 'handlers flush after pre_tasks, after tasks and after post_tasks',
  tasks: 'handlers flush after pre_tasks, after tasks and after post_tasks',
  post_tasks: 'handlers flush after pre_tasks, after tasks and after post_tasks',
  handlers: 'a changed task notifies its handler, which runs once at the end of the section',
  notify: 'a changed task notifies its handler, which runs once at the end of the section',
  listen: 'listen topics reach every handler that listens, in definition order',
  force_handlers: "a failed host's handlers do not run unless force_handlers is set",
  gather_facts: 'gather_facts: true gathers facts on every host before the first task',
  gather_subset: 'gather_subset and gather_timeout on a play reach its fact gathering, in one command per host',
  gather_timeout: 'gather_subset and gather_timeout on a play reach its fact gathering, in one command per host',
  fact_path: "fact_path on a play is where its gathering reads local facts (ansible_local)",
  serial: 'serial runs the whole play batch by batch, handlers included',
  strategy: 'strategy free lets a fast host run ahead of a slow one',
  order: 'play order: sorted, reverse_sorted and reverse_inventory decide the order hosts start',
  max_fail_percentage: 'max_fail_percentage stops the play only when failures are strictly above it, per batch',
  any_errors_fatal: 'any_errors_fatal stops every host at the first failure or unreachable host',
  max_concurrent: 'max_concurrent 1 never has two hosts of a group busy at once, and groups run in parallel',
  max_concurrent_per: 'max_concurrent 50% lets two hosts of a group of four work at once',
  on_group_failure: "a failure in one group cancels that group's hosts that have not started; other groups finish",
  block: 'a failure in block runs rescue, then always, and the host is rescued',
  rescue: 'a failure in block runs rescue, then always, and the host is rescued',
  always: 'a host failing without rescue still runs always and stays failed',
  action: 'the action keyword names the module, with a string or a mapping',
  local_action: 'local_action runs the module on localhost, labelled [w1 -> localhost]',
  args: 'the args keyword sits under the action arguments',
  register: 'register keeps the result and later tasks read it',
  changed_when: 'changed_when and failed_when override the module result using the registered value',
  failed_when: 'changed_when and failed_when override the module result using the registered value',
  until: 'until retries a task, reports each retry, and fails when retries run out',
  retries: 'until retries a task, reports each retry, and fails when retries run out',
  delay: 'until retries a task, reports each retry, and fails when retries run out',
  loop: 'loop runs once per item with loop_control label, loop_var and index_var',
  loop_control: 'loop runs once per item with loop_control label, loop_var and index_var',
  with_items: 'with_items flattens one level and with_list does not: each is its lookup',
  with_list: 'with_items flattens one level and with_list does not: each is its lookup',
  with_dict: 'with_dict loops over key/value pairs and with_indexed_items over index/item pairs',
  with_indexed_items: 'with_dict loops over key/value pairs and with_indexed_items over index/item pairs',
  async: 'seed 001 exercise 2: poll sets how often the engine checks, one poll event each time',
  poll: 'seed 001 exercise 2: poll sets how often the engine checks, one poll event each time',
  ignore_errors: 'play-level ignore_errors, no_log, check_mode, timeout and ignore_unreachable reach every task',
  ignore_unreachable: 'play-level ignore_errors, no_log, check_mode, timeout and ignore_unreachable reach every task',
  no_log: 'no_log hides a task result in every event but keeps the registered value whole',
  diff: 'diff: true on a task shows its diff without --diff, diff: false hides it under --diff, and no_log shows none',
  check_mode: 'play-level ignore_errors, no_log, check_mode, timeout and ignore_unreachable reach every task',
  timeout: 'play-level ignore_errors, no_log, check_mode, timeout and ignore_unreachable reach every task',
  run_once: 'run_once runs a task on the first host only and gives every host its registered result',
  throttle: 'throttle: 1 lets one host run the task at a time, though forks allow more',
  environment: 'environment at play and task level merges (task wins), also when given as a template',
  become: 'become, become_user, become_flags and become_exe at play, block and task level, with ansible_become_user above them',
  become_user: 'become, become_user, become_flags and become_exe at play, block and task level, with ansible_become_user above them',
  become_method: 'become, become_user, become_flags and become_exe at play, block and task level, with ansible_become_user above them',
  become_flags: 'become, become_user, become_flags and become_exe at play, block and task level, with ansible_become_user above them',
  become_exe: 'become, become_user, become_flags and become_exe at play, block and task level, with ansible_become_user above them',
  connection: "play-level connection: local runs on this machine; a host's ansible_connection still wins",
  remote_user: "play-level remote_user and port reach the SSH server; a host's ansible_user wins over remote_user; a task's remote_user over the play's",
  port: "play-level remote_user and port reach the SSH server; a host's ansible_user wins over remote_user; a task's remote_user over the play's",
  delegate_to: "a command delegated to another inventory host runs there, with the task host's variables, and shows [w1 -> lb1]",
  delegate_facts: 'delegate_facts: true puts the facts on the delegated host; without it they stay on the task host',
  module_defaults: "module_defaults at play, block and task level, by short or FQCN name; a task's own args win",
  collections: 'collections: ansible.builtin and a collection playwatch lacks still run builtin short names',
};

const play = (tasks: string, playKeys = '') => `- hosts: all\n${playKeys}  tasks:\n${tasks}`;

/**
 * Keyword → a playbook using it (or a value of it) that playwatch refuses,
 * and the message. Keywords honoured for some values (diff: false, become_method:
 * sudo, order: sorted) are listed here too, with a value that is refused.
 */
const REFUSED: Record<string, { yml: string; msg: RegExp }> = {
  debugger: { yml: play('    - command: ls\n      debugger: on_failed\n'), msg: /^DIR\/site\.yml:4:7: 'debugger' is not supported: .*remove it/ },
  diff: { yml: play('    - command: ls\n', '  diff: maybe\n'), msg: /^DIR\/site\.yml:2:3: 'diff' must be a boolean, got "maybe"/ },
  gather_subset: { yml: play('    - command: ls\n', '  gather_subset: [min, hardwares]\n'), msg: /^DIR\/site\.yml:2:3: 'gather_subset': Bad subset 'hardwares'\. gather_subset options allowed: all, all_ipv4_addresses, / },
  gather_timeout: { yml: play('    - command: ls\n', '  gather_timeout: soon\n'), msg: /^DIR\/site\.yml:2:3: 'gather_timeout' must be a whole number of seconds, got 'soon'/ },
  forks: { yml: play('    - command: ls\n', '  forks: 3\n'), msg: /^DIR\/site\.yml:2:3: 'forks' is not a play keyword .*use -f\/--forks/ },
  vars_prompt: { yml: play('    - command: ls\n', '  vars_prompt: [{name: x}]\n'), msg: /^DIR\/site\.yml:2:3: 'vars_prompt' is not supported .*pass the value with -e/ },
  become_method: { yml: play('    - command: ls\n      become_method: su\n'), msg: /^DIR\/site\.yml:4:7: become_method 'su' is not supported: .*use 'become_method: sudo'/ },
  connection: { yml: play('    - command: ls\n', '  connection: docker\n'), msg: /^DIR\/site\.yml:2:3: connection 'docker' is not supported: playwatch connects with 'local' or 'ssh'/ },
  order: { yml: play('    - command: ls\n', '  order: random\n'), msg: /^DIR\/site\.yml:2:3: 'order' must be one of inventory, reverse_inventory, sorted, reverse_sorted, shuffle/ },
  module_defaults: { yml: play('    - command: ls\n', '  module_defaults: {group/aws: {region: x}}\n'), msg: /^DIR\/site\.yml:2:3: 'module_defaults' action group 'group\/aws' is not supported: .*list the modules one by one/ },
  collections: {
    yml: play('    - ufw: {rule: allow}\n', '  collections: [community.general]\n'),
    msg: /^DIR\/site\.yml:4:7: module 'ufw' is not a builtin, and playwatch does not have the collection 'community\.general' listed in 'collections:'; use a builtin module or run this playbook with ansible-playbook/,
  },
};

/** Every test title in the suite, read from the test files. */
function testTitles(): Set<string> {
  const titles = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts')) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/^test\((['"`])((?:\\.|(?!\1).)*)\1/gm)) titles.add(m[2].replace(/\\(.)/g, '$1'));
      }
    }
  };
  walk(TEST_DIR);
  return titles;
}

function loadError(yml: string): string {
  const dir = tree({ 'site.yml': yml });
  try {
    // The real modules: a play's gather_subset is checked by setup's own validation.
    loadPlaybook(path.join(dir, 'site.yml'), { modules: moduleInfo });
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    return e.message.split(dir).join('DIR');
  }
  return '(loaded without an error)';
}

const ALL = new Set([...PLAY_KEYWORDS, ...TASK_KEYWORDS, ...BLOCK_KEYWORDS, ...ROLE_ENTRY_KEYWORDS]);

test('every keyword the loader accepts is honoured (a behaviour test names it) or refused at load', () => {
  const neither = [...ALL].filter((k) => !(k in HONOURED) && !(k in REFUSED));
  assert.deepEqual(neither, []);
  const stale = [...Object.keys(HONOURED), ...Object.keys(REFUSED)].filter((k) => !ALL.has(k));
  assert.deepEqual(stale, [], 'keywords in this table the loader no longer has');
});

test('the behaviour test named for each honoured keyword exists in the suite', () => {
  const titles = testTitles();
  const missing = Object.entries(HONOURED).filter(([, title]) => !titles.has(title));
  assert.deepEqual(missing, []);
});

for (const [keyword, { yml, msg }] of Object.entries(REFUSED)) {
  test(`refused: '${keyword}' gives a positioned error saying what to do instead`, () => {
    assert.match(loadError(yml), msg);
  });
}
