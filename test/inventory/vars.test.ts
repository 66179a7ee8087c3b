import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/model/index.js';
import { groupNamesOf, inventoryVarsFor, loadInventory, sortedGroupsOf } from '../../src/inventory/index.js';
import { writeTree } from './helpers.js';

// Layers, lowest precedence first, as ansible-core documents them.
const LAYERS = [
  'inventory file: all vars',
  'inventory file: group vars',
  'inventory group_vars/all',
  'playbook group_vars/all',
  'inventory group_vars/web',
  'playbook group_vars/web',
  'inventory file: host vars',
  'inventory host_vars/web1',
  'playbook host_vars/web1',
];

/** Layer i sets v{j} for every j >= i, so v{j} must come from layer j. */
function varsFrom(layer: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let j = layer; j < LAYERS.length; j++) out[`v${j}`] = LAYERS[layer];
  return out;
}

function yamlOf(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}: "${v}"`)
    .join('\n');
}

function iniVars(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}="${v}"`)
    .join('\n');
}

test('each inventory layer overrides the ones below it, in ansible-core order', () => {
  const hostVars = Object.entries(varsFrom(6))
    .map(([k, v]) => `${k}="'${v}'"`)
    .join(' ');
  const dir = writeTree({
    'inv/hosts': `[web]\nweb1 ${hostVars}\n[all:vars]\n${iniVars(varsFrom(0))}\n[web:vars]\n${iniVars(varsFrom(1))}\n`,
    'inv/group_vars/all.yml': yamlOf(varsFrom(2)),
    'play/group_vars/all.yml': yamlOf(varsFrom(3)),
    'inv/group_vars/web.yml': yamlOf(varsFrom(4)),
    'play/group_vars/web': yamlOf(varsFrom(5)),
    'inv/host_vars/web1.yaml': yamlOf(varsFrom(7)),
    'play/host_vars/web1.json': JSON.stringify(varsFrom(8)),
  });
  const inv = loadInventory([path.join(dir, 'inv/hosts')]);
  const vars = inventoryVarsFor(inv, 'web1', path.join(dir, 'play'));
  for (let j = 0; j < LAYERS.length; j++) assert.equal(vars[`v${j}`], LAYERS[j], `v${j}`);
});

test('without a playbook dir only the inventory layers apply', () => {
  const dir = writeTree({
    'hosts': '[web]\nweb1\n',
    'group_vars/web.yml': 'a: inv\n',
    'host_vars/web1.yml': 'b: inv\n',
  });
  const inv = loadInventory([path.join(dir, 'hosts')]);
  assert.deepEqual(inventoryVarsFor(inv, 'web1'), { a: 'inv', b: 'inv' });
});

test('among groups, children beat parents, then higher ansible_group_priority, then later names', () => {
  const dir = writeTree({
    hosts: [
      '[zeta_parent:children]',
      'alpha_child',
      'beta_child',
      '[alpha_child]',
      'h1',
      '[beta_child]',
      'h1',
      '[lone]',
      'h1',
      '[zeta_parent:vars]',
      'who=zeta_parent',
      'depth=zeta_parent',
      '[alpha_child:vars]',
      'who=alpha_child',
      '[beta_child:vars]',
      'who=beta_child',
      '[lone:vars]',
      'depth=lone',
    ].join('\n'),
  });
  const inv = loadInventory([path.join(dir, 'hosts')]);
  assert.deepEqual(sortedGroupsOf(inv, 'h1'), ['lone', 'zeta_parent', 'alpha_child', 'beta_child']);
  // depth: the child groups (depth 2) beat zeta_parent and lone (depth 1)
  assert.equal(inventoryVarsFor(inv, 'h1').who, 'beta_child');
  // same depth: zeta_parent sorts after lone by name
  assert.equal(inventoryVarsFor(inv, 'h1').depth, 'zeta_parent');
  assert.deepEqual(groupNamesOf(inv, 'h1'), ['alpha_child', 'beta_child', 'lone', 'zeta_parent']);

  inv.groups.get('alpha_child')!.vars.ansible_group_priority = 10;
  assert.equal(inventoryVarsFor(inv, 'h1').who, 'alpha_child');
});

test('group order applies to group_vars files too', () => {
  const dir = writeTree({
    hosts: '[parent:children]\nchild\n[child]\nh1\n',
    'group_vars/parent.yml': 'x: parent\ny: parent\n',
    'group_vars/child.yml': 'x: child\n',
  });
  const inv = loadInventory([path.join(dir, 'hosts')]);
  assert.deepEqual(inventoryVarsFor(inv, 'h1'), { x: 'child', y: 'parent' });
});

