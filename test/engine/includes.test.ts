import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProject, debugMsgs } from '../helpers/run.js';

const ROLE_FILES = {
  'roles/app/tasks/main.yml': `
- name: app main
  debug: {msg: "app {{ app_port }}"}
`,
  'roles/app/tasks/extra.yml': `
- name: app extra
  debug: {msg: "extra {{ app_port }}"}
`,
  'roles/app/defaults/main.yml': 'app_port: 80\n',
};

test('import_tasks is static: tags and when on the import reach every task', async () => {
  const files = {
    'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - import_tasks: more.yml
      tags: [more]
      when: run_more | default(true)
    - {name: untagged, command: "true"}
`,
    'more.yml': `
- {name: imported one, command: "true"}
- {name: imported two, command: "true"}
`,
  };
  const tagged = await runProject({ files, tags: ['more'] });
  assert.deepEqual(tagged.of('task.start').map((e) => e.task.name), ['imported one', 'imported two']);
  const off = await runProject({ files, extraVars: { run_more: false } });
  assert.deepEqual(off.results('imported one'), { web1: 'skipped' });
});

test('include_tasks is dynamic: the file name is templated and loops pass item', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  vars: {which: step}
  tasks:
    - include_tasks: "{{ which }}.yml"
      loop: [a, b]
`,
      'step.yml': `
- name: step
  debug: {msg: "step {{ item }}"}
`,
    },
  });
  const msgs = run.of('host.ok').filter((e) => e.task.name === 'step').map((e) => e.result.msg);
  assert.deepEqual(msgs, ['step a', 'step b']);
});

test('include_tasks with tags runs only when selected, but its tasks are not tagged by it', async () => {
  const files = {
    'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - include_tasks: inc.yml
      tags: [inc]
`,
    'inc.yml': `
- {name: tagged inside, command: "true", tags: [inc]}
- {name: untagged inside, command: "true"}
`,
  };
  const run = await runProject({ files, tags: ['inc'] });
  const names = run.of('task.start').map((e) => e.task.name);
  assert.ok(names.includes('tagged inside'));
  assert.ok(!names.includes('untagged inside'));
  const skipped = await runProject({ files, skipTags: ['inc'] });
  assert.ok(!skipped.of('task.start').some((e) => e.task.name === 'tagged inside'));
});

test('import_role and include_role run role tasks with role defaults and tasks_from', async () => {
  const run = await runProject({
    files: {
      ...ROLE_FILES,
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - import_role: {name: app}
    - include_role: {name: app, tasks_from: extra}
      vars: {app_port: 8080}
`,
    },
  });
  assert.deepEqual(debugMsgs(run, 'app main'), { web1: 'app 80' });
  assert.deepEqual(debugMsgs(run, 'app extra'), { web1: 'extra 8080' });
  const roles = run.of('task.start').filter((e) => e.task.name.startsWith('app')).map((e) => e.task.role);
  assert.deepEqual(roles, ['app', 'app']);
});

test('role tags from the play reach the role tasks', async () => {
  const files = {
    ...ROLE_FILES,
    'site.yml': `
- hosts: web1
  gather_facts: false
  roles:
    - {role: app, tags: [app]}
  tasks:
    - {name: plain task, command: "true"}
`,
  };
  const run = await runProject({ files, tags: ['app'] });
  assert.deepEqual(run.of('task.start').map((e) => e.task.name), ['app main']);
  const skip = await runProject({ files, skipTags: ['app'] });
  assert.deepEqual(skip.of('task.start').map((e) => e.task.name), ['plain task']);
});

test('always-tagged tasks run under --tags and never-tagged tasks only when asked', async () => {
  const files = {
    'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: a, command: "true", tags: [always]}
    - {name: b, command: "true", tags: [b]}
    - {name: n, command: "true", tags: [never, debug]}
`,
  };
  assert.deepEqual((await runProject({ files, tags: ['b'] })).of('task.start').map((e) => e.task.name), ['a', 'b']);
  assert.deepEqual((await runProject({ files })).of('task.start').map((e) => e.task.name), ['a', 'b']);
  assert.deepEqual((await runProject({ files, tags: ['debug'] })).of('task.start').map((e) => e.task.name), ['a', 'n']);
  assert.deepEqual((await runProject({ files, skipTags: ['always'] })).of('task.start').map((e) => e.task.name), ['b']);
});

test('--limit narrows the play hosts', async () => {
  const run = await runProject({
    limit: 'web:!web2',
    files: {
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: t, command: "true"}
`,
    },
  });
  assert.deepEqual(run.results('t'), { web1: 'changed' });
});

test('the plain output prints included: lines as ansible-core (one per file and item, none for include_role), and the recap counts them as it does', async () => {
  const run = await runProject({
    files: {
      ...ROLE_FILES,
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - include_tasks: more.yml
      loop: [a, b]
    - include_role: {name: app}
`,
      'more.yml': '- {name: more, debug: {msg: "{{ item }}"}}\n',
    },
  });
  const lines = run.plain.split('\n');
  const included = lines.filter((l) => l.startsWith('included: '));
  assert.deepEqual(included.map((l) => l.replace(/^included: \S*\/more\.yml/, 'included: more.yml')), [
    'included: more.yml for web1 => (item=a)',
    'included: more.yml for web1 => (item=b)',
  ]);
  const at = lines.findIndex((l) => l.startsWith('TASK [include_role : app] ***'));
  assert.ok(at > 0, run.plain);
  const next = lines.slice(at + 1).find((l) => /^(TASK|ok:|changed:|included:)/.test(l));
  assert.ok(next?.startsWith('TASK [app : '), `nothing printed for include_role:\n${run.plain}`);
  // ansible-core 2.14: ok=5 (two included files, two debug items' tasks, the role's task; include_role itself counts nothing).
  assert.equal(run.stats.web1.ok, 5);
});
