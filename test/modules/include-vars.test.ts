import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { includeVarsModule } from '../../src/modules/include-vars.js';
import { fakeContext, fakeTask, tempDir } from './context.js';

test('include_vars reads a file beside the task file', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'extra.yml'), 'port: 8080\nnames: [a, b]\n');
  const task = fakeTask('include_vars', path.join(dir, 'site.yml'));
  const r = await includeVarsModule.run(fakeContext('include_vars', { _raw_params: 'extra.yml' }, { task }));
  assert.deepEqual(r, { changed: false, ansible_facts: { port: 8080, names: ['a', 'b'] }, ansible_included_var_files: [path.join(dir, 'extra.yml')] });
});

test('include_vars in a role looks in the role vars directory first', async () => {
  const dir = tempDir();
  const roleDir = path.join(dir, 'roles', 'app');
  fs.mkdirSync(path.join(roleDir, 'vars'), { recursive: true });
  fs.mkdirSync(path.join(roleDir, 'tasks'), { recursive: true });
  fs.writeFileSync(path.join(roleDir, 'vars', 'debian.yml'), 'pkg: apt\n');
  fs.writeFileSync(path.join(roleDir, 'tasks', 'debian.yml'), 'pkg: wrong\n');
  const role = { name: 'app', dir: roleDir, defaults: {}, vars: {}, params: {}, uid: 1 };
  const task = fakeTask('include_vars', path.join(roleDir, 'tasks', 'main.yml'), { role });
  const r = await includeVarsModule.run(fakeContext('include_vars', { file: 'debian.yml' }, { task }));
  assert.deepEqual(r.ansible_facts, { pkg: 'apt' });
});

test('include_vars falls back to playbook_dir and can nest under name', async () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'vars'));
  fs.writeFileSync(path.join(dir, 'vars', 'db.yml'), 'host: db1\n');
  const task = fakeTask('include_vars', '/elsewhere/tasks.yml');
  const r = await includeVarsModule.run(fakeContext('include_vars', { file: 'db.yml', name: 'db' }, { task, vars: { playbook_dir: dir } }));
  assert.deepEqual(r.ansible_facts, { db: { host: 'db1' } });
});

test('include_vars fails on a missing file, naming where it looked', async () => {
  const dir = tempDir();
  const r = await includeVarsModule.run(fakeContext('include_vars', { file: 'none.yml' }, { task: fakeTask('include_vars', path.join(dir, 'x.yml')) }));
  assert.equal(r.failed, true);
  assert.match(String(r.msg), /Could not find or access 'none.yml'; searched: .*none\.yml/);
});

test('include_vars reports YAML errors with the line and a non-mapping file as an error', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'bad.yml'), 'a: 1\nb: [unclosed\n');
  fs.writeFileSync(path.join(dir, 'list.yml'), '- a\n- b\n');
  const task = fakeTask('include_vars', path.join(dir, 'site.yml'));
  const bad = await includeVarsModule.run(fakeContext('include_vars', { file: 'bad.yml' }, { task }));
  assert.equal(bad.failed, true);
  assert.match(String(bad.msg), /bad\.yml:\d+:\d+: /);
  const list = await includeVarsModule.run(fakeContext('include_vars', { file: 'list.yml' }, { task }));
  assert.match(String(list.msg), /must hold a mapping/);
});

test('include_vars validation wants a file and refuses dir', () => {
  const pos = { file: 'p.yml', line: 1, col: 1 };
  assert.throws(() => includeVarsModule.validate!({}, pos), /needs a file/);
  assert.throws(() => includeVarsModule.validate!({ dir: 'vars' }, pos), /'dir' is not supported/);
  assert.throws(() => includeVarsModule.validate!({ fil: 'x.yml' }, pos), /did you mean 'file'/);
});
