/**
 * Every reader of YAML opens vault: whole encrypted files and `!vault`
 * values, in playbooks, vars files, role files, inventories,
 * group_vars/host_vars and `-e @file`; what it opens is secret; a value it
 * cannot open is an error at that value's line and column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makeProject } from '../helpers/run.js';
import { loadModules, moduleInfo } from '../../src/modules/index.js';
import { loadPlaybook, loadVarsFile } from '../../src/playbook/index.js';
import { inventoryVarsFor, loadInventory } from '../../src/inventory/index.js';
import { parseExtraVars } from '../../src/cli/extra-vars.js';
import { UserError } from '../../src/model/index.js';
import { VaultKeyring } from '../../src/vault/index.js';
import { bothPasswords, INLINE_11, INLINE_12, read, secret, VARS_SECRETS } from './fixtures.js';

// Every module's code, so the synchronous loader and validate can check args (a run loads only what it names).
await loadModules();

/** `name: !vault |` lines of a fixture, indented under `indent` more spaces. */
const inlineAt = (fixture: string, indent: string) => read(fixture).trimEnd().split('\n').map((l) => indent + l).join('\n') + '\n';

const VARS = { db_password: 'Tr0ub4dor&3-db', api_key: 'sk-live-4f9a8b7c6d5e', plain_number: 42, nested: { token: 'nested-token-value-77' } };

function project() {
  return makeProject({
    'site.yml': `- hosts: all\n  gather_facts: false\n  vars:\n${inlineAt('inline-1.1.yml', '    ')}  vars_files: [vault.yml]\n  roles: [app]\n  tasks: []\n`,
    'vault.yml': read('vars-1.1.yml'),
    'roles/app/defaults/main.yml': read('vars-1.2.yml'),
    'roles/app/vars/main.yml': `plain: text\n${read('inline-1.2.yml')}`,
    'roles/app/tasks/main.yml': '- debug: {msg: hi}\n',
    'inventory.yml': `all:\n  hosts:\n    web1:\n      ansible_connection: local\n${inlineAt('inline-1.2.yml', '      ')}`,
    'group_vars/all/vault.yml': read('vars-1.1.yml'),
    'group_vars/all/plain.yml': 'region: north\n',
    'host_vars/web1.yml': read('inline-1.1.yml'),
    'extra.yml': read('vars-1.2.yml'),
  });
}

test('playbooks, vars files and role files open whole encrypted files and !vault values', () => {
  const dir = project();
  const vault = bothPasswords();
  const pb = loadPlaybook(path.join(dir, 'site.yml'), { rolesPath: [], modules: moduleInfo, vault });
  const play = pb.plays[0];
  assert.equal(play.vars.inline_11, INLINE_11);
  assert.deepEqual(loadVarsFile(path.join(dir, 'vault.yml'), undefined, vault), VARS);
  const role = play.sections.flatMap((s) => s.tasks).find((t) => 'role' in t && t.role)!;
  assert.ok('role' in role && role.role);
  assert.deepEqual(role.role!.defaults, VARS);
  assert.deepEqual(role.role!.vars, { plain: 'text', inline_12: INLINE_12 });
});

test('inventories, group_vars and host_vars (files and directories) and -e @file open vault too', () => {
  const dir = project();
  const vault = bothPasswords();
  const inv = loadInventory([path.join(dir, 'inventory.yml')], { vault });
  const vars = inventoryVarsFor(inv, 'web1', undefined, vault);
  assert.deepEqual(vars, { ...VARS, region: 'north', ansible_connection: 'local', inline_12: INLINE_12, inline_11: INLINE_11 });
  assert.deepEqual(parseExtraVars('@extra.yml', dir, vault), VARS);
});

test('every value opened from vault is secret: the strings of encrypted files and each !vault value', () => {
  const dir = project();
  const vault = bothPasswords();
  const seen = new Set<string>();
  vault.onSecret((v) => seen.add(v));
  loadPlaybook(path.join(dir, 'site.yml'), { rolesPath: [], modules: moduleInfo, vault });
  loadVarsFile(path.join(dir, 'vault.yml'), undefined, vault);
  for (const v of [...VARS_SECRETS, INLINE_11, INLINE_12]) assert.ok(seen.has(v), v);
  // Only strings: a number from an encrypted file is not masked in every line it appears.
  assert.ok(!seen.has('42'));
});

test('a value no password opens is an error at its own line and column, in every reader', () => {
  const dir = project();
  const wrong = new VaultKeyring([secret('wrong-password-here')]);
  const rows: Array<[what: string, load: () => unknown, at: RegExp]> = [
    ['play vars', () => loadPlaybook(path.join(dir, 'site.yml'), { rolesPath: [], modules: moduleInfo, vault: wrong }), /^site\.yml:4:23: vault decryption failed/],
    ['whole vars file', () => loadVarsFile(path.join(dir, 'vault.yml'), undefined, wrong), /vault\.yml:1:1: vault decryption failed/],
    ['inventory', () => loadInventory([path.join(dir, 'inventory.yml')], { vault: wrong }), /inventory\.yml:5:25: vault decryption failed/],
    ['host_vars', () => inventoryVarsFor(loadInventory([path.join(dir, 'inventory.yml')], { vault: bothPasswords() }), 'web1', undefined, wrong), /group_vars\/all\/vault\.yml:1:1: vault decryption failed/],
    ['-e @file', () => parseExtraVars('@extra.yml', dir, wrong), /^extra\.yml:1:1: vault decryption failed/],
    ['no password given', () => loadPlaybook(path.join(dir, 'site.yml'), { rolesPath: [], modules: moduleInfo }), /^site\.yml:4:23: this is vault-encrypted and no vault password was given: use --ask-vault-pass/],
  ];
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    for (const [what, load, at] of rows) {
      assert.throws(load, (e: unknown) => e instanceof UserError && at.test(e.message) || assert.fail(`${what}: ${(e as Error).message}`), what);
    }
  } finally {
    process.chdir(cwd);
  }
});
