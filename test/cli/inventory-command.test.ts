/**
 * `playwatch inventory --list | --host NAME` on seed 002 (ansible.cfg's
 * inventory directory: an INI file, a script and vaulted group_vars). The
 * expected --list is what `ansible-inventory --list` printed there
 * (ansible-core 2.14; test/system/inventory-parity.test.ts compares the two
 * live).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const SEED002 = path.join(ROOT, 'fixtures/seed002');

function inventory(args: string[], cwd = SEED002) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'inventory', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_CONFIG: undefined, ANSIBLE_INVENTORY: undefined, ANSIBLE_VAULT_PASSWORD_FILE: undefined, HOME: cwd },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("seed 002: `playwatch inventory --list` prints ansible-inventory's listing, byte for byte (the script's host vars, the vaulted group_vars opened)", () => {
  const r = inventory(['--list']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, fs.readFileSync(path.join(HERE, 'seed002-inventory-list.json'), 'utf8'));
});

test('seed 002: --host prints one host\'s variables; -i names another source', () => {
  const r = inventory(['--host', 'elh-worker1']);
  assert.equal(r.code, 0, r.err);
  const vars = JSON.parse(r.out);
  assert.equal(vars.mgt_fqdn, 'elh-worker1.mgt.gen.local');
  assert.equal(vars.vault_db_password, 'Kq7-tr0ut-Lamp-92');
  assert.deepEqual(Object.keys(vars), [...Object.keys(vars)].sort(), 'keys sorted');
  const local = inventory(['-i', 'ansible/inventory/local', '--host', 'elh-worker1']);
  assert.equal(local.code, 0, local.err);
  assert.deepEqual(JSON.parse(local.out), { ansible_connection: 'local', deploy_root: 'srv/api', playwatch_lock_path: '~/.playwatch/lock' });
});

const ERRORS: Array<[args: string[], message: RegExp]> = [
  [[], /No action selected, at least one of --host or --list needs to be specified/],
  [['--list', '--host', 'elh-api1'], /Conflicting options used, only one of --host or --list/],
  [['--host', 'elh-api9'], /You must pass a single valid host to --host parameter/],
];

for (const [args, message] of ERRORS) {
  test(`playwatch inventory ${args.join(' ') || '(no action)'}: one error, exit 1`, () => {
    const r = inventory(args);
    assert.equal(r.code, 1, r.out);
    assert.match(r.err, message);
  });
}
