import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProject, debugMsgs } from '../helpers/run.js';

test('a failure in block runs rescue, then always, and the host is rescued', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - block:
        - name: breaks
          command: "false"
        - name: skipped by the failure
          command: "true"
      rescue:
        - name: rescue
          debug:
            msg: "rescued {{ ansible_failed_task.name }} rc={{ ansible_failed_result.rc }}"
      always:
        - name: always
          command: "true"
    - name: after
      command: "true"
`,
    },
  });
  assert.deepEqual(run.results('skipped by the failure'), {});
  assert.deepEqual(debugMsgs(run, 'rescue'), { web1: 'rescued breaks rc=1' });
  assert.equal(run.results('always').web1, 'changed');
  assert.equal(run.results('after').web1, 'changed');
  assert.equal(run.stats.web1.rescued, 1);
  assert.equal(run.stats.web1.failed, 0);
  assert.equal(run.exitCode, 0);
});

test('a failure inside rescue fails the host but always still runs', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - block:
        - {name: breaks, command: "false"}
      rescue:
        - {name: rescue breaks too, command: "false"}
      always:
        - {name: always, command: "true"}
    - {name: after, command: "true"}
`,
    },
  });
  assert.equal(run.results('rescue breaks too').web1, 'failed');
  assert.equal(run.results('always').web1, 'changed');
  assert.deepEqual(run.results('after'), {});
  assert.equal(run.stats.web1.failed, 1);
  assert.equal(run.exitCode, 2);
});

test('a failure inside always fails the host after the block', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - block:
        - {name: fine, command: "true"}
      always:
        - {name: always breaks, command: "false"}
        - {name: always goes on, command: "true"}
    - {name: after, command: "true"}
`,
    },
  });
  assert.equal(run.results('always breaks').web1, 'failed');
  assert.deepEqual(run.results('always goes on'), {});
  assert.deepEqual(run.results('after'), {});
  assert.equal(run.exitCode, 2);
});

test('a host failing without rescue still runs always and stays failed', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - block:
        - name: fail on web2
          command: "false"
          when: inventory_hostname == 'web2'
      always:
        - {name: cleanup, command: "true"}
    - {name: after, command: "true"}
`,
    },
  });
  assert.deepEqual(run.results('cleanup'), { web1: 'changed', web2: 'changed' });
  assert.deepEqual(run.results('after'), { web1: 'changed' });
  assert.equal(run.stats.web2.failed, 1);
});

test('block when and vars are inherited by the tasks inside', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: inside
          debug: {msg: "{{ greeting }}"}
      when: "'db' in group_names"
      vars: {greeting: hello-db}
`,
    },
  });
  assert.deepEqual(run.results('inside'), { web1: 'skipped', web2: 'skipped', db1: 'ok' });
  assert.deepEqual(debugMsgs(run, 'inside'), { db1: 'hello-db' });
});
