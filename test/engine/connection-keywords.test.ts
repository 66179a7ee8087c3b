/**
 * connection, remote_user, port, become*, environment, module_defaults,
 * collections and the other inherited keywords at play, block, role and
 * task level, through the real engine: local hosts, and the in-process
 * ssh2 server for what only a login can show (the user it sees).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { debugMsgs, runProject } from '../helpers/run.js';
import { makeFixture, type Fixture } from '../transport/ssh-helpers.js';

let fx: Fixture;
before(async () => {
  fx = await makeFixture();
});
after(async () => {
  await fx.cleanup();
});

const sshVars = () => `ansible_host=127.0.0.1 ansible_ssh_private_key_file=${fx.keyFile} playwatch_known_hosts=${fx.knownHosts}`;

test('play-level remote_user and port reach the SSH server; a host\'s ansible_user wins over remote_user; a task\'s remote_user over the play\'s', async () => {
  fx.server.users.length = 0;
  const run = await runProject({
    files: {
      'inventory.ini': `s1 ${sshVars()}\ns2 ${sshVars()} ansible_user=hostuser\n`,
      'site.yml': `
- hosts: s1,s2
  gather_facts: false
  remote_user: deploy
  port: ${fx.server.port}
  tasks:
    - {name: who, command: "true"}
    - {name: as other, command: "true", remote_user: other, when: inventory_hostname == 's1'}
`,
    },
  });
  assert.equal(run.exitCode, 0, run.plain);
  // ansible-playbook -vvv with the same inventory: "ESTABLISH SSH CONNECTION FOR USER: hostuser" for s2, "deploy" for s1.
  assert.deepEqual([...fx.server.users].sort(), ['deploy', 'hostuser', 'other']);
});

test('play-level connection: local runs on this machine; a host\'s ansible_connection still wins', async () => {
  const run = await runProject({
    files: {
      'inventory.ini': 'far ansible_host=nosuch.invalid\nnear ansible_host=nosuch.invalid ansible_connection=ssh ansible_password=x\n',
      'site.yml': `
- hosts: far,near
  gather_facts: false
  connection: local
  tasks:
    - {name: where, command: pwd}
`,
    },
  });
  assert.deepEqual(run.results('where'), { far: 'changed', near: 'unreachable' });
  assert.equal(run.of('host.ok')[0].result.stdout, path.join(run.hostsDir, 'far'));
});

/** A stand-in for sudo that logs its arguments and runs the command after `--`. */
function fakeSudo(): { exe: string; log: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-sudo-'));
  const exe = path.join(dir, 'fake-sudo');
  const log = path.join(dir, 'log');
  const script = [
    '#!/bin/sh',
    'out=""',
    'for a in "$@"; do [ "$a" = "--" ] && break; out="$out $a"; done',
    `printf '%s\\n' "\${out# }" >> ${log}`,
    'while [ "$1" != "--" ]; do shift; done',
    'shift',
    'exec "$@"',
  ];
  fs.writeFileSync(exe, script.join('\n') + '\n', { mode: 0o755 });
  return { exe, log };
}

test('become, become_user, become_flags and become_exe at play, block and task level, with ansible_become_user above them', async () => {
  const sudo = fakeSudo();
  const run = await runProject({
    files: {
      'inventory.ini': 'h1 ansible_connection=local\nh2 ansible_connection=local ansible_become_user=fromvar\n',
      'site.yml': `
- hosts: h1,h2
  gather_facts: false
  become: true
  become_method: sudo
  become_user: app
  become_exe: ${sudo.exe}
  become_flags: -H -S -n -E
  serial: 1
  tasks:
    - {name: play level, command: "true"}
    - block:
        - {name: block level, command: "true"}
        - {name: task level, command: "true", become_user: root, become_flags: -n}
      become_user: web
    - {name: off, command: "true", become: false}
`,
    },
  });
  assert.equal(run.exitCode, 0, run.plain);
  assert.deepEqual(fs.readFileSync(sudo.log, 'utf8').trim().split('\n'), [
    '-H -S -n -E -u app',
    '-H -S -n -E -u web',
    '-n -u root',
    '-H -S -n -E -u fromvar',
    '-H -S -n -E -u fromvar',
    '-n -u fromvar',
  ]);
});

test('environment at play and task level merges (task wins), also when given as a template', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  environment: {A: play, B: play}
  vars:
    more: {C: templated}
  tasks:
    - {name: env, shell: 'echo "$A $B $C"', environment: {B: task}, register: one}
    - {name: env2, shell: 'echo "$A $C"', environment: "{{ more }}", register: two}
    - {name: show, debug: {msg: "{{ one.stdout }} / {{ two.stdout }}"}}
- hosts: web1
  gather_facts: false
  environment: "{{ base }}"
  vars:
    base: {A: templated-play, B: templated-play}
  tasks:
    - block:
        - {name: env3, shell: 'echo "$A $B $C"', environment: {B: task}, register: three}
      environment: {C: block}
    - {name: show3, debug: {msg: "{{ three.stdout }}"}}
`,
    },
  });
  assert.equal(debugMsgs(run, 'show').web1, 'play task  / play templated');
  assert.equal(debugMsgs(run, 'show3').web1, 'templated-play task block');
});

test('module_defaults at play, block and task level, by short or FQCN name; a task\'s own args win', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  module_defaults:
    ansible.builtin.command: {chdir: /tmp}
  tasks:
    - {name: play, command: pwd, register: a}
    - block:
        - {name: block, command: pwd, register: b}
        - {name: own arg, command: pwd, args: {chdir: /usr}, register: c}
      module_defaults: {ansible.legacy.command: {chdir: /}}
    - {name: shell untouched, shell: pwd, register: d}
    - name: show
      debug: {msg: "{{ a.stdout }} {{ b.stdout }} {{ c.stdout }} {{ d.stdout | basename }}"}
`,
    },
  });
  assert.equal(debugMsgs(run, 'show').web1, '/tmp / /usr web1', run.plain);
});

