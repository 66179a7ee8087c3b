import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProject } from '../helpers/run.js';

const handlerStarts = (run: Awaited<ReturnType<typeof runProject>>) => run.of('handler.start').map((e) => e.task.name);

test('a changed task notifies its handler, which runs once at the end of the section', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - {name: change a, command: "true", notify: restart}
    - {name: change b, command: "true", notify: restart}
    - {name: unchanged, command: "true", changed_when: false, notify: other}
  handlers:
    - {name: restart, command: "true"}
    - {name: other, command: "true"}
`,
    },
  });
  assert.deepEqual(handlerStarts(run), ['restart']);
  assert.deepEqual(run.results('restart'), { web1: 'changed', web2: 'changed' });
  const order = run.events.filter((e) => e.type === 'task.start' || e.type === 'handler.start').map((e) => ('task' in e ? e.task.name : ''));
  assert.deepEqual(order, ['change a', 'change b', 'unchanged', 'restart']);
});

test('listen topics reach every handler that listens, in definition order', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: change, command: "true", notify: restart web stack}
  handlers:
    - {name: restart memcached, command: "true", listen: restart web stack}
    - {name: unrelated, command: "true"}
    - {name: restart apache, command: "true", listen: [restart web stack]}
`,
    },
  });
  assert.deepEqual(handlerStarts(run), ['restart memcached', 'restart apache']);
});

test('meta flush_handlers runs notified handlers at that point', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: change, command: "true", notify: h}
    - meta: flush_handlers
    - {name: later, command: "true"}
  handlers:
    - {name: h, command: "true"}
`,
    },
  });
  const order = run.events.filter((e) => e.type === 'task.start' || e.type === 'handler.start').map((e) => ('task' in e ? e.task.name : ''));
  // The meta task has its own banner (`TASK [meta]`), as in ansible-core.
  assert.deepEqual(order, ['change', 'meta', 'h', 'later']);
});

test("a failed host's handlers do not run unless force_handlers is set", async () => {
  const playbook = (force: boolean) => `
- hosts: web
  gather_facts: false
  force_handlers: ${force}
  tasks:
    - {name: change, command: "true", notify: h}
    - name: fail web2
      command: "false"
      when: inventory_hostname == 'web2'
  handlers:
    - {name: h, command: "true"}
`;
  const plain = await runProject({ files: { 'site.yml': playbook(false) } });
  assert.deepEqual(plain.results('h'), { web1: 'changed' });
  const forced = await runProject({ files: { 'site.yml': playbook(true) } });
  assert.deepEqual(forced.results('h'), { web1: 'changed', web2: 'changed' });
});

test('handlers flush after pre_tasks, after tasks and after post_tasks', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  pre_tasks:
    - {name: pre, command: "true", notify: h}
  tasks:
    - {name: main, command: "true", notify: h}
  post_tasks:
    - {name: post, command: "true", notify: h}
  handlers:
    - {name: h, command: "true"}
`,
    },
  });
  const order = run.events.filter((e) => e.type === 'task.start' || e.type === 'handler.start').map((e) => ('task' in e ? e.task.name : ''));
  assert.deepEqual(order, ['pre', 'h', 'main', 'h', 'post', 'h']);
});

test('notifying a handler that does not exist is an error before anything runs', async () => {
  await assert.rejects(
    runProject({
      files: {
        'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: change, command: "true", notify: nope}
  handlers:
    - {name: h, command: "true"}
`,
      },
    }),
    /site\.yml:5:7: the handler 'nope' is not defined/,
  );
});

test('an include_tasks handler runs its tasks as handlers, by name and by listen, with its loop', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: change, command: "true", notify: [by name, topic]}
  handlers:
    - name: by name
      include_tasks: h.yml
      loop: [1, 2]
    - name: listener
      include_tasks: h2.yml
      listen: topic
    - name: skipped
      include_tasks: h2.yml
`,
      'h.yml': '- {name: "inner {{ item }}", command: "true"}\n',
      'h2.yml': '- {name: inner two, command: "true"}\n',
    },
  });
  assert.deepEqual(handlerStarts(run), ['by name', 'inner 1', 'inner 2', 'listener', 'inner two']);
  assert.equal(run.of('task.start').filter((e) => e.task.name.startsWith('inner')).length, 0);
  assert.deepEqual(run.results('inner two'), { web1: 'changed' });
});

test('a notify by name reaches one of several same-named handlers, as ansible-core picks it; listen reaches all', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  roles: [r]
  tasks:
    - import_role: {name: r}
    - {name: change, command: "true", notify: [same, later]}
  handlers:
    - {name: same, command: "echo first"}
    - {name: same, command: "echo second"}
    - {name: hears same, command: "true", listen: same}
    - {name: later, command: "echo plain"}
    - block:
        - {name: later, command: "echo in block"}
`,
      'roles/r/tasks/main.yml': '- {name: t, command: "true", notify: rh}\n',
      'roles/r/handlers/main.yml': '- {name: rh, command: "true"}\n',
    },
  });
  // rh: the role's handlers are loaded twice (roles: and import_role), and run once.
  assert.deepEqual(handlerStarts(run), ['rh', 'same', 'hears same', 'later']);
  const cmds = run.of('host.ok').filter((e) => e.task.name === 'same' || e.task.name === 'later').map((e) => (e.result as { cmd?: unknown }).cmd);
  assert.deepEqual(cmds, [['echo', 'first'], ['echo', 'in', 'block']]);
});
