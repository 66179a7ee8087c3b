import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Include, Task, TaskNode } from '../../src/model/index.js';
import { loadPlaybook, loadVarsFile } from '../../src/playbook/index.js';
import { testModules, tree } from './helpers.js';

/** Loads a one-play playbook whose tasks are `tasksYaml` (indented 4). */
function tasksOf(tasksYaml: string, extra: Record<string, string> = {}): TaskNode[] {
  const dir = tree({ 'site.yml': `- hosts: all\n  tasks:\n${tasksYaml}`, ...extra });
  return loadPlaybook(path.join(dir, 'site.yml'), { modules: testModules }).plays[0].sections[2].tasks;
}
const one = (yaml: string) => tasksOf(yaml)[0] as Task;

test('collection-qualified builtin names resolve to the short module name', () => {
  const ts = tasksOf('    - ansible.builtin.shell: echo 1\n    - ansible.legacy.command: echo 2\n') as Task[];
  assert.deepEqual(ts.map((t) => t.module), ['shell', 'command']);
});

test('the args keyword sits under the action arguments', () => {
  const t = one('    - command: /bin/ls\n      args:\n        chdir: /srv\n        creates: /old\n');
  assert.deepEqual(t.args, { chdir: '/srv', creates: '/old', _raw_params: '/bin/ls' });
});

test('the action keyword names the module, with a string or a mapping', () => {
  assert.deepEqual(one('    - action: shell echo hi chdir=/x\n').args, { _raw_params: 'echo hi', chdir: '/x' });
  const t = one('    - action:\n        module: ansible.builtin.debug\n        msg: hi\n');
  assert.equal(t.module, 'debug');
  assert.deepEqual(t.args, { msg: 'hi' });
});

test('a multi-line shell script keeps its lines and indentation', () => {
  const t = one('    - shell: |\n        set -e\n        if true; then\n          echo "a  b"\n        fi\n');
  assert.equal(t.args._raw_params, 'set -e\nif true; then\n  echo "a  b"\nfi');
});

test('include_vars and meta take a bare word', () => {
  const ts = tasksOf('    - include_vars: vars/x.yml\n    - meta: flush_handlers\n') as Task[];
  assert.deepEqual(ts[0].args, { _raw_params: 'vars/x.yml' });
  assert.deepEqual([ts[1].module, ts[1].args], ['meta', { _raw_params: 'flush_handlers' }]);
});

test('conditions become lists and keep booleans', () => {
  const t = one('    - ping:\n      when: false\n      changed_when: [rc != 0, "\'x\' in out"]\n      failed_when: no\n      until: r is success\n');
  assert.deepEqual(t.when, [false]);
  assert.deepEqual(t.changedWhen, ['rc != 0', "'x' in out"]);
  assert.deepEqual(t.failedWhen, [false]);
  assert.deepEqual(t.until, ['r is success']);
});

test('tags may be a comma list or a list with numbers, and notify a string', () => {
  const t = one('    - ping:\n      tags: "a, b,c"\n      notify: restart app\n');
  assert.deepEqual(t.tags, ['a', 'b', 'c']);
  assert.deepEqual(t.notify, ['restart app']);
  assert.deepEqual(one('    - ping:\n      tags: [x, 42]\n').tags, ['x', '42']);
});

test('modelled keywords go to their fields and the rest to extra', () => {
  const t = one([
    '    - ping:',
    '      delegate_to: localhost',
    '      run_once: yes',
    '      throttle: 2',
    '      no_log: "{{ secret_mode }}"',
    '      check_mode: false',
    '      timeout: 30',
    '      retries: 5',
    '      delay: "{{ d }}"',
    '      remote_user: deploy',
    '      connection: local',
    '      diff: false',
    '      environment: "{{ proxy_env }}"',
    '',
  ].join('\n'));
  assert.equal(t.delegateTo, 'localhost');
  assert.equal(t.runOnce, true);
  assert.equal(t.throttle, 2);
  assert.equal(t.noLog, '{{ secret_mode }}');
  assert.equal(t.checkMode, false);
  assert.equal(t.timeout, 30);
  assert.equal(t.retries, 5);
  assert.equal(t.delay, '{{ d }}');
  assert.deepEqual(t.extra, { remote_user: 'deploy', connection: 'local', diff: false, environment: '{{ proxy_env }}' });
  assert.equal(t.environment, undefined);
});

