/**
 * Every `with_<lookup>` form and `loop_control` on the real engine (local
 * transport): the items each loop runs, the loop variables each item sees,
 * and what the registered result keeps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProject, type TestRun } from '../helpers/run.js';

const FILES = {
  'files/a.txt': 'alpha\n',
  'files/b.txt': 'beta\n',
  'files/app.ini': '[db]\nuser = bob\nport = 5432\n',
  'files/el.csv': 'Li,3\nNa,11\n',
  'templates/t.j2': '{{ who }}!',
};

function play(tasks: string): string {
  return `- hosts: web1\n  gather_facts: false\n  vars:\n    who: you\n    users: [{name: ann, keys: [k1, k2]}, {name: bo, keys: [k3]}]\n  tasks:\n${tasks}`;
}

/** The msg of each item of the task named `t`, in order. */
function itemMsgs(run: TestRun, t = 't'): unknown[] {
  return run.of('host.ok').filter((e) => e.task.name === t && e.item !== undefined).map((e) => e.result.msg);
}

/** [with_ form, the task's loop lines, the msg template, the msgs printed] */
const forms: Array<[string, string, string, unknown[]]> = [
  ['with_items', 'with_items: [a, [b, c]]', '{{ item }}', ['a', 'b', 'c']],
  ['with_list', 'with_list: [a, [b, c]]', '{{ item | length }}', [1, 2]],
  ['with_dict', 'with_dict: {x: 1}', '{{ item.key }}{{ item.value }}', ['x1']],
  ['with_indexed_items', 'with_indexed_items: [a, b]', '{{ item.0 }}{{ item.1 }}', ['0a', '1b']],
  ['with_sequence', 'with_sequence: start=1 end=3 format=n%d', '{{ item }}', ['n1', 'n2', 'n3']],
  ['with_nested', 'with_nested: [[a, b], [1, 2]]', '{{ item.0 }}{{ item.1 }}', ['a1', 'a2', 'b1', 'b2']],
  ['with_together', 'with_together: [[a, b], [1]]', '{{ item.0 }}{{ item.1 }}', ['a1', 'b']],
  ['with_subelements', 'with_subelements: ["{{ users }}", keys]', '{{ item.0.name }}:{{ item.1 }}', ['ann:k1', 'ann:k2', 'bo:k3']],
  ['with_first_found', 'with_first_found: [nope.txt, b.txt, a.txt]', '{{ item | basename }}', ['b.txt']],
  ['with_lines', "with_lines: printf 'x\\ny\\n'", '{{ item }}', ['x', 'y']],
  ['with_fileglob', 'with_fileglob: ["*.csv"]', '{{ item | basename }}', ['el.csv']],
  ['with_ini', 'with_ini: [user section=db file=app.ini, port section=db file=app.ini]', '{{ item }}', ['bob', '5432']],
  ['with_csvfile', 'with_csvfile: ["Na file=el.csv delimiter=,"]', '{{ item }}', ['11']],
  ['with_random_choice', 'with_random_choice: [only]', '{{ item }}', ['only']],
  ['with_file', 'with_file: [a.txt, b.txt]', '{{ item }}', ['alpha', 'beta']],
  ['with_env', 'with_env: [PW_LOOP_TEST]', '{{ item }}', ['from-env']],
  ['with_template', 'with_template: [t.j2]', '{{ item }}', ['you!']],
  ['with_pipe', 'with_pipe: [echo p]', '{{ item }}', ['p']],
  ['with_vars', 'with_vars: [who]', '{{ item }}', ['you']],
  ['with_varnames', 'with_varnames: ^wh', '{{ item }}', ['who']],
  ['with_inventory_hostnames', 'with_inventory_hostnames: web', '{{ item }}', ['web1', 'web2']],
  ['with_config', 'with_config: [DEFAULT_BECOME_USER]', '{{ item }}', ['root']],
  ['with_password', 'with_password: ["/dev/null length=4 chars=digits"]', '{{ item | length }}', ['4']],
  ['with_ansible.builtin.items', 'with_ansible.builtin.items: [z]', '{{ item }}', ['z']],
];

for (const [form, loop, msg, expected] of forms) {
  test(`${form} runs its lookup and loops over what it gives: ${JSON.stringify(expected)}`, async () => {
    process.env.PW_LOOP_TEST = 'from-env';
    const run = await runProject({ files: { ...FILES, 'site.yml': play(`    - name: t\n      debug: msg="${msg}"\n      ${loop}\n`) } });
    assert.equal(run.exitCode, 0, run.plain);
    assert.deepEqual(itemMsgs(run).map(String), expected.map(String));
  });
}

