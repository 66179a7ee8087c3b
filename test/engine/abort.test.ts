import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RunControl } from '../../src/engine/index.js';
import { runProject } from '../helpers/run.js';

import { processesGone } from '../helpers/ps.js';

/** Calls `act` once the first host has started the task named `task`. */
function whenStarted(control: RunControl, task: string, act: () => void) {
  let fired = false;
  return (e: { type: string; task?: { name: string } }) => {
    if (!fired && e.type === 'host.start' && e.task?.name === task) {
      fired = true;
      setTimeout(act, 150);
    }
  };
}

test('drain lets the running task finish on every host and starts nothing new', async () => {
  const control = new RunControl();
  const run = await runProject({
    control,
    onEvent: whenStarted(control, 'slow', () => control.drain('test')),
    files: {
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: slow, command: sleep 0.6}
    - {name: next, command: "true"}
`,
    },
  });
  assert.deepEqual(run.results('slow'), { web1: 'changed', web2: 'changed', db1: 'changed' });
  assert.deepEqual(run.results('next'), {});
  assert.equal(run.exitCode, 99);
  assert.equal(run.of('abort.requested')[0].mode, 'drain');
  assert.deepEqual(run.resume, { done: [], notStarted: [], at: [{ task: 'slow', hosts: ['web1', 'web2', 'db1'] }] });
});

test('drain still runs always blocks and handlers already notified', async () => {
  const control = new RunControl();
  const run = await runProject({
    control,
    onEvent: whenStarted(control, 'slow', () => control.drain('test')),
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: notify, command: "true", notify: h}
    - block:
        - {name: slow, command: sleep 0.5}
        - {name: never, command: "true"}
      always:
        - {name: cleanup, command: "true"}
  handlers:
    - {name: h, command: "true"}
`,
    },
  });
  assert.deepEqual(run.results('never'), {});
  assert.deepEqual(run.results('cleanup'), { web1: 'changed' });
  assert.deepEqual(run.results('h'), { web1: 'changed' });
});

test('kill ends running commands and the async jobs of the run on every host', async () => {
  const control = new RunControl();
  const tag = `pw-kill-${process.pid}-${Date.now()}`;
  const run = await runProject({
    control,
    onEvent: whenStarted(control, 'hang', () => control.kill('test')),
    files: {
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: background, shell: "exec sleep 30 # ${tag}-job", async: 60, poll: 0}
    - {name: hang, shell: "sleep 30 # ${tag}-cmd"}
`,
    },
  });
  assert.equal(run.exitCode, 99);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(await processesGone(`${tag}-cmd`), 'no running command is left');
  assert.ok(await processesGone(`${tag}-job`), 'no async job is left');
  for (const h of ['web1', 'web2', 'db1']) {
    const dir = path.join(run.hostsDir, h, '.playwatch_async');
    const left = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    const detail = left.map((j) => `${j}: ${fs.readdirSync(path.join(dir, j)).join(',')}`).join('; ');
    assert.deepEqual(left, [], `${h} has no async files left (${detail}; events: ${JSON.stringify(run.events.filter((e) => 'host' in e && e.host === h).map((e) => [e.type, e.at]))})`);
  }
});

test('a drain that outlasts its timeout turns into a kill', async () => {
  const control = new RunControl();
  const tag = `pw-drain-${process.pid}-${Date.now()}`;
  const started = Date.now();
  const run = await runProject({
    control,
    drainTimeoutMs: 300,
    onEvent: whenStarted(control, 'hang', () => control.drain('test')),
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: hang, shell: "sleep 30 # ${tag}"}
`,
    },
  });
  assert.ok(Date.now() - started < 10_000);
  assert.deepEqual(run.of('abort.requested').map((e) => [e.mode, e.source]), [['drain', 'test'], ['kill', 'drain timeout']]);
  assert.ok(await processesGone(tag));
  assert.equal(run.exitCode, 99);
});

