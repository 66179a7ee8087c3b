import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProject, debugMsgs } from '../helpers/run.js';

test('no_log hides a task result in every event but keeps the registered value whole', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: hidden
      shell: echo s3cr3t-output
      register: r
      no_log: true
    - name: uses it
      debug: {msg: "len={{ r.stdout | length }}"}
`,
    },
  });
  const all = JSON.stringify(run.events);
  assert.ok(!all.includes('s3cr3t-output'), 'the output is in no event');
  const hidden = run.of('host.ok').find((e) => e.task.name === 'hidden')!;
  assert.match(String(hidden.result.censored), /no_log: true/);
  assert.deepEqual(debugMsgs(run, 'uses it'), { web1: 'len=13' });
  assert.ok(!run.plain.includes('s3cr3t-output'));
});

test('values of secret-named variables are masked wherever they appear', async () => {
  const run = await runProject({
    extraVars: { api_token: 'tok-12345' },
    files: {
      'group_vars/all.yml': 'db_password: hunter22\n',
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: leaky
      shell: echo "connecting with {{ db_password }} and {{ api_token }}"
`,
    },
  });
  const all = JSON.stringify(run.events) + run.plain;
  assert.ok(!all.includes('hunter22'));
  assert.ok(!all.includes('tok-12345'));
  const leaky = run.of('host.ok').find((e) => e.task.name === 'leaky')!;
  assert.equal(leaky.result.stdout, 'connecting with ******** and ********');
});