test('a with_ loop whose lookup fails fails the task with the lookup message', async () => {
  const run = await runProject({ files: { ...FILES, 'site.yml': play('    - name: t\n      debug: var=item\n      with_file: [nope.txt]\n') } });
  const failed = run.of('host.failed').find((e) => e.task.name === 't');
  assert.equal(failed?.result.msg, 'could not locate file in lookup: nope.txt');
  assert.equal(run.exitCode, 2);
});

test('with_first_found finding nothing with skip: true skips the task', async () => {
  const run = await runProject({ files: { ...FILES, 'site.yml': play('    - name: t\n      debug: var=item\n      with_first_found: [{files: [nope], skip: true}]\n') } });
  assert.deepEqual(run.results('t'), { web1: 'skipped' });
});

test('loop_control extended gives each item ansible_loop, and the registered results keep it', async () => {
  const run = await runProject({
    files: {
      'site.yml': play(`    - name: t
      debug:
        msg: "{{ ansible_loop.index }}/{{ ansible_loop.length }} {{ ansible_loop.index0 }} {{ ansible_loop.first }} {{ ansible_loop.last }} {{ ansible_loop.revindex }} {{ ansible_loop.revindex0 }} {{ ansible_loop.previtem | default('-') }} {{ ansible_loop.nextitem | default('-') }} {{ ansible_loop.allitems | join('') }}"
      loop: [a, b, c]
      loop_control: {extended: true}
      register: r
    - name: kept
      debug: msg="{{ r.results | map(attribute='ansible_loop') | map(attribute='revindex') | list }}"
    - name: no allitems
      debug: msg="{{ ansible_loop.allitems is defined }} {{ ansible_loop.index }}"
      loop: [a]
      loop_control: {extended: true, extended_allitems: false}
    - name: not extended
      debug: msg="{{ ansible_loop is defined }}"
      loop: [a]
`),
    },
  });
  assert.deepEqual(itemMsgs(run), [
    '1/3 0 True False 3 2 - b abc',
    '2/3 1 False False 2 1 a c abc',
    '3/3 2 False True 1 0 b - abc',
  ]);
  assert.deepEqual(run.of('host.ok').find((e) => e.task.name === 'kept')?.result.msg, [3, 2, 1]);
  assert.deepEqual(itemMsgs(run, 'no allitems'), ['False 1']);
  assert.deepEqual(itemMsgs(run, 'not extended'), [false]);
});

test('loop_control index_var, loop_var and label: the item sees them, the result keeps them, the event shows the label', async () => {
  const run = await runProject({
    files: {
      'site.yml': play(`    - name: t
      debug: msg="{{ i }} {{ pkg.name }} {{ ansible_loop_var }} {{ ansible_index_var }}"
      loop: [{name: nginx, v: 1}, {name: redis, v: 2}]
      loop_control: {loop_var: pkg, index_var: i, label: "{{ pkg.name }}"}
      register: r
    - name: kept
      debug: msg="{{ r.results | map(attribute='i') | list }} {{ r.results[1].pkg.name }} {{ r.results[0].ansible_loop_var }}"
`),
    },
  });
  assert.deepEqual(itemMsgs(run), ['0 nginx pkg i', '1 redis pkg i']);
  assert.deepEqual(run.of('host.ok').filter((e) => e.task.name === 't' && e.item !== undefined).map((e) => e.item), ['nginx', 'redis']);
  assert.equal(run.of('host.ok').find((e) => e.task.name === 'kept')?.result.msg, '[0, 1] redis pkg');
});

test('loop_control pause waits between items and not before the first', async () => {
  const starts: number[] = [];
  const run = await runProject({
    files: { 'site.yml': play('    - name: t\n      debug: var=item\n      loop: [1, 2, 3]\n      loop_control: {pause: "{{ 0.15 }}"}\n') },
    onEvent: (e) => {
      if (e.type === 'host.ok' && e.item !== undefined) starts.push(Date.now());
    },
  });
  assert.equal(run.exitCode, 0);
  assert.equal(starts.length, 3);
  assert.ok(starts[2] - starts[0] >= 290, `items 1 and 3 were ${starts[2] - starts[0]} ms apart`);
  assert.ok(starts[2] - starts[0] < 2000);
});

