import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Block, Include, Task } from '../../src/model/index.js';
import { includeContext, loadPlaybook, loadRole, loadTaskFile } from '../../src/playbook/index.js';
import { byName, fixture, testModules } from './helpers.js';

const play = () => loadPlaybook(fixture('inherit', 'site.yml'), { modules: testModules }).plays[0];
const tasks = () => play().sections[2].tasks;

test('a task in a block gets the block conditions first, then its own', () => {
  const t = byName(tasks(), 'Inner task');
  assert.deepEqual(t.when, ['outer_cond', 'inner_cond']);
  assert.deepEqual(byName(tasks(), 'Deep task').when, ['outer_cond']);
});

test('tags are the union of play, block and task tags', () => {
  assert.deepEqual(byName(tasks(), 'Inner task').tags, ['play_tag', 'block_tag', 'task_tag']);
  assert.deepEqual(byName(tasks(), 'Rescue task').tags, ['play_tag', 'block_tag']);
});

test('block vars and task vars merge with the innermost winning', () => {
  assert.deepEqual(byName(tasks(), 'Inner task').vars, { scope: 'task', only_block: 1 });
  assert.deepEqual(byName(tasks(), 'Always task').vars, { scope: 'block', only_block: 1 });
});

test('become, ignore_errors and environment come down from blocks unless overridden', () => {
  const inner = byName(tasks(), 'Inner task');
  assert.equal(inner.become, true);
  assert.equal(inner.ignoreErrors, true);
  assert.deepEqual(inner.environment, { A: '1', B: '2' });
  const deep = byName(tasks(), 'Deep task');
  assert.equal(deep.become, false);
  assert.equal(deep.ignoreErrors, true);
  assert.deepEqual(deep.environment, { A: '1' });
});

test('a block keeps its name and its rescue and always lists', () => {
  const outer = tasks()[0] as Block;
  assert.equal(outer.kind, 'block');
  assert.equal(outer.name, 'Outer block');
  const nested = outer.block[1] as Block;
  assert.deepEqual([nested.block, nested.rescue, nested.always].map((l) => l.map((t) => t.name)), [
    ['Deep task'],
    ['Rescue task'],
    ['Always task'],
  ]);
});

test('import_tasks passes its tags, when, vars and keywords to every imported task, nested imports too', () => {
  for (const name of ['Imported task', 'Nested import task']) {
    const t = byName(tasks(), name);
    assert.deepEqual(t.when, ['import_cond']);
    assert.ok(t.tags.includes('import_tag') && t.tags.includes('play_tag'));
    assert.deepEqual(t.vars, { from_import: true });
    assert.equal(t.becomeUser, 'admin');
  }
  assert.deepEqual(byName(tasks(), 'Imported task').tags, ['play_tag', 'import_tag', 'own']);
});

test('import_role inlines the tasks_from file with role set, and its imports resolve in the role tasks dir', () => {
  const ts = tasks();
  const extra = byName(ts, 'Svc extra');
  const more = byName(ts, 'Svc more');
  assert.equal(extra.role?.name, 'svc');
  assert.equal(more.role?.uid, extra.role?.uid);
  assert.deepEqual(more.when, ['role_cond']);
  assert.deepEqual(more.tags, ['play_tag', 'role_import_tag']);
  assert.equal(more.pos.file, 'fixtures/playbook/inherit/roles/svc/tasks/more.yml');
  // The imported role's handlers join the play's handlers.
  assert.deepEqual(play().handlers.map((h) => [h.name, h.role?.name]), [['svc handler', 'svc']]);
});

const includes = () => tasks().filter((t): t is Include => t.kind === 'include');

test('include_tasks becomes an Include node with its own tags and when, a loop and a base dir', () => {
  const inc = includes()[0];
  assert.equal(inc.action, 'include_tasks');
  assert.equal(inc.target, 'tasks/dynamic.yml');
  assert.equal(inc.baseDir, fixture('inherit'));
  assert.deepEqual(inc.tags, ['play_tag', 'include_tag']);
  assert.deepEqual(inc.when, ['include_cond']);
  assert.deepEqual(inc.loop, { items: [1, 2], loopVar: 'item' });
});

test('include_role keeps the role name, options and with_items loop with loop_control', () => {
  const inc = includes()[2];
  assert.equal(inc.action, 'include_role');
  assert.equal(inc.target, 'svc');
  assert.deepEqual(inc.args, { tasks_from: 'main' });
  assert.deepEqual(inc.loop, { items: [['a', 'b'], 'c'], with: 'items', loopVar: 'svc_item', label: '{{ svc_item }}' });
});

test('tasks loaded for an include get the parents tags but not the include own tags or when', () => {
  const inc = includes()[0];
  const ctx = includeContext(inc, { playbookDir: fixture('inherit'), modules: testModules });
  const loaded = loadTaskFile(path.resolve(inc.baseDir, inc.target), ctx);
  const t = loaded[0] as Task;
  assert.equal(t.name, 'Dynamic one');
  assert.deepEqual(t.tags, ['play_tag']);
  assert.deepEqual(t.when, []);
  assert.deepEqual(t.vars, { inc_var: 1 });
  assert.equal(t.pos.file, 'fixtures/playbook/inherit/tasks/dynamic.yml');
});

test('apply on include_tasks carries tags and keywords to the included tasks', () => {
  const inc = includes()[1];
  assert.equal(inc.target, 'tasks/{{ which }}.yml');
  assert.deepEqual(inc.tags, ['play_tag']);
  const ctx = includeContext(inc, { playbookDir: fixture('inherit'), modules: testModules });
  const t = loadTaskFile(path.resolve(inc.baseDir, 'tasks/dynamic.yml'), ctx)[0] as Task;
  assert.deepEqual(t.tags, ['play_tag', 'applied']);
  assert.equal(t.become, true);
});

test('loadRole loads a role at run time with a fresh uid, its handlers and the context applied', () => {
  const inc = includes()[2];
  const ctx = { ...includeContext(inc, { playbookDir: fixture('inherit'), modules: testModules }), pos: inc.pos };
  const a = loadRole('svc', { p: 1 }, { ...ctx, tasksFrom: 'main' });
  const b = loadRole('svc', { p: 1 }, ctx);
  assert.deepEqual(a.tasks.map((t) => t.name), ['Svc main']);
  assert.equal((a.tasks[0] as Task).role, a.role);
  assert.deepEqual(a.role.params, { p: 1 });
  assert.deepEqual(a.handlers.map((h) => h.name), ['svc handler']);
  assert.notEqual(a.role.uid, b.role.uid);
  assert.deepEqual(a.tasks[0].tags, ['play_tag']);
});

test('loadRole reports a missing tasks_from file at the include position', () => {
  const ctx = { playbookDir: fixture('inherit'), modules: testModules, pos: { file: 'x.yml', line: 3, col: 5 } };
  assert.throws(() => loadRole('svc', {}, { ...ctx, tasksFrom: 'nope' }), (e: Error) =>
    e.message === 'x.yml:3:5: role svc has no tasks file \'nope\' (in fixtures/playbook/inherit/roles/svc/tasks)');
});
