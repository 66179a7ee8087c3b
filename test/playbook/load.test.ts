import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Task } from '../../src/model/index.js';
import { loadPlaybook } from '../../src/playbook/index.js';
import { byName, fixture, flat, testModules, tree } from './helpers.js';

const site = () => loadPlaybook(fixture('basic', 'site.yml'), { modules: testModules });

test('plays keep their name, hosts joined with commas, and modelled keywords', () => {
  const pb = site();
  assert.equal(pb.dir, fixture('basic'));
  assert.equal(pb.plays.length, 2);
  const [p1, p2] = pb.plays;
  assert.equal(p1.name, 'Web servers');
  assert.equal(p1.hosts, 'web,db');
  assert.deepEqual(p1.vars, { greeting: 'hello' });
  assert.deepEqual(p1.varsFiles, ['vars/common.yml']);
  assert.equal(p1.gatherFacts, false);
  assert.equal(p1.become, true);
  assert.deepEqual(p1.tags, ['site']);
  assert.deepEqual(p1.keywords, { serial: 2, max_concurrent: 1, max_concurrent_per: '{{ servicefamily }}' });
  assert.deepEqual(p1.pos, { file: 'fixtures/playbook/basic/site.yml', line: 2, col: 3 });
  // A play without a name is named after its hosts, as ansible-core shows it.
  assert.equal(p2.name, 'localhost');
  assert.equal(p2.gatherFacts, true);
});

test('sections come as pre_tasks, roles, tasks, post_tasks', () => {
  const p = site().plays[0];
  assert.deepEqual(p.sections.map((s) => s.name), ['pre_tasks', 'roles', 'tasks', 'post_tasks']);
  const names = p.sections.map((s) => flat(s.tasks).map((t) => t.name));
  assert.deepEqual(names, [
    ['Before everything'],
    ['Common task', 'App task', 'Web task one', 'Web task two', 'App task'],
    ['Main task', 'Extra one', 'Extra block', 'Extra inner'],
    ['After everything'],
  ]);
});

test('role dependencies load first and a role used again with the same params is skipped', () => {
  const roles = site().plays[0].sections[1].tasks as Task[];
  assert.deepEqual(roles.map((t) => t.role?.name), ['common', 'app', 'web', 'web', 'app']);
  // common is a dependency of web too, with the same (no) params: it runs once.
  assert.equal(roles.filter((t) => t.role?.name === 'common').length, 1);
  // Two uses of app with different params are two roles with distinct uids.
  const apps = roles.filter((t) => t.role?.name === 'app');
  assert.deepEqual(apps.map((t) => t.role!.params), [{ app_mode: 'from_web' }, {}]);
  assert.notEqual(apps[0].role!.uid, apps[1].role!.uid);
  const uids = new Set(roles.map((t) => t.role!.uid));
  assert.equal(uids.size, 4);
});

test('a role carries its defaults, vars, params and directory', () => {
  const roles = site().plays[0].sections[1].tasks as Task[];
  const web = roles.find((t) => t.role?.name === 'web')!.role!;
  assert.equal(web.dir, fixture('basic', 'roles', 'web'));
  assert.deepEqual(web.defaults, { http_port: 80, web_default: true });
  assert.deepEqual(web.vars, { web_var: '{{ http_port }}' });
  assert.deepEqual(web.params, { http_port: 8080 });
  const app = roles[roles.length - 1].role!;
  // `vars:` on a roles entry are role vars; vars/main.yml wins over them.
  assert.deepEqual(app.vars, { app_mode: 'fast', app_var: 2 });
  assert.deepEqual(app.defaults, { app_mode: 'slow' });
});

test('role tags, when and keywords apply to every task of the role and its dependencies', () => {
  const roles = site().plays[0].sections[1].tasks as Task[];
  const webOne = roles.find((t) => t.name === 'Web task one')!;
  assert.deepEqual(webOne.tags, ['site', 'web_tag', 'own_tag']);
  assert.deepEqual(webOne.when, ['deploy_web']);
  const webTwo = roles.find((t) => t.name === 'Web task two')!;
  assert.deepEqual(webTwo.when, ['deploy_web', 'second_cond']);
  const depApp = roles[1];
  assert.deepEqual(depApp.tags, ['site', 'web_tag']);
  assert.deepEqual(depApp.when, ['deploy_web']);
  assert.equal(roles[4].becomeUser, 'deploy');
  assert.equal(roles[0].becomeUser, undefined);
});

