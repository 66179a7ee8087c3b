import { test } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { LOCAL_INVENTORY, runProject } from '../helpers/run.js';

/**
 * ansible-core's documented order, lowest first. Variable `p<i>` is set to
 * `L<j>` at every level j <= i, so each `p<i>` must come out as `L<i>`:
 * that checks every level against all the levels below it.
 */
const LEVELS = [
  'role defaults',
  'inventory file group vars',
  'inventory group_vars/all',
  'playbook group_vars/all',
  'inventory group_vars/web',
  'playbook group_vars/web',
  'inventory file host vars',
  'inventory host_vars/web1',
  'playbook host_vars/web1',
  'play vars',
  'play vars_files',
  'role vars',
  'block vars',
  'task vars',
  'include_vars',
  'set_fact',
  'role params',
  'include params',
  'extra vars',
];

const N = LEVELS.length;
/** Vars level `j` sets: p_j .. p_(N-1), all to `L<j>`. */
function varsAt(j: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = j; i < N; i++) out[`p${i}`] = `L${j}`;
  return out;
}
const y = (j: number) => YAML.stringify(varsAt(j));
const inline = (j: number) =>
  Object.entries(varsAt(j))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
const flow = (j: number) => JSON.stringify(varsAt(j));

test('variables follow ansible-core precedence at every level', async () => {
  const show = Array.from({ length: N }, (_, i) => `{{ p${i} }}`).join(' ');
  const run = await runProject({
    inventory: ['inv/hosts.ini'],
    extraVars: varsAt(18),
    files: {
      'inv/hosts.ini': `[web]\nweb1 ansible_connection=local ${inline(6)}\n[web:vars]\n${inline(1).split(' ').join('\n')}\n`,
      'roles/r/defaults/main.yml': y(0),
      'inv/group_vars/all.yml': y(2),
      'group_vars/all.yml': y(3),
      'inv/group_vars/web.yml': y(4),
      'group_vars/web.yml': y(5),
      'inv/host_vars/web1.yml': y(7),
      'host_vars/web1.yml': y(8),
      'vars/main.yml': y(10),
      'roles/r/vars/main.yml': y(11),
      'roles/r/vars/iv.yml': y(14),
      'roles/r/tasks/main.yml': `
- include_vars: iv.yml
- set_fact: ${flow(15)}
- include_tasks: inner.yml
  vars: ${flow(17)}
`,
      'roles/r/tasks/inner.yml': `
- block:
    - name: show
      debug:
        msg: "${show}"
      vars: ${flow(13)}
  vars: ${flow(12)}
`,
      'site.yml': `
- hosts: web1
  gather_facts: false
  vars: ${flow(9)}
  vars_files: [vars/main.yml]
  roles:
    - role: r
      ${Object.entries(varsAt(16)).map(([k, v]) => `${k}: ${v}`).join('\n      ')}
`,
    },
  });
  const shown = run.of('host.ok').find((e) => e.task.name === 'show');
  assert.ok(shown, `the debug task ran: ${JSON.stringify(run.of('host.failed').map((e) => e.result.msg))}`);
  const got = String(shown.result.msg).split(' ');
  const want = Array.from({ length: N }, (_, i) => `L${i}`);
  const diffs = want.flatMap((w, i) => (got[i] === w ? [] : [`${LEVELS[i]}: got ${got[i]}, want ${w}`]));
  assert.deepEqual(diffs, []);
});

test("the play's roles show their defaults and vars to the play's tasks and to each other (ansible-core's private_role_vars off); a role's own defaults win in its tasks", async () => {
  // Outputs from ansible-playbook 2.14 on the same project.
  const run = await runProject({
    files: {
      'site.yml': '- hosts: web1\n  gather_facts: false\n  roles: [a, b]\n  tasks:\n    - debug: msg="play {{ x }} {{ only_a }} {{ y }}"\n',
      'roles/a/defaults/main.yml': 'x: a-default\nonly_a: a-default\n',
      'roles/a/vars/main.yml': 'y: a-var\n',
      'roles/a/tasks/main.yml': '- debug: msg="a {{ x }}"\n',
      'roles/b/defaults/main.yml': 'x: b-default\n',
      'roles/b/tasks/main.yml': '- debug: msg="b {{ x }} {{ only_a }}"\n',
    },
  });
  assert.equal(run.exitCode, 0, run.plain);
  assert.deepEqual(run.of('host.ok').map((e) => e.result.msg), ['a a-default', 'b b-default a-default', 'play b-default a-default a-var']);
});

test('playbook_dir in a play brought in by import_playbook is the imported file\'s directory, as in ansible-core; relative vars_files resolve there', async () => {
  const run = await runProject({
    files: {
      'site.yml': '- import_playbook: deploy/app.yml\n- hosts: web1\n  gather_facts: false\n  tasks: [{debug: {msg: "{{ playbook_dir | basename }}"}}]\n',
      'deploy/app.yml': '- hosts: web1\n  gather_facts: false\n  vars_files: [vars/app.yml]\n  tasks: [{debug: {msg: "{{ playbook_dir | basename }} {{ app_port }}"}}]\n',
      'deploy/vars/app.yml': 'app_port: 8080\n',
    },
  });
  assert.equal(run.exitCode, 0, run.plain);
  const dir = run.dir.split('/').pop();
  assert.deepEqual(run.of('host.ok').map((e) => e.result.msg), ['deploy 8080', dir]);
});

test('an imported play reads the group_vars/ and host_vars/ beside its own file, not the top playbook\'s, as ansible-core 2.14 does; inventory-adjacent ones stay', async () => {
  const show = '{{ x }} {{ only_top | default("UNDEF") }} {{ only_sub | default("UNDEF") }} {{ hv | default("UNDEF") }} {{ inv_x }}';
  const play = (name: string) => `- hosts: web1\n  gather_facts: false\n  tasks: [{name: ${name}, debug: {msg: '${name} ${show}'}}]\n`;
  const run = await runProject({
    inventory: ['inv/hosts.ini'],
    files: {
      'inv/hosts.ini': LOCAL_INVENTORY,
      'inv/group_vars/all.yml': 'inv_x: inv\n',
      'site.yml': `${play('top')}- import_playbook: sub/play.yml\n${play('top2')}`,
      'sub/play.yml': play('sub'),
      'group_vars/all.yml': 'x: top\nonly_top: yes_top\n',
      'host_vars/web1.yml': 'hv: top\n',
      'sub/group_vars/all.yml': 'x: sub\nonly_sub: yes_sub\n',
      'sub/host_vars/web1.yml': 'hv: sub\n',
    },
  });
  assert.equal(run.exitCode, 0, run.plain);
  assert.deepEqual(run.of('host.ok').map((e) => e.result.msg), [
    'top top yes_top UNDEF top inv',
    'sub sub UNDEF yes_sub sub inv',
    'top2 top yes_top UNDEF top inv',
  ]);
});