test('collections: ansible.builtin and a collection playwatch lacks still run builtin short names', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  collections: [community.general, ansible.builtin]
  tasks:
    - {name: builtin, command: "true"}
`,
    },
  });
  assert.deepEqual(run.results('builtin'), { web1: 'changed' });
});

test('play-level ignore_errors, no_log, check_mode, timeout and ignore_unreachable reach every task', async () => {
  const cases: Array<[string, string, (r: Awaited<ReturnType<typeof runProject>>) => void]> = [
    ['ignore_errors: true', '{name: t, command: "false"}', (r) => assert.equal(r.stats.web1.ignored, 1)],
    ['no_log: true', '{name: t, command: "echo secret"}', (r) => assert.doesNotMatch(r.plain, /secret/)],
    ['check_mode: true', '{name: t, command: "touch x"}', (r) => assert.deepEqual(r.results('t'), { web1: 'skipped' })],
    ['timeout: 1', '{name: t, command: "sleep 5"}', (r) => assert.match(String(r.of('host.failed')[0]?.result.msg), /timeout/)],
    ['ignore_unreachable: true', '{name: t, command: "true", delegate_to: nosuch.invalid}', (r) => assert.deepEqual([r.exitCode, r.stats.web1.ignored], [0, 1])],
  ];
  for (const [kw, task, check] of cases) {
    const run = await runProject({
      extraVars: { ansible_password: 'x' },
      files: { 'site.yml': `\n- hosts: web1\n  gather_facts: false\n  ${kw}\n  tasks:\n    - ${task}\n` },
    });
    check(run);
  }
});

test('play order: sorted, reverse_sorted and reverse_inventory decide the order hosts start', async () => {
  for (const [order, want] of [
    ['sorted', ['db1', 'web1', 'web2']],
    ['reverse_sorted', ['web2', 'web1', 'db1']],
    ['reverse_inventory', ['db1', 'web2', 'web1']],
  ] as const) {
    const run = await runProject({
      forks: 1,
      files: { 'site.yml': `\n- hosts: all\n  gather_facts: false\n  order: ${order}\n  tasks:\n    - {name: t, command: "true"}\n` },
    });
    assert.deepEqual(run.of('host.start').map((e) => e.host), want, order);
  }
});

test('run_once runs a task on the first host only and gives every host its registered result', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - {name: once, command: "echo {{ inventory_hostname }}", run_once: true, register: r}
    - {name: show, debug: {msg: "{{ r.stdout }}"}}
`,
    },
  });
  assert.deepEqual(run.results('once'), { web1: 'changed' });
  assert.deepEqual(debugMsgs(run, 'show'), { web1: 'web1', web2: 'web1' });
});

test('throttle: 1 lets one host run the task at a time, though forks allow more', async () => {
  const run = await runProject({
    forks: 5,
    files: { 'site.yml': '\n- hosts: all\n  gather_facts: false\n  tasks:\n    - {name: t, shell: "sleep 0.2", throttle: 1}\n' },
  });
  let busy = 0;
  let most = 0;
  for (const e of run.events) {
    if (e.type === 'host.start') most = Math.max(most, ++busy);
    if (e.type === 'host.ok') busy--;
  }
  assert.equal(most, 1);
  assert.equal(run.of('host.ok').length, 3);
});

test('gather_facts: true gathers facts on every host before the first task', async () => {
  const run = await runProject({
    files: { 'site.yml': '\n- hosts: web1\n  gather_facts: true\n  tasks:\n    - {name: show, debug: {msg: "{{ ansible_facts.hostname is defined }}"}}\n' },
  });
  assert.equal(run.of('task.start')[0].task.name, 'Gathering Facts');
  assert.equal(debugMsgs(run, 'show').web1, true);
});

test('keywords on a roles: entry reach the role\'s tasks, below the task\'s own and above the play\'s', async () => {
  const sudo = fakeSudo();
  const run = await runProject({
    files: {
      'roles/r/tasks/main.yml': `
- {name: in role, shell: 'echo "$R $P"; pwd', register: rr}
- {name: own user, command: "true", become_user: task}
- {name: show, debug: {msg: "{{ rr.stdout_lines | join(' ') }}"}}
`,
      'site.yml': `
- hosts: web1
  gather_facts: false
  environment: {P: play, R: play}
  become: true
  become_user: play
  become_exe: ${sudo.exe}
  roles:
    - role: r
      environment: {R: role}
      become_user: role
      module_defaults: {shell: {chdir: /tmp}}
`,
    },
  });
  assert.equal(run.exitCode, 0, run.plain);
  assert.equal(debugMsgs(run, 'show').web1, 'role play /tmp');
  assert.deepEqual(fs.readFileSync(sudo.log, 'utf8').trim().split('\n'), ['-n -H -S -u role', '-n -H -S -u task']);
});