test('handlers are the roles handlers then the play handlers, with role and listen', () => {
  const hs = site().plays[0].handlers;
  assert.deepEqual(hs.map((h) => [h.name, h.role?.name]), [
    ['common handler', 'common'],
    ['restart web', 'web'],
    ['restart everything', undefined],
  ]);
  assert.deepEqual(hs[2].listen, ['restart all', 'bounce']);
  assert.deepEqual(byName(site().plays[0].sections[2].tasks, 'Main task').notify, ['restart everything']);
});

test('module args come from free-form, key=value and mappings', () => {
  const p = site().plays[0];
  assert.deepEqual(byName(p.sections[2].tasks, 'Main task').args, { _raw_params: '/opt/x.py', chdir: '/tmp', creates: '/x' });
  assert.deepEqual(byName(p.sections[0].tasks, 'Before everything').args, { msg: 'starting {{ greeting }}' });
  assert.deepEqual(byName(p.sections[2].tasks, 'Extra inner').args, { msg: 'inner' });
});

test('task positions point at the task in its own file', () => {
  const p = site().plays[0];
  const inner = byName(p.sections[2].tasks, 'Extra inner');
  assert.deepEqual(inner.pos, { file: 'fixtures/playbook/basic/tasks/extra.yml', line: 5, col: 7 });
  const web = byName(p.sections[1].tasks, 'Web task two');
  assert.deepEqual(web.pos, { file: 'fixtures/playbook/basic/roles/web/tasks/main.yml', line: 4, col: 3 });
});

test('import_playbook brings in the plays of another file with its tags and vars', () => {
  const dir = tree({
    'main.yml': '- import_playbook: sub/other.yml\n  tags: [imp]\n  vars: {a: 1}\n- hosts: all\n  tasks: []\n',
    'sub/other.yml': '- hosts: db\n  vars_files: [v.yml]\n  tasks:\n    - ping:\n',
  });
  const pb = loadPlaybook(path.join(dir, 'main.yml'), { modules: testModules });
  assert.deepEqual(pb.plays.map((p) => p.hosts), ['db', 'all']);
  assert.deepEqual(pb.plays[0].tags, ['imp']);
  assert.deepEqual(pb.plays[0].vars, { a: 1 });
  assert.deepEqual(pb.plays[0].sections[2].tasks[0].tags, ['imp']);
  // vars_files of the imported play are rebased onto the main playbook's dir.
  assert.deepEqual(pb.plays[0].varsFiles, ['sub/v.yml']);
});

test('roles are found in rolesPath and next to the playbook, after roles/', () => {
  const dir = tree({
    'pb/site.yml': '- hosts: all\n  roles: [a, b, c]\n',
    'pb/roles/a/tasks/main.yml': '- debug: msg=roles-dir\n',
    'extra/a/tasks/main.yml': '- debug: msg=rolespath\n',
    'extra/b/tasks/main.yml': '- debug: msg=rolespath\n',
    'pb/b/tasks/main.yml': '- debug: msg=pbdir\n',
    'pb/c/tasks/main.yml': '- debug: msg=pbdir\n',
  });
  const pb = loadPlaybook(path.join(dir, 'pb/site.yml'), { modules: testModules, rolesPath: [path.join(dir, 'extra')] });
  const msgs = (pb.plays[0].sections[1].tasks as Task[]).map((t) => [t.role!.name, t.args.msg]);
  assert.deepEqual(msgs, [['a', 'roles-dir'], ['b', 'rolespath'], ['c', 'pbdir']]);
});

test('allow_duplicates in meta lets a role run twice with the same params', () => {
  const dir = tree({
    'site.yml': '- hosts: all\n  roles: [a, a, b, b]\n',
    'roles/a/tasks/main.yml': '- ping:\n',
    'roles/a/meta/main.yml': 'allow_duplicates: true\n',
    'roles/b/tasks/main.yml': '- ping:\n',
  });
  const pb = loadPlaybook(path.join(dir, 'site.yml'), { modules: testModules });
  assert.deepEqual(pb.plays[0].sections[1].tasks.map((t) => t.role!.name), ['a', 'a', 'b']);
});

test('gather_facts defaults to the gatherDefault option', () => {
  const dir = tree({ 'site.yml': '- hosts: all\n  tasks: []\n' });
  assert.equal(loadPlaybook(path.join(dir, 'site.yml'), { modules: testModules, gatherDefault: false }).plays[0].gatherFacts, false);
});

test('yes/no are booleans and 0644 is octal, as PyYAML reads them; y and n stay strings', () => {
  const dir = tree({ 'site.yml': '- hosts: all\n  vars: {a: yes, b: 0644, c: y, d: 2020-01-02}\n  tasks: []\n' });
  const vars = loadPlaybook(path.join(dir, 'site.yml'), { modules: testModules }).plays[0].vars;
  assert.deepEqual(vars, { a: true, b: 420, c: 'y', d: '2020-01-02' });
});
