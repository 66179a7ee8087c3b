import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/model/index.js';
import { expandHostRange, groupNamesOf, groupsMap, loadInventory, parseIniValue } from '../../src/inventory/index.js';
import { writeTree } from './helpers.js';

function loadIni(text: string, name = 'hosts') {
  const dir = writeTree({ [name]: text });
  return { inv: loadInventory([path.join(dir, name)]), file: path.join(dir, name) };
}

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

test('host ranges expand as ansible-core expands them', () => {
  const cases: Array<[string, string[]]> = [
    ['web[01:03]', ['web01', 'web02', 'web03']],
    ['web[1:3]', ['web1', 'web2', 'web3']],
    ['db-[a:c]', ['db-a', 'db-b', 'db-c']],
    ['h[1:10:4]', ['h1', 'h5', 'h9']],
    ['h[:2]', ['h0', 'h1', 'h2']],
    ['r[1:2]c[a:b]', ['r1ca', 'r1cb', 'r2ca', 'r2cb']],
    ['plain', ['plain']],
  ];
  for (const [input, expected] of cases) assert.deepEqual(expandHostRange(input), expected, input);
});

test('malformed host ranges are refused', () => {
  for (const bad of ['web[01:]', 'web[1:2:3:4]', 'web[01:100]', 'web[c:a]', 'web[1:3:0]']) {
    assert.throws(() => expandHostRange(bad), RangeError, bad);
  }
});

test('INI values are typed like Python literals and stay strings otherwise', () => {
  const cases: Array<[string, unknown]> = [
    ['5', 5],
    ['-3', -3],
    ['1.5', 1.5],
    ['0x10', 16],
    ['True', true],
    ['False', false],
    ['None', null],
    ["'5'", '5'],
    ['"a b"', 'a b'],
    ["[1, 'a']", [1, 'a']],
    ["{'k': [1, 2]}", { k: [1, 2] }],
    ['(1, 2)', [1, 2]],
    ['true', 'true'],
    ['yes', 'yes'],
    ['a b', 'a b'],
    ['010', '010'],
    ['1j', '1j'],
    ['http://x:80/y', 'http://x:80/y'],
    ['1 # note', 1],
  ];
  for (const [input, expected] of cases) assert.deepEqual(parseIniValue(input), expected, input);
});

test('groups, children, vars and inline host vars are read from an INI file', () => {
  const { inv } = loadIni(`
# a comment
; another comment
loose1
[web]
web[01:02] ansible_host=127.0.0.1 x="a b" n=5 flag=True
[db]
db1:2222 ansible_user=pg
[prod:children]
web
db
[prod:vars]
env = 'production'
region=eu-west # not a comment inside a vars value? ansible keeps it
`);
  assert.deepEqual([...inv.hosts.keys()], ['loose1', 'web01', 'web02', 'db1']);
  assert.deepEqual(inv.hosts.get('web01')!.vars, { ansible_host: '127.0.0.1', x: 'a b', n: 5, flag: true });
  assert.deepEqual(inv.hosts.get('db1')!.vars, { ansible_port: 2222, ansible_user: 'pg' });
  assert.deepEqual(inv.groups.get('prod')!.children, ['web', 'db']);
  assert.equal(inv.groups.get('prod')!.vars.env, 'production');
  assert.equal(inv.groups.get('prod')!.vars.region, 'eu-west # not a comment inside a vars value? ansible keeps it');
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['loose1']);
  assert.equal(inv.implicit, false);
});

test('every host is in all, and hosts in no group are in ungrouped', () => {
  const { inv } = loadIni('a\nb\n[g]\nc\n');
  const groups = groupsMap(inv);
  assert.deepEqual(groups.all, ['a', 'b', 'c']);
  assert.deepEqual(groups.ungrouped, ['a', 'b']);
  assert.deepEqual(groups.g, ['c']);
  assert.deepEqual(groupNamesOf(inv, 'a'), ['ungrouped']);
  assert.deepEqual(groupNamesOf(inv, 'c'), ['g']);
});

test('a host listed before any header and later in a group leaves ungrouped', () => {
  const { inv } = loadIni('a\n[g]\na\n');
  assert.deepEqual(groupsMap(inv).ungrouped, []);
  assert.deepEqual(inv.hosts.get('a')!.groups, ['g']);
});

test('children may be declared before the child group itself', () => {
  const { inv } = loadIni('[parent:children]\nkid\n[kid]\nk1\n');
  assert.deepEqual(inv.groups.get('parent')!.children, ['kid']);
  assert.deepEqual(groupsMap(inv).parent, ['k1']);
  assert.deepEqual(groupNamesOf(inv, 'k1'), ['kid', 'parent']);
});

test('an explicit ansible_port wins over host:port', () => {
  const { inv } = loadIni('[g]\nh:2222 ansible_port=2200\n');
  assert.equal(inv.hosts.get('h')!.vars.ansible_port, 2200);
});

test('INI errors carry file:line:col', () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['[web]\n  web[01:] x=1\n', 2, 3, /host range must specify end value/],
    ['[web]\nweb1 novalue\n', 2, 6, /expected key=value host variable, got 'novalue'/],
    ['[web]\nweb1 x="open\n', 2, 8, /no closing quotation/],
    ['[web:bogus]\n', 1, 1, /unknown type 'bogus'/],
    ['[web host]\n', 1, 1, /invalid section entry/],
    ['[web]\nw\n[web:vars]\njustaword\n', 4, 1, /expected key=value/],
    ['[parent:children]\nghost\n', 2, 1, /\[parent:children\] names group 'ghost', which is not defined/],
    ['[nogroup:vars]\nx=1\n', 1, 2, /\[nogroup:vars\] is for group 'nogroup', which is not defined/],
    ['[a:children]\nb\n[b:children]\na\n', 4, 1, /creates a loop/],
    ['[g]\nhost:\n', 2, 1, /trailing ':'/],
  ];
  for (const [text, line, col, re] of cases) {
    const dir = writeTree({ hosts: text });
    const file = path.join(dir, 'hosts');
    const err = errorOf(() => loadInventory([file]));
    assert.match(err.message, re, text);
    assert.deepEqual(err.pos, { file, line, col }, text);
    assert.ok(err.message.startsWith(`${file}:${line}:${col}: `), err.message);
  }
});
