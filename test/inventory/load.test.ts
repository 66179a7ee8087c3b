import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/model/index.js';
import { groupNamesOf, groupsMap, loadInventory } from '../../src/inventory/index.js';
import { writeTree } from './helpers.js';

const YAML_INV = `
all:
  vars:
    ntp: pool.example
  hosts:
    solo:
  children:
    web:
      hosts:
        web[1:2]:
          ansible_host: 127.0.0.1
        web3:2222:
      vars:
        http_port: 8080
    prod:
      children:
        web:
        db:
          hosts: db1
`;

test('a YAML inventory gives hosts, vars, children and ranges', () => {
  const dir = writeTree({ 'inv.yml': YAML_INV });
  const inv = loadInventory([path.join(dir, 'inv.yml')]);
  assert.deepEqual([...inv.hosts.keys()], ['solo', 'web1', 'web2', 'web3', 'db1']);
  assert.deepEqual(inv.hosts.get('web1')!.vars, { ansible_host: '127.0.0.1' });
  assert.deepEqual(inv.hosts.get('web3')!.vars, { ansible_port: 2222 });
  assert.equal(inv.groups.get('all')!.vars.ntp, 'pool.example');
  assert.equal(inv.groups.get('web')!.vars.http_port, 8080);
  assert.deepEqual(groupsMap(inv).prod, ['web1', 'web2', 'web3', 'db1']);
  assert.deepEqual(groupsMap(inv).ungrouped, ['solo']);
  assert.deepEqual(groupNamesOf(inv, 'web1'), ['prod', 'web']);
});

test('a YAML inventory without a .yml extension is recognised by its content', () => {
  const dir = writeTree({ hosts: YAML_INV, 'plain': 'h1\n[g]\nh2\n' });
  assert.deepEqual([...loadInventory([path.join(dir, 'hosts')]).hosts.keys()], ['solo', 'web1', 'web2', 'web3', 'db1']);
  assert.deepEqual([...loadInventory([path.join(dir, 'plain')]).hosts.keys()], ['h1', 'h2']);
});

test('a JSON inventory is read like YAML', () => {
  const dir = writeTree({ 'inv.json': JSON.stringify({ all: { children: { g: { hosts: { a: { x: 1 } } } } } }) });
  const inv = loadInventory([path.join(dir, 'inv.json')]);
  assert.deepEqual(inv.hosts.get('a'), { name: 'a', vars: { x: 1 }, groups: ['g'] });
});

test('YAML inventory errors carry file:line:col', () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['all:\n  hosts: [\n', 3, 1, /invalid YAML/],
    ['all:\n  host:\n    a:\n', 2, 3, /unexpected key 'host' in group 'all'.*\(did you mean 'hosts'\?\)/],
    ['all:\n  hosts:\n    a: 5\n', 3, 8, /host 'a' must map to its variables/],
    ['all:\n  children:\n    g: [1]\n', 3, 8, /group 'g' must be a mapping/],
    ['all:\n  hosts:\n    web[1:]:\n', 3, 5, /host range must specify end value/],
    ['- a\n- b\n', 1, 1, /must be a mapping of group names/],
  ];
  for (const [text, line, col, re] of cases) {
    const dir = writeTree({ 'inv.yml': text });
    const file = path.join(dir, 'inv.yml');
    assert.throws(
      () => loadInventory([file]),
      (err: unknown) => {
        assert.ok(err instanceof UserError);
        assert.match(err.message, re, text);
        assert.deepEqual(err.pos, { file, line, col }, `${text} -> ${err.message}`);
        return true;
      },
    );
  }
});

test('no sources give an implicit localhost on the local connection', () => {
  const inv = loadInventory([]);
  assert.equal(inv.implicit, true);
  assert.deepEqual([...inv.hosts.keys()], ['localhost']);
  assert.deepEqual(inv.hosts.get('localhost')!.vars, { ansible_connection: 'local' });
  assert.deepEqual(groupsMap(inv).ungrouped, ['localhost']);
  assert.deepEqual(groupsMap(inv).all, ['localhost']);
});

test('a comma list is a host list source', () => {
  const inv = loadInventory(['web1, web2:2200,']);
  assert.deepEqual([...inv.hosts.keys()], ['web1', 'web2']);
  assert.equal(inv.hosts.get('web2')!.vars.ansible_port, 2200);
  assert.deepEqual(groupsMap(inv).ungrouped, ['web1', 'web2']);
  assert.deepEqual(inv.sourceDirs, []);
});

test('a directory source loads every inventory file in it, skipping vars dirs and ignored files', () => {
  const dir = writeTree({
    'inv/01-web': '[web]\nweb1\n',
    'inv/02-db.yml': 'all:\n  children:\n    db:\n      hosts:\n        db1:\n',
    'inv/sub/03-cache': '[cache]\ncache1\n',
    'inv/old.retry': 'stale1\n',
    'inv/README.md': '# not an inventory\n',
    'inv/.hidden': 'hidden1\n',
    'inv/group_vars/web.yml': 'x: 1\n',
    'inv/host_vars/web1': 'y: 2\n',
  });
  const inv = loadInventory(['inv'], { cwd: dir });
  assert.deepEqual([...inv.hosts.keys()], ['web1', 'db1', 'cache1']);
  assert.deepEqual(inv.sourceDirs, [path.join(dir, 'inv')]);
});

test('several sources merge hosts, groups and vars', () => {
  const dir = writeTree({
    a: '[web]\nweb1 x=1 y=1\n[web:vars]\np=1\n',
    'b.yml': 'all:\n  children:\n    web:\n      hosts:\n        web1: {y: 2}\n        web2:\n      vars: {q: 2}\n',
  });
  const inv = loadInventory([path.join(dir, 'a'), path.join(dir, 'b.yml')]);
  assert.deepEqual(inv.hosts.get('web1')!.vars, { x: 1, y: 2 });
  assert.deepEqual(inv.groups.get('web')!.vars, { p: 1, q: 2 });
  assert.deepEqual(groupsMap(inv).web, ['web1', 'web2']);
  assert.deepEqual(inv.sourceDirs, [dir]);
});

test('a missing inventory source is an error', () => {
  assert.throws(() => loadInventory(['nope'], { cwd: '/tmp' }), /inventory source 'nope' does not exist/);
});
