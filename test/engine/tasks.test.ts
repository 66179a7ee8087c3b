import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProject, debugMsgs } from '../helpers/run.js';

test('when skips the hosts whose condition is false and runs the others', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: only web
      command: "true"
      when: "'web' in group_names"
`,
    },
  });
  assert.deepEqual(run.results('only web'), { web1: 'changed', web2: 'changed', db1: 'skipped' });
  assert.equal(run.exitCode, 0);
});

test('register keeps the result and later tasks read it', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: echo
      shell: echo hello-{{ inventory_hostname }}
      register: out
    - name: show
      debug:
        msg: "{{ out.stdout }} rc={{ out.rc }} lines={{ out.stdout_lines | length }}"
`,
    },
  });
  assert.deepEqual(debugMsgs(run, 'show'), { web1: 'hello-web1 rc=0 lines=1' });
});

test('loop runs once per item with loop_control label, loop_var and index_var', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: items
      shell: echo {{ pkg.name }}-{{ idx }}
      loop: [{name: a}, {name: b}, {name: c}]
      loop_control: {loop_var: pkg, index_var: idx, label: "{{ pkg.name }}"}
      register: r
    - name: joined
      debug:
        msg: "{{ r.results | map(attribute='stdout') | join(',') }}"
    - name: with_items flattens
      debug:
        msg: "{{ item }}"
      with_items: [[1, 2], 3]
`,
    },
  });
  const items = run.of('host.ok').filter((e) => e.task.name === 'items' && e.item !== undefined).map((e) => e.item);
  assert.deepEqual(items, ['a', 'b', 'c']);
  assert.deepEqual(debugMsgs(run, 'joined'), { web1: 'a-0,b-1,c-2' });
  const flat = run.of('host.ok').filter((e) => e.task.name === 'with_items flattens' && e.item !== undefined).map((e) => e.item);
  assert.deepEqual(flat, ['1', '2', '3']);
});

test("a loop item that is not a string is labelled as ansible-core prints it: Python's str() of the item or of the label", async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: items, debug: {msg: x}, loop: [{src: a.j2, dest: a}, [1, "b"], true, null, 2.5]}
    - {name: labels, debug: {msg: x}, loop: [{src: a.j2}], loop_control: {label: "{{ item }}"}}
`,
    },
  });
  const items = (name: string) => run.of('host.ok').filter((e) => e.task.name === name && e.item !== undefined).map((e) => e.item);
  // ansible-playbook 2.14 prints (item={'src': 'a.j2', 'dest': 'a'}), (item=[1, 'b']), (item=True), (item=None), (item=2.5).
  assert.deepEqual(items('items'), ["{'src': 'a.j2', 'dest': 'a'}", "[1, 'b']", 'True', 'None', '2.5']);
  assert.deepEqual(items('labels'), ["{'src': 'a.j2'}"]);
  assert.match(run.plain, /^ok: \[web1\] => \(item=\{'src': 'a\.j2', 'dest': 'a'\}\) => \{$/m);
});

test('until retries a task, reports each retry, and fails when retries run out', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: eventually
      shell: n=$(cat c 2>/dev/null || echo 0); n=$((n+1)); echo $n > c; echo $n
      register: r
      until: r.stdout | int >= 3
      retries: 5
      delay: 1
    - name: never
      command: "false"
      register: r2
      until: r2.rc == 0
      retries: 2
      delay: 1
`,
    },
  });
  const retries = run.of('host.retry').filter((e) => e.task.name === 'eventually');
  assert.deepEqual(retries.map((e) => e.retriesLeft), [5, 4]);
  assert.equal(run.results('eventually').web1, 'changed');
  assert.equal(run.results('never').web1, 'failed');
  assert.equal(run.of('host.retry').filter((e) => e.task.name === 'never').length, 2);
  assert.match(run.plain, /FAILED - RETRYING: \[web1\]: eventually \(5 retries left\)\./);
  assert.equal(run.exitCode, 2);
});

test('ignore_errors lets the host go on and counts the failure as ignored', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: breaks
      command: "false"
      ignore_errors: true
    - name: after
      command: "true"
`,
    },
  });
  assert.equal(run.results('breaks').web1, 'ignored');
  assert.equal(run.results('after').web1, 'changed');
  assert.equal(run.stats.web1.ignored, 1);
  assert.equal(run.stats.web1.failed, 0);
  assert.equal(run.exitCode, 0);
  assert.match(run.plain, /\.\.\.ignoring/);
});

test('changed_when and failed_when override the module result using the registered value', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: quiet
      command: echo same
      register: q
      changed_when: "'changed' in q.stdout"
    - name: grep-like
      shell: echo ERROR; exit 0
      register: g
      failed_when: "'ERROR' in g.stdout"
    - name: not reached
      command: "true"
`,
    },
  });
  assert.equal(run.results('quiet').web1, 'ok');
  assert.equal(run.results('grep-like').web1, 'failed');
  assert.deepEqual(run.results('not reached'), {});
  assert.equal(run.exitCode, 2);
});

test('a failed host stops while the others finish the play', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: fail on db
      command: "false"
      when: inventory_hostname == 'db1'
    - name: next
      command: "true"
`,
    },
  });
  assert.deepEqual(run.results('next'), { web1: 'changed', web2: 'changed' });
  assert.equal(run.stats.db1.failed, 1);
  assert.equal(run.exitCode, 2);
});

test('an undefined variable fails the host with the variable name and the task position', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: oops
      debug:
        msg: "{{ not_there }}"
`,
    },
  });
  const failed = run.of('host.failed')[0];
  assert.match(String(failed.result.msg), /site\.yml:5:7: .*not_there/);
  assert.equal(run.exitCode, 2);
});

test('set_fact values outrank play vars and are visible to later tasks', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  vars: {color: blue}
  tasks:
    - set_fact:
        color: red
        size: "{{ 2 * 21 }}"
    - name: show
      debug:
        msg: "{{ color }} {{ size }}"
`,
    },
  });
  assert.deepEqual(debugMsgs(run, 'show'), { web1: 'red 42' });
});

test('check mode skips modules that cannot check and runs those that can', async () => {
  const run = await runProject({
    check: true,
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: would change
      command: touch should-not-exist
    - name: talk
      debug: {msg: hi}
`,
    },
  });
  assert.equal(run.results('would change').web1, 'skipped');
  assert.equal(run.results('talk').web1, 'ok');
});

test('with_dict loops over key/value pairs and with_indexed_items over index/item pairs', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: dict
      debug: {msg: "{{ item.key }}={{ item.value }}"}
      with_dict: {a: 1, b: 2}
    - name: indexed
      debug: {msg: "{{ item.0 }}:{{ item.1 }}"}
      with_indexed_items: [x, y]
`,
    },
  });
  const msgs = (name: string) => run.of('host.ok').filter((e) => e.task.name === name && e.item !== undefined).map((e) => e.result.msg);
  assert.deepEqual(msgs('dict'), ['a=1', 'b=2']);
  assert.deepEqual(msgs('indexed'), ['0:x', '1:y']);
});