test('pause holds new tasks until resume', async () => {
  const control = new RunControl();
  let resumedAt = 0;
  const run = await runProject({
    control,
    onEvent: (e) => {
      if (e.type === 'host.start' && e.task.name === 'first') {
        control.pause('test');
        control.pause('twice');
      }
      // Resume a while after the first task ended, however slow the machine is.
      if (e.type === 'host.ok' && e.task.name === 'first') {
        setTimeout(() => {
          resumedAt = Date.now();
          control.resume('timer');
        }, 300);
      }
    },
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: first, command: "true"}
    - {name: second, command: "true"}
`,
    },
  });
  const second = run.of('task.start').find((e) => e.task.name === 'second')!;
  assert.ok(resumedAt > 0, 'the run was resumed');
  assert.ok(second.wall >= resumedAt, `the second task started ${resumedAt - second.wall} ms before resume`);
  const steps = run.events.filter((e) => e.type === 'run.paused' || e.type === 'run.resumed').map((e) => `${e.type} ${'source' in e ? e.source : ''}`);
  assert.deepEqual(steps, ['run.paused test', 'run.resumed timer']);
  assert.equal(run.exitCode, 0);
});

test('a drain while paused resumes the run first (run.resumed, then abort.requested)', async () => {
  const control = new RunControl();
  const run = await runProject({
    control,
    onEvent: (e) => {
      if (e.type === 'host.ok' && e.task.name === 'first') {
        control.pause('tui');
        setTimeout(() => control.drain('tui'), 50);
      }
    },
    files: { 'site.yml': '- hosts: web1\n  gather_facts: false\n  tasks:\n    - {name: first, command: "true"}\n    - {name: second, command: "true"}\n' },
  });
  const kinds = run.events.map((e) => e.type).filter((t) => t.startsWith('run.p') || t.startsWith('run.r') || t.startsWith('abort.'));
  assert.deepEqual(kinds, ['run.paused', 'run.resumed', 'abort.requested', 'abort.done']);
  assert.equal(run.of('task.start').filter((e) => e.task.name === 'second').length, 0);
  assert.equal(run.exitCode, 99);
});

test('--start-at-task skips the tasks before the first match, by role-qualified name or glob', async () => {
  const files = {
    'roles/app/tasks/main.yml': '- {name: one, command: "true"}\n- {name: two, command: "true"}\n',
    'site.yml': `
- hosts: web1
  gather_facts: false
  roles: [app]
  tasks:
    - {name: three, command: "true"}
`,
  };
  const byRole = await runProject({ files, startAtTask: 'app : two' });
  assert.deepEqual(byRole.of('task.start').map((e) => e.task.name), ['two', 'three']);
  const byGlob = await runProject({ files, startAtTask: 'thr*' });
  assert.deepEqual(byGlob.of('task.start').map((e) => e.task.name), ['three']);
  const none = await runProject({ files, startAtTask: 'nope' });
  assert.deepEqual(none.of('task.start').map((e) => e.task.name), []);
  assert.match(none.plain, /no task matching 'nope' was found/);
});

test('a failed run reports where each host stopped, for the resume commands', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: breaks on db1
      command: "false"
      when: inventory_hostname == 'db1'
    - {name: after, command: "true"}
`,
    },
  });
  assert.deepEqual(run.resume, { done: ['web1', 'web2'], notStarted: [], at: [{ task: 'breaks on db1', hosts: ['db1'] }] });
});

test('hosts still waiting for a fork when the drain comes do not start the task', async () => {
  const control = new RunControl();
  const run = await runProject({
    control,
    forks: 1,
    onEvent: whenStarted(control, 'slow', () => control.drain('test')),
    files: {
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: slow, command: sleep 0.5}
`,
    },
  });
  assert.deepEqual(run.results('slow'), { web1: 'changed' });
  assert.deepEqual(run.resume, { done: [], notStarted: ['web2', 'db1'], at: [{ task: 'slow', hosts: ['web1'] }] });
});