test('loops: a with_<lookup> keeps its lookup name for the engine; loop_control is read whole', () => {
  const ts = tasksOf([
    '    - debug: var=item',
    '      with_items: "{{ pkgs }}"',
    '    - debug: var=item',
    '      with_list: [[1, 2]]',
    '    - debug: var=item',
    '      with_dict: {a: 1}',
    '    - debug: var=item',
    '      loop: [1]',
    '      loop_control: {label: "{{ item }}", loop_var: pkg, index_var: i, pause: 2, extended: true}',
    '',
  ].join('\n')) as Task[];
  assert.deepEqual(ts[0].loop, { items: '{{ pkgs }}', with: 'items', loopVar: 'item' });
  assert.deepEqual(ts[1].loop, { items: [[1, 2]], with: 'list', loopVar: 'item' });
  assert.deepEqual(ts[2].loop, { items: { a: 1 }, with: 'dict', loopVar: 'item' });
  assert.deepEqual(ts[3].loop, { items: [1], loopVar: 'pkg', label: '{{ item }}', indexVar: 'i', pause: 2, extended: true });
});

test('include_tasks accepts a key=value string and args: apply', () => {
  const inc = tasksOf('    - include_tasks: file=x.yml\n      args:\n        apply: {tags: [t]}\n')[0] as Include;
  assert.equal(inc.target, 'x.yml');
  assert.deepEqual(inc.args, { apply: { tags: ['t'] } });
  assert.deepEqual((inc.extra._inherit as { tags: string[] }).tags, ['t']);
});

test('YAML anchors and merge keys work in tasks', () => {
  const ts = tasksOf([
    '    - &base',
    '      name: first',
    '      debug: msg=a',
    '      tags: [shared]',
    '    - <<: *base',
    '      name: second',
    '',
  ].join('\n')) as Task[];
  assert.deepEqual(ts.map((t) => [t.name, t.tags, t.args]), [
    ['first', ['shared'], { msg: 'a' }],
    ['second', ['shared'], { msg: 'a' }],
  ]);
});

test('handlers may come from import_tasks', () => {
  const dir = tree({
    'site.yml': '- hosts: all\n  handlers:\n    - import_tasks: h.yml\n',
    'h.yml': '- name: h1\n  ping:\n  listen: topic\n',
  });
  const hs = loadPlaybook(path.join(dir, 'site.yml'), { modules: testModules }).plays[0].handlers;
  assert.deepEqual(hs.map((h) => [h.name, h.listen]), [['h1', ['topic']]]);
});

test('a block in handlers is flattened into its tasks, which inherit its when; an include_tasks handler keeps its listen', () => {
  const dir = tree({
    'site.yml': [
      '- hosts: all',
      '  handlers:',
      '    - name: inc',
      '      include_tasks: t.yml',
      '      listen: [topic]',
      '    - when: flag',
      '      block:',
      '        - {name: b1, ping: }',
      '        - block:',
      '            - {name: b2, ping: }',
      '      rescue:',
      '        - {name: never, ping: }',
      '    - {name: after, ping: }',
      '',
    ].join('\n'),
    't.yml': '- ping:\n',
  });
  const hs = loadPlaybook(path.join(dir, 'site.yml'), { modules: testModules }).plays[0].handlers;
  const group = (i: number) => hs[i].extra._handlerGroup as number;
  assert.deepEqual(hs.map((h) => [h.kind, h.name, h.listen, h.when]), [
    ['include', 'inc', ['topic'], []],
    ['task', 'b1', [], ['flag']],
    ['task', 'b2', [], ['flag']],
    ['task', 'after', [], []],
  ]);
  // ansible-core's blocks: the plain entries before a block, the block, the plain entries after it.
  assert.deepEqual([group(1) === group(2), group(0) === group(1), group(2) === group(3)], [true, false, false]);
});

test('loadVarsFile reads YAML and JSON mappings and treats an empty file as no vars', () => {
  const dir = tree({ 'a.yml': 'x: 1\nlist: [a, b]\n', 'b.json': '{"y": {"z": true}}', 'c.yml': '' });
  assert.deepEqual(loadVarsFile(path.join(dir, 'a.yml')), { x: 1, list: ['a', 'b'] });
  assert.deepEqual(loadVarsFile(path.join(dir, 'b.json')), { y: { z: true } });
  assert.deepEqual(loadVarsFile(path.join(dir, 'c.yml')), {});
});

test('loadVarsFile refuses a list with a position', () => {
  const dir = tree({ 'a.yml': '# vars\n- 1\n' });
  assert.throws(() => loadVarsFile(path.join(dir, 'a.yml')), {
    message: `${dir}/a.yml:2:1: a vars file must be a mapping of variable names to values, got a list`,
  });
});

test('a missing vars file names the file', () => {
  assert.throws(() => loadVarsFile('/nonexistent/v.yml'), { message: 'cannot read /nonexistent/v.yml: file not found' });
});