test('nested include_tasks loops with distinct loop_var see both items; the included tasks get ansible_loop but not ansible_loop_var', async () => {
  const run = await runProject({
    files: {
      'site.yml': play(`    - include_tasks: outer.yml
      loop: [a, b]
      loop_control: {loop_var: o, index_var: oi, extended: true}
`),
      'outer.yml': `- name: outer
  debug: msg="{{ o }}{{ oi }} {{ ansible_loop.index }}/{{ ansible_loop.length }} {{ ansible_loop_var | default('none') }}"
- include_tasks: inner.yml
  loop: [1, 2]
  loop_control: {loop_var: n}
`,
      'inner.yml': '- name: inner\n  debug: msg="{{ o }}{{ n }}"\n',
    },
  });
  const msgs = (t: string) => run.of('host.ok').filter((e) => e.task.name === t).map((e) => e.result.msg);
  assert.deepEqual(msgs('outer'), ['a0 1/2 none', 'b1 2/2 none']);
  assert.deepEqual(msgs('inner'), ['a1', 'a2', 'b1', 'b2']);
});

test("a lookup with errors='warn' gives a warning event and the task goes on", async () => {
  const run = await runProject({ files: { 'site.yml': play(`    - name: t\n      debug: msg="{{ lookup('file', 'nope.txt', errors='warn') is none }}"\n`) } });
  assert.equal(run.of('host.ok').find((e) => e.task.name === 't')?.result.msg, true);
  assert.ok(run.of('warning').some((w) => /^Lookup failed but the error is being ignored: .*could not locate file in lookup: nope.txt/.test(w.message)));
});

test('a lookup in a role finds files in the role before the playbook directory', async () => {
  const run = await runProject({
    files: {
      'site.yml': '- hosts: web1\n  gather_facts: false\n  roles: [r]\n',
      'roles/r/tasks/main.yml': `- name: t\n  debug: msg="{{ lookup('file', 'x.txt') }} {{ lookup('template', 'y.j2') }}"\n`,
      'roles/r/files/x.txt': 'role file',
      'roles/r/templates/y.j2': '{{ role_name }}',
      'files/x.txt': 'playbook file',
    },
  });
  assert.equal(run.of('host.ok').find((e) => e.task.name === 't')?.result.msg, 'role file r');
});

test('with_items flattens one level and with_list does not: each is its lookup', async () => {
  const run = await runProject({
    files: {
      'site.yml': play(`    - name: items
      debug: msg="{{ item }}"
      with_items: ["{{ [1, [2, 3]] }}", 4]
    - name: list
      debug: msg="{{ item }}"
      with_list: ["{{ [1, [2, 3]] }}", 4]
`),
    },
  });
  assert.deepEqual(itemMsgs(run, 'items'), [1, [2, 3], 4]);
  assert.deepEqual(itemMsgs(run, 'list'), [[1, [2, 3]], 4]);
});

test('loop_control pause on a looped include_tasks waits between its items before the included tasks run', async () => {
  const t0 = Date.now();
  const run = await runProject({
    files: {
      'site.yml': play('    - include_tasks: one.yml\n      loop: [1, 2, 3]\n      loop_control: {pause: 0.15}\n'),
      'one.yml': '- name: inner\n  debug: msg="{{ item }}"\n',
    },
  });
  assert.equal(run.exitCode, 0);
  assert.deepEqual(run.of('host.ok').filter((e) => e.task.name === 'inner').map((e) => e.result.msg), [1, 2, 3]);
  assert.ok(Date.now() - t0 >= 300, `the run took ${Date.now() - t0} ms`);
});

test("a loop inside an include looped over 'item' warns, each time it runs, that the loop variable is already in use, as ansible-core", async () => {
  const run = await runProject({
    files: {
      'site.yml': '- hosts: web1\n  gather_facts: false\n  tasks:\n    - include_tasks: inner.yml\n      loop: [1, 2]\n',
      'inner.yml': '- name: again\n  debug: var=item\n  loop: [a]\n',
    },
  });
  const warnings = run.of('warning').map((w) => w.message).filter((m) => m.includes('already in use'));
  const message =
    "TASK: again: The loop variable 'item' is already in use. You should set the `loop_var` value in the `loop_control` option for the task to something else to avoid variable collisions and unexpected behavior.";
  assert.deepEqual(warnings, [message, message]);
});
