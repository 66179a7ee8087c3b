/**
 * delegate_to, delegate_facts and local_action through the real engine on
 * local hosts: each host's commands run in its own scratch directory, so a
 * command's `pwd` says where it ran. Output is compared with what
 * ansible-playbook 2.14 prints for the same playbook.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { debugMsgs, runProject } from '../helpers/run.js';

// Each host's deploy lock in its own scratch HOME, not the machine's shared /run/lock.
const INVENTORY = `w1 ansible_connection=local
w2 ansible_connection=local
lb2 ansible_connection=local ansible_host=127.0.0.1
lb1 ansible_connection=local
[all:vars]
playwatch_lock_path=~/.playwatch/lock
`;

const play = (tasks: string, hosts = 'w1') => `
- hosts: ${hosts}
  gather_facts: false
  tasks:
${tasks}`;

test('a command delegated to another inventory host runs there, with the task host\'s variables, and shows [w1 -> lb1]', async () => {
  const run = await runProject({
    files: {
      'inventory.ini': INVENTORY,
      'site.yml': play(`
    - name: out of the pool
      shell: echo "{{ inventory_hostname }} in $(pwd)"
      delegate_to: lb1
      register: r
    - {name: show, debug: {msg: "{{ r.stdout }}"}}
`),
    },
  });
  assert.equal(run.exitCode, 0);
  assert.equal(debugMsgs(run, 'show').w1, `w1 in ${path.join(run.hostsDir, 'lb1')}`);
  assert.match(run.plain, /^changed: \[w1 -> lb1\]$/m);
  const ok = run.of('host.ok').find((e) => e.task.name === 'out of the pool')!;
  assert.equal(ok.host, 'w1');
  assert.equal(ok.delegate, 'lb1');
  assert.equal(ok.delegateAddress, undefined);
});

test('the label names the delegated host\'s address when it differs from its name, as ansible-core does', async () => {
  const run = await runProject({
    files: {
      'inventory.ini': INVENTORY,
      'site.yml': play(`
    - {name: one, command: "true", delegate_to: lb2}
    - {name: items, command: "echo {{ item }}", delegate_to: lb2, loop: [a]}
    - {name: fails, command: "false", delegate_to: lb2, ignore_errors: true}
    - {name: skipped, command: "true", delegate_to: lb2, when: false}
    - {name: itself, command: "true", delegate_to: w1}
`),
    },
  });
  // ansible-playbook 2.14 prints exactly these lines for the same tasks.
  for (const line of [
    'changed: [w1 -> lb2(127.0.0.1)]',
    'changed: [w1 -> lb2(127.0.0.1)] => (item=a)',
    'fatal: [w1 -> lb2(127.0.0.1)]: FAILED! => {"changed": true, "cmd": ["false"],',
    'skipping: [w1]',
    'changed: [w1]',
  ]) {
    assert.ok(run.plain.split('\n').some((l) => l.startsWith(line)), `missing: ${line}\n${run.plain}`);
  }
});

test('a task delegated to a name that is not in the inventory connects to that name and is unreachable as in ansible-core', async () => {
  const run = await runProject({
    // A password so the SSH transport gets as far as looking the name up.
    extraVars: { ansible_password: 'unused' },
    files: {
      'inventory.ini': INVENTORY,
      'site.yml': play(`
    - {name: nowhere, command: "true", delegate_to: nosuch.invalid}
    - {name: after, command: "true"}
`),
    },
  });
  assert.equal(run.exitCode, 4);
  assert.deepEqual(run.results('nowhere'), { w1: 'unreachable' });
  assert.deepEqual(run.results('after'), {});
  assert.match(run.plain, /^fatal: \[w1 -> nosuch\.invalid\]: UNREACHABLE! => \{"changed": false, "msg": ".*nosuch\.invalid.*", "unreachable": true\}$/m);
  assert.match(run.plain, /^w1 +: ok=0 +changed=0 +unreachable=1 +failed=0 +skipped=0 +rescued=0 +ignored=0/m);
  assert.equal(run.stats.lb2, undefined);
});

test('delegate_to is templated per host and per loop item', async () => {
  const run = await runProject({
    files: {
      'inventory.ini': INVENTORY,
      'site.yml': play(
        `
    - name: to my balancer
      command: pwd
      delegate_to: "{{ 'lb2' if inventory_hostname == 'w1' else 'lb1' }}"
      register: mine
    - name: each balancer
      command: pwd
      delegate_to: "{{ item }}"
      loop: [lb2, lb1]
      register: each
    - name: show
      debug: {msg: "{{ mine.stdout | basename }} {{ each.results | map(attribute='stdout') | map('basename') | join(',') }}"}
`,
        'w1,w2',
      ),
    },
  });
  assert.equal(run.exitCode, 0, run.plain);
  assert.deepEqual(debugMsgs(run, 'show'), { w1: 'lb2 lb2,lb1', w2: 'lb1 lb2,lb1' });
  assert.match(run.plain, /^changed: \[w2 -> lb1\] => \(item=lb1\)$/m);
});

test('a block\'s delegate_to applies to its tasks', async () => {
  const run = await runProject({
    files: {
      'inventory.ini': INVENTORY,
      'site.yml': play(`
    - block:
        - {name: inner, command: pwd, register: r}
      delegate_to: lb1
    - {name: show, debug: {msg: "{{ r.stdout | basename }}"}}
`),
    },
  });
  assert.equal(debugMsgs(run, 'show').w1, 'lb1');
});

test('delegate_facts: true puts the facts on the delegated host; without it they stay on the task host', async () => {
  const run = await runProject({
    files: {
      'inventory.ini': INVENTORY,
      'site.yml': `
- hosts: w1
  gather_facts: false
  tasks:
    - {set_fact: {pool_state: drained}, delegate_to: lb1, delegate_facts: true}
    - {set_fact: {mine: 1}, delegate_to: lb1}
    - {setup: {filter: [ansible_hostname]}, delegate_to: lb1, delegate_facts: true}
    - {name: seen, debug: {msg: "{{ hostvars.lb1.pool_state }} {{ pool_state | default('none') }} {{ mine }} {{ hostvars.lb1.mine | default('none') }}"}}
    - {name: gathered, debug: {msg: "{{ hostvars.lb1.ansible_facts.hostname is defined }} {{ ansible_facts.hostname is defined }}"}}
- hosts: lb1
  gather_facts: false
  tasks:
    - {name: later, debug: {msg: "{{ pool_state }}"}}
`,
    },
  });
  assert.equal(run.exitCode, 0, run.plain);
  assert.equal(debugMsgs(run, 'seen').w1, 'drained none 1 none');
  assert.equal(debugMsgs(run, 'gathered').w1, 'True False');
  assert.equal(debugMsgs(run, 'later').lb1, 'drained');
});

test('local_action runs the module on localhost, labelled [w1 -> localhost]', async () => {
  const run = await runProject({
    files: {
      'inventory.ini': INVENTORY,
      // The implicit localhost is local even under a play's connection: ssh.
      'site.yml': `
- hosts: w1
  gather_facts: false
  connection: ssh
  tasks:
    - {name: here, local_action: command pwd, register: r}
    - {name: mapping form, local_action: {module: command, cmd: pwd}, register: m}
    - {name: show, debug: {msg: "{{ r.stdout | basename }} {{ m.stdout | basename }}"}}
`,
    },
  });
  assert.equal(debugMsgs(run, 'show').w1, 'localhost localhost');
  assert.match(run.plain, /^changed: \[w1 -> localhost\]$/m);
});

test('tasks delegated to one host share one connection to it, and the deploy lock is taken there too', async () => {
  const opened: string[] = [];
  const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-hosts-'));
  const run = await runProject({
    hostsDir,
    wrapTransport: (t, host) => {
      opened.push(host);
      return t;
    },
    lock: { holder: { user: 'u', controller: 'c', pid: process.pid, run: 'r1', playbook: 'site.yml', started: Math.floor(Date.now() / 1000) }, breakStale: false, staleAfterSec: 3600 },
    files: {
      'inventory.ini': INVENTORY,
      'site.yml': play(
        `
    - {name: first, command: "true", delegate_to: lb1}
    - {name: second, command: "true", delegate_to: lb1}
    - {name: locked, command: "cat {{ lock }}", register: held, delegate_to: w1}
    - {name: show, debug: {msg: "{{ held.stdout_lines | select('match', '^run=') | first }}"}}
`,
        'w1,w2',
      ),
      'group_vars/all.yml': `lock: ${path.join(hostsDir, 'lb1', '.playwatch', 'lock', 'info')}\n`,
    },
  });
  assert.equal(run.exitCode, 0, run.plain);
  assert.deepEqual(opened.filter((h) => h === 'lb1'), ['lb1']);
  assert.deepEqual(debugMsgs(run, 'show'), { w1: 'run=r1', w2: 'run=r1' });
  // Released at the end, like every host's.
  assert.equal(fs.existsSync(path.join(hostsDir, 'lb1', '.playwatch', 'lock')), false);
});