test('a group_vars directory merges its files in name order, and the first file form found wins', () => {
  const dir = writeTree({
    hosts: '[web]\nweb1\n[db]\ndb1\n',
    'group_vars/web/10-base.yml': 'a: base\nb: base\nlist: [1]\n',
    'group_vars/web/20-over.yaml': 'b: over\n',
    'group_vars/web/sub/30-deep': 'c: deep\n',
    'group_vars/web/notes.txt': 'a: ignored\n',
    'group_vars/web/.hidden.yml': 'a: hidden\n',
    'group_vars/web/backup.yml~': 'a: backup\n',
    'group_vars/db': 'from: bare\n',
    'group_vars/db.yml': 'from: yml\n',
  });
  const inv = loadInventory([path.join(dir, 'hosts')]);
  assert.deepEqual(inventoryVarsFor(inv, 'web1'), { a: 'base', b: 'over', list: [1], c: 'deep' });
  assert.deepEqual(inventoryVarsFor(inv, 'db1'), { from: 'bare' });
});

test('layers replace whole values rather than merging dictionaries', () => {
  const dir = writeTree({
    hosts: '[web]\nweb1\n',
    'group_vars/all.yml': 'cfg: {a: 1, b: 2}\n',
    'group_vars/web.yml': 'cfg: {a: 9}\n',
  });
  const inv = loadInventory([path.join(dir, 'hosts')]);
  assert.deepEqual(inventoryVarsFor(inv, 'web1').cfg, { a: 9 });
});

test('group_vars next to every inventory source apply, in source order', () => {
  const dir = writeTree({
    'one/hosts': '[web]\nweb1\n',
    'one/group_vars/web.yml': 'src: one\nonly_one: 1\n',
    'two/hosts.yml': 'all:\n  children:\n    web:\n      hosts:\n        web2:\n',
    'two/group_vars/web.yml': 'src: two\n',
  });
  const inv = loadInventory([path.join(dir, 'one/hosts'), path.join(dir, 'two/hosts.yml')]);
  assert.deepEqual(inventoryVarsFor(inv, 'web1'), { src: 'two', only_one: 1 });
});

test('vars files are read once per inventory', () => {
  const dir = writeTree({ hosts: '[web]\nweb1\nweb2\n', 'group_vars/web.yml': 'x: first\n' });
  const inv = loadInventory([path.join(dir, 'hosts')]);
  assert.equal(inventoryVarsFor(inv, 'web1').x, 'first');
  fs.writeFileSync(path.join(dir, 'group_vars/web.yml'), 'x: second\n');
  assert.equal(inventoryVarsFor(inv, 'web2').x, 'first');
  assert.equal(inventoryVarsFor(loadInventory([path.join(dir, 'hosts')]), 'web1').x, 'second');
});

test('the returned vars are a fresh object each time', () => {
  const dir = writeTree({ hosts: '[web]\nweb1 a=1\n', 'group_vars/web.yml': 'b: 2\n' });
  const inv = loadInventory([path.join(dir, 'hosts')]);
  inventoryVarsFor(inv, 'web1').a = 99;
  inventoryVarsFor(inv, 'web1').b = 99;
  assert.deepEqual(inventoryVarsFor(inv, 'web1'), { a: 1, b: 2 });
});

test('a vars file that is not a mapping, or not YAML, is an error with its position', () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['- a\n- b\n', 1, 1, /must hold a mapping/],
    ['a: [1\n', 2, 1, /invalid YAML/],
  ];
  for (const [text, line, col, re] of cases) {
    const dir = writeTree({ hosts: 'web1\n', 'host_vars/web1.yml': text });
    const inv = loadInventory([path.join(dir, 'hosts')]);
    assert.throws(
      () => inventoryVarsFor(inv, 'web1'),
      (err: unknown) => {
        assert.ok(err instanceof UserError);
        assert.match(err.message, re);
        assert.deepEqual(err.pos, { file: path.join(dir, 'host_vars/web1.yml'), line, col });
        return true;
      },
    );
  }
});

test('group_vars/all applies to the implicit localhost too', () => {
  const dir = writeTree({ hosts: 'web1\n', 'group_vars/all.yml': 'g: all\n' });
  const inv = loadInventory([path.join(dir, 'hosts')]);
  assert.equal(inventoryVarsFor(inv, 'localhost').g, 'all');
});
