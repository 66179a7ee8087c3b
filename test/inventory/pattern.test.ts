import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  groupsMap,
  inventoryVarsFor,
  isImplicit,
  limitHosts,
  loadInventory,
  selectHosts,
  splitPattern,
  unmatchedPatterns,
} from '../../src/inventory/index.js';
import { writeTree } from './helpers.js';

const INI = `
bastion
[web]
web1
web2
web3
[db]
db1
db2
[prod:children]
web
db1_group
[db1_group]
db1
[staging]
web3
db2
`;

function fixture() {
  const dir = writeTree({ hosts: INI, 'retry/site.retry': 'web2\ndb1\n\n', 'retry/not-started': 'web*:!web1\n' });
  return { dir, inv: loadInventory([path.join(dir, 'hosts')]) };
}

test('patterns split on commas, or on colons outside brackets', () => {
  const cases: Array<[string | string[], string[]]> = [
    ['web:db', ['web', 'db']],
    ['web,db', ['web', 'db']],
    ['web, db ,', ['web', 'db']],
    ['web:&prod:!web3', ['web', '&prod', '!web3']],
    ['web[1:2]:db', ['web[1:2]', 'db']],
    [['web', 'db:staging'], ['web', 'db', 'staging']],
  ];
  for (const [input, expected] of cases) assert.deepEqual(splitPattern(input), expected, String(input));
});

test('every pattern form selects the hosts ansible-core selects', () => {
  const { inv, dir } = fixture();
  const cases: Array<[string | string[], string[]]> = [
    ['all', ['bastion', 'web1', 'web2', 'web3', 'db1', 'db2']],
    ['*', ['bastion', 'web1', 'web2', 'web3', 'db1', 'db2']],
    ['web1', ['web1']],
    ['web', ['web1', 'web2', 'web3']],
    ['ungrouped', ['bastion']],
    ['prod', ['web1', 'web2', 'web3', 'db1']],
    ['web*', ['web1', 'web2', 'web3']],
    // A trailing [n] is a subscript, as in ansible-core; a glob class needs more after it.
    ['db[12]', []],
    ['web[13]*', ['web1', 'web3']],
    ['db?', ['db1', 'db2']],
    ['web[!1]', ['web2', 'web3']],
    ['web[!1]*', ['web2', 'web3']],
    ['db:web', ['db1', 'db2', 'web1', 'web2', 'web3']],
    ['db,web1', ['db1', 'db2', 'web1']],
    ['web:&staging', ['web3']],
    ['prod:!web2', ['web1', 'web3', 'db1']],
    ['web:&prod:!web3', ['web1', 'web2']],
    ['!web3:web:&prod', ['web1', 'web2']],
    ['!web', ['bastion', 'db1', 'db2']],
    ['&staging', ['web3', 'db2']],
    ['~web[12]', ['web1', 'web2']],
    ['~^db', ['db1', 'db2']],
    ['~eb', []],
    ['web[0]', ['web1']],
    ['web[-1]', ['web3']],
    ['web[1:2]', ['web2', 'web3']],
    ['web[1:]', ['web2', 'web3']],
    ['web[5]', []],
    ['web[0]:db[1]', ['web1', 'db2']],
    [['web1', 'db2'], ['web1', 'db2']],
    ['@retry/site.retry', ['web2', 'db1']],
    ['@retry/not-started', ['web2', 'web3']],
    ['web:!@retry/site.retry', ['web1', 'web3']],
    ['nope', []],
  ];
  for (const [pattern, expected] of cases) {
    assert.deepEqual(selectHosts(inv, pattern, { cwd: dir }), expected, String(pattern));
  }
});

test('terms that match nothing are reported, not thrown', () => {
  const { inv } = fixture();
  assert.deepEqual(unmatchedPatterns(inv, 'web:nope:!gone'), ['nope', 'gone']);
  assert.deepEqual(unmatchedPatterns(inv, 'web*:db'), []);
  assert.deepEqual(selectHosts(inv, 'web:nope'), ['web1', 'web2', 'web3']);
});

test('limit narrows selected hosts and keeps their order', () => {
  const { inv, dir } = fixture();
  const play = selectHosts(inv, 'all');
  assert.deepEqual(limitHosts(inv, play, 'db2,web1'), ['web1', 'db2']);
  assert.deepEqual(limitHosts(inv, play, '!web'), ['bastion', 'db1', 'db2']);
  assert.deepEqual(limitHosts(inv, play, '@retry/site.retry', { cwd: dir }), ['web2', 'db1']);
  assert.deepEqual(limitHosts(inv, play, undefined), play);
  assert.deepEqual(limitHosts(inv, play, ''), play);
});

test('naming localhost when the inventory lacks it makes an implicit localhost outside all', () => {
  const { inv } = fixture();
  assert.deepEqual(selectHosts(inv, 'localhost'), ['localhost']);
  assert.equal(isImplicit(inv, 'localhost'), true);
  assert.equal(inv.hosts.get('localhost')!.vars.ansible_connection, 'local');
  assert.deepEqual(selectHosts(inv, 'all'), ['bastion', 'web1', 'web2', 'web3', 'db1', 'db2']);
  assert.deepEqual(selectHosts(inv, 'local*'), []);
  assert.ok(!groupsMap(inv).all.includes('localhost'));
  assert.deepEqual(unmatchedPatterns(inv, '127.0.0.1'), []);
});

test('a localhost written in the inventory is used as is', () => {
  const dir = writeTree({ hosts: '[ctl]\nlocalhost ansible_connection=local x=1\n' });
  const inv = loadInventory([path.join(dir, 'hosts')]);
  assert.deepEqual(selectHosts(inv, 'localhost'), ['localhost']);
  assert.equal(isImplicit(inv, 'localhost'), false);
  assert.equal(inventoryVarsFor(inv, 'localhost').x, 1);
});

test('a missing @file and a bad regex are errors', () => {
  const { inv, dir } = fixture();
  assert.throws(() => selectHosts(inv, '@missing.retry', { cwd: dir }), /cannot find limit file/);
  fs.mkdirSync(path.join(dir, 'adir'));
  assert.throws(() => selectHosts(inv, '@adir', { cwd: dir }), /must name a file/);
  assert.throws(() => selectHosts(inv, '~web(', { cwd: dir }), /invalid host pattern regex/);
});
