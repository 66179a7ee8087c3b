import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { UserError, type Pos, type Vars } from '../../src/model/index.js';
import { loadPlaybook, type ModuleInfo } from '../../src/playbook/index.js';
import { testModules, tree } from './helpers.js';

/** Loads `files['site.yml']` and returns the error message, with the temp dir shown as DIR. */
function errorOf(files: Record<string, string>, modules: ModuleInfo = testModules): string {
  const dir = tree(files);
  try {
    loadPlaybook(path.join(dir, 'site.yml'), { modules });
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    return e.message.split(dir).join('DIR');
  }
  assert.fail('the playbook loaded without an error');
}

const play = (tasks: string) => `- hosts: all\n  tasks:\n${tasks}`;

const cases: Array<[string, Record<string, string>, string]> = [
  ['a misspelled module', { 'site.yml': play('    - name: x\n      comand: ls\n') },
    "DIR/site.yml:4:7: unknown module 'comand' (did you mean 'command'?)"],
  ['a misspelled keyword', { 'site.yml': play('    - shell: ls\n      regiser: out\n') },
    "DIR/site.yml:4:7: unknown keyword 'regiser' (did you mean 'register'?)"],
  ['two actions', { 'site.yml': play('    - shell: ls\n      command: ls\n') },
    'DIR/site.yml:4:7: conflicting action statements: shell, command'],
  ['no action', { 'site.yml': play('    - name: nothing to do\n      when: x\n') },
    'DIR/site.yml:3:7: no module/action detected in task'],
  ['a collection module playwatch lacks', { 'site.yml': play('    - community.general.ufw: {rule: allow}\n') },
    "DIR/site.yml:3:7: module 'community.general.ufw' is from a collection and not built into playwatch: run it with --engine ansible"],
  ['an ansible.posix module playwatch lacks (ansible-core routes its short name there too)', { 'site.yml': play('    - ansible.posix.acl: {path: /srv, entity: app, etype: user, permissions: r}\n') },
    "DIR/site.yml:3:7: module 'ansible.posix.acl' is from a collection and not built into playwatch: run it with --engine ansible"],
  ['a collection module under action:', { 'site.yml': play('    - action: community.mysql.mysql_user name=app\n') },
    "DIR/site.yml:3:7: module 'community.mysql.mysql_user' is from a collection and not built into playwatch: run it with --engine ansible"],
  ['an unknown ansible.builtin module', { 'site.yml': play('    - ansible.builtin.comand: ls\n') },
    "DIR/site.yml:3:7: unknown module 'ansible.builtin.comand' (did you mean 'command'?)"],
  ['a with_ loop over a lookup that does not exist', { 'site.yml': play('    - debug: var=item\n      with_filegob: "*.txt"\n') },
    "DIR/site.yml:4:7: 'with_filegob': there is no lookup named 'filegob' (with_<lookup> loops run a lookup plugin)"],
  ['a lookup playwatch lacks, named in a template', { 'site.yml': play('    - debug: msg="{{ lookup(\'community.hashi_vault.hashi_vault\', \'x\') }}"\n') },
    "DIR/site.yml:3:7: lookup plugin 'community.hashi_vault.hashi_vault' is not available in playwatch"],
  ['a misspelt lookup in a when', { 'site.yml': play('    - debug: msg=hi\n      when: query("fileglb", "*") | length > 0\n') },
    "DIR/site.yml:3:7: lookup plugin 'fileglb' is not available in playwatch (did you mean 'fileglob'?)"],
  ['the url lookup in a template', { 'site.yml': play('    - debug: msg="{{ lookup(\'url\', \'https://x\') }}"\n') },
    "DIR/site.yml:3:7: the 'url' lookup is not supported: it makes an HTTP request from the controller during templating, where a slow or hanging server would stall every host; fetch with the uri module (delegate_to: localhost) and register the result"],
  ['a with_url loop', { 'site.yml': play('    - debug: var=item\n      with_url: https://example.com\n') },
    "DIR/site.yml:4:7: 'with_url': the 'url' lookup is not supported: it makes an HTTP request from the controller during templating, where a slow or hanging server would stall every host; fetch with the uri module (delegate_to: localhost) and register the result"],
  ['a loop_control without a loop', { 'site.yml': play('    - debug: var=item\n      loop_control: {label: x}\n') },
    "DIR/site.yml:4:7: 'loop_control' needs 'loop' or a 'with_<lookup>' on the same task"],
  ['break_when (ansible-core 2.18)', { 'site.yml': play('    - debug: var=item\n      loop: [1]\n      loop_control: {break_when: x}\n') },
    "DIR/site.yml:5:22: 'break_when' is new in ansible-core 2.18; playwatch follows 2.14: use 'until' or a 'when' on the items"],
  ['local_action with delegate_to', { 'site.yml': play('    - local_action: command ls\n      delegate_to: lb1\n') },
    "DIR/site.yml:3:7: 'local_action' and 'delegate_to' are mutually exclusive: keep one"],
  ['a loop on import_tasks', { 'site.yml': play('    - import_tasks: t.yml\n      loop: [1]\n'), 't.yml': '[]' },
    "DIR/site.yml:4:7: You cannot use loops on 'import_tasks' statements. You should use 'include_tasks' instead."],
  ['a loop on import_role', { 'site.yml': play('    - import_role: {name: r}\n      with_items: [1]\n') },
    "DIR/site.yml:4:7: You cannot use loops on 'import_role' statements. You should use 'include_role' instead."],
  ['a missing imported file', { 'site.yml': play('    - debug: msg=hi\n    - import_tasks: nope.yml\n') },
    "DIR/site.yml:4:7: import_tasks: cannot find 'nope.yml' (looked for DIR/nope.yml)"],
  ['an import cycle', { 'site.yml': play('    - import_tasks: a.yml\n'), 'a.yml': '- import_tasks: b.yml\n', 'b.yml': '- import_tasks: a.yml\n' },
    'DIR/b.yml:1:3: import cycle: DIR/a.yml → DIR/b.yml → DIR/a.yml'],
  ['a missing role', { 'site.yml': '- hosts: all\n  roles:\n    - webservr\n', 'roles/webserver/tasks/main.yml': '[]' },
    "DIR/site.yml:3:7: role 'webservr' not found (did you mean 'webserver'?); looked in: DIR/roles/webservr, DIR/webservr"],
  ['a playbook that is a mapping', { 'site.yml': 'hosts: all\ntasks: []\n' },
    'DIR/site.yml:1:1: a playbook must be a list of plays, got a mapping'],
  ['an empty playbook', { 'site.yml': '# nothing\n' }, 'DIR/site.yml:1:1: the playbook is empty: expected a list of plays'],
  ['a play without hosts', { 'site.yml': '- name: p\n  tasks: []\n' },
    "DIR/site.yml:1:3: the play has no 'hosts': every play must say which hosts it runs on"],
  ['a misspelled play keyword', { 'site.yml': '- hosts: all\n  taks: []\n' },
    "DIR/site.yml:2:3: 'taks' is not a valid attribute for a play (did you mean 'tasks'?)"],
  ['a task keyword on a play', { 'site.yml': '- hosts: all\n  register: out\n' },
    "DIR/site.yml:2:3: 'register' is not a valid attribute for a play: it belongs to a task (put it under 'tasks:')"],
  ['vars_prompt', { 'site.yml': '- hosts: all\n  vars_prompt:\n    - name: pw\n' },
    "DIR/site.yml:2:3: 'vars_prompt' is not supported by playwatch (a deploy must not stop to ask); pass the value with -e"],
  ['a YAML syntax error', { 'site.yml': '- hosts: all\n  tasks: [\n' },
    'DIR/site.yml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ['free-form text for a module that takes none', { 'site.yml': play('    - debug: hello\n') },
    "DIR/site.yml:3:7: module 'debug' does not take free-form arguments ('hello'); use key=value or a mapping"],
  ['an unbalanced quote', { 'site.yml': play('    - shell: echo "oops\n') },
    'DIR/site.yml:3:7: unbalanced double quote in arguments'],
  ['a task keyword on a block', { 'site.yml': play('    - block:\n        - ping:\n      loop: [1]\n') },
    "DIR/site.yml:5:7: 'loop' is not a valid attribute for a block"],
  ['listen on a task', { 'site.yml': play('    - ping:\n      listen: x\n') },
    "DIR/site.yml:4:7: 'listen' is only valid on handlers"],
  ['a mapping for when', { 'site.yml': play('    - ping:\n      when: {a: 1}\n') },
    "DIR/site.yml:4:7: 'when' must be a condition, a boolean, or a list of them, got a mapping"],
  ['two loops', { 'site.yml': play('    - ping:\n      loop: [1]\n      with_items: [2]\n') },
    'DIR/site.yml:5:7: conflicting loop keywords: loop, with_items'],
  ['a misspelled loop_control option', { 'site.yml': play('    - ping:\n      loop: [1]\n      loop_control:\n        loopvar: x\n') },
    "DIR/site.yml:6:9: unknown loop_control option 'loopvar' (did you mean 'loop_var'?)"],
  ['an unknown meta action', { 'site.yml': play('    - meta: flush_handler\n') },
    "DIR/site.yml:3:7: unknown meta action 'flush_handler' (did you mean 'flush_handlers'?)"],
  ['a task that is not a mapping', { 'site.yml': play('    - just words\n') },
    "DIR/site.yml:3:7: a task must be a mapping (key: value), got a string ('just words')"],
  ['tasks that are not a list', { 'site.yml': '- hosts: all\n  tasks:\n    ping: {}\n' },
    "DIR/site.yml:2:3: 'tasks' must be a list of tasks, got a mapping"],
  ['retries on include_tasks', { 'site.yml': play('    - include_tasks: t.yml\n      retries: 3\n') },
    "DIR/site.yml:4:7: 'retries' is not a valid attribute for include_tasks"],
  ['an invalid register name on include_tasks', { 'site.yml': play('    - include_tasks: t.yml\n      register: my-var\n') },
    "DIR/site.yml:4:7: Invalid variable name in 'register' specified: 'my-var'"],
  ['import_playbook inside a task list', { 'site.yml': play('    - import_playbook: x.yml\n') },
    "DIR/site.yml:3:7: 'import_playbook' is only allowed at the top level of a playbook, next to plays"],
  ['include_role in handlers', { 'site.yml': '- hosts: all\n  handlers:\n    - name: h\n      include_role: {name: r}\n' },
    "DIR/site.yml:3:7: Using 'include_role' as a handler is not supported."],
  ['import_role in handlers', { 'site.yml': '- hosts: all\n  handlers:\n    - import_role: {name: r}\n' },
    "DIR/site.yml:3:7: Using 'import_role' as a handler is not supported."],
  ['listen on a block in handlers', { 'site.yml': '- hosts: all\n  handlers:\n    - listen: t\n      block:\n        - ping:\n' },
    "DIR/site.yml:3:7: 'listen' is not a valid attribute for a block"],
  ['an error inside a role file', { 'site.yml': '- hosts: all\n  roles: [r]\n', 'roles/r/tasks/main.yml': '- name: a\n  shel: ls\n' },
    "DIR/roles/r/tasks/main.yml:2:3: unknown module 'shel' (did you mean 'shell'?)"],
  ['a bad variable name in role defaults', { 'site.yml': '- hosts: all\n  roles: [r]\n', 'roles/r/defaults/main.yml': 'ok: 1\nnot-ok: 2\n' },
    "DIR/roles/r/defaults/main.yml:2:1: 'not-ok' is not a valid variable name"],
  ['a role dependency cycle', {
    'site.yml': '- hosts: all\n  roles: [a]\n',
    'roles/a/meta/main.yml': 'dependencies: [b]\n',
    'roles/b/meta/main.yml': 'dependencies: [a]\n',
  }, 'DIR/roles/b/meta/main.yml:1:16: role dependency cycle: a → b → a'],
  ['a missing imported playbook', { 'site.yml': '- import_playbook: other.yml\n' },
    "DIR/site.yml:1:3: import_playbook: cannot find 'other.yml' (looked for DIR/other.yml)"],
];

for (const [what, files, expected] of cases) {
  test(`the error for ${what} names the file, line and column`, () => {
    assert.equal(errorOf(files), expected);
  });
}

test('module validation is called with the canonical name, the args and the action position', () => {
  const calls: Array<[string, Vars, Pos]> = [];
  const modules: ModuleInfo = {
    ...testModules,
    validate(name, args, pos) {
      calls.push([name, args, pos]);
      if (args.bad) throw new UserError("unsupported parameter 'bad'", pos);
    },
  };
  const msg = errorOf({ 'site.yml': play('    - ansible.builtin.copy: {src: a, dest: b}\n    - copy: {bad: 1}\n') }, modules);
  assert.equal(msg, "DIR/site.yml:4:7: unsupported parameter 'bad'");
  assert.equal(calls[0][0], 'copy');
  assert.deepEqual(calls[0][1], { src: 'a', dest: 'b' });
  assert.equal(calls[0][2].line, 3);
});
