/**
 * Vault through the CLI, as a user runs it (from source, local connection):
 * a run with vaulted group_vars, `!vault` values, an encrypted include_vars
 * file and copy source leaves no decrypted value on screen, in any file of
 * the run directory or in the archive; a wrong or missing password stops
 * before anything runs; `playwatch vault` round-trips files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject } from '../helpers/run.js';
import { INLINE_11, INLINE_12, PASSWORD, PROD_PASSWORD, read, SECRET_CONF, VARS_PLAIN, VARS_SECRETS } from '../vault/fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

function playwatch(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: cwd, ...env },
    timeout: 120_000,
    input: '',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// The vault passwords are secrets too.
const SECRETS = [...VARS_SECRETS, INLINE_11, INLINE_12, 'copy-source-secret-42', PASSWORD, PROD_PASSWORD];

const PROJECT = {
  // The configured password opens the 1.1 texts; --vault-id prod@… the 1.2 ones.
  'ansible.cfg': '[defaults]\nvault_password_file = pass.txt\n',
  'pass.txt': read('pass.txt'),
  'pass-prod.txt': read('pass-prod.txt'),
  'inventory.ini': 'web1 ansible_connection=local\n',
  'group_vars/all/vault.yml': read('vars-1.1.yml'),
  'group_vars/all/plain.yml': 'region: north\n',
  'vars/inline.yml': read('inline-1.1.yml'),
  'files/secret.conf': read('secret.conf'),
  'out/.keep': '',
  'site.yml': `
- hosts: web1
  gather_facts: false
  vars:
${read('inline-1.2.yml').trimEnd().split('\n').map((l) => `    ${l}`).join('\n')}
  tasks:
    - include_vars: vars/inline.yml
    - name: everything echoed
      shell: "echo {{ db_password | quote }} {{ api_key }} {{ nested.token }} {{ inline_11 }} {{ inline_12 }} in {{ region }}"
    - name: copied from an encrypted source
      copy: {src: secret.conf, dest: "{{ playbook_dir }}/out/secret.conf"}
    - name: shown
      shell: "cat {{ playbook_dir }}/out/secret.conf"
    - name: the password file shown
      shell: "cat {{ playbook_dir }}/pass-prod.txt"
    - name: every variable
      debug: {var: "hostvars[inventory_hostname]"}
    - name: breaks
      shell: "echo failing with {{ db_password | quote }}; exit 3"
`,
};

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

const inClear = (text: string) => SECRETS.filter((s) => text.includes(s));

test('a run with vaulted group_vars, !vault values and encrypted files shows and keeps no decrypted value anywhere', () => {
  const dir = makeProject(PROJECT);
  const r = playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', '-vvv', '--vault-id', 'prod@pass-prod.txt']);
  const screen = r.out + r.err;
  assert.equal(r.code, 2, screen);
  // The values were there to leak: the file was copied and read back, the echo ran.
  assert.equal(fs.readFileSync(path.join(dir, 'out/secret.conf'), 'utf8'), SECRET_CONF, screen);
  assert.match(screen, /"stdout": "\*{8} \*{8} \*{8} \*{8} \*{8} in north"/);
  assert.deepEqual(inClear(screen), [], 'on screen');

  const runDir = path.join(dir, /Run record: (.*)\/events\.jsonl/.exec(r.err)![1]);
  const runFiles = filesUnder(runDir);
  assert.ok(runFiles.some((f) => f.endsWith('events.jsonl')) && runFiles.some((f) => f.endsWith('run.log')), runFiles.join('\n'));
  for (const f of runFiles) assert.deepEqual(inClear(fs.readFileSync(f, 'latin1')), [], f);

  const archive = path.join(dir, /Archive: (.*)/.exec(r.err)![1]);
  const unpacked = fs.mkdtempSync(path.join(dir, 'unpacked-'));
  const tar = spawnSync('tar', ['-xzf', archive, '-C', unpacked], { encoding: 'utf8' });
  assert.equal(tar.status, 0, tar.stderr);
  const archived = filesUnder(unpacked);
  assert.ok(archived.length >= runFiles.length - 1, archived.join('\n'));
  for (const f of archived) assert.deepEqual(inClear(fs.readFileSync(f, 'latin1')), [], f);
});

test('a wrong or missing vault password is one error naming the file and line, exit 1, before anything runs', () => {
  const rows: Array<[what: string, args: string[], env: NodeJS.ProcessEnv, message: RegExp]> = [
    ['the prod password is wrong', ['--vault-id', 'prod@pass.txt'], {}, /^ERROR! site\.yml:5:23: vault decryption failed: tried 'prod' from file pass\.txt, 'default' from file \S+\/pass\.txt; the password is wrong/m],
    ['no prod password', [], {}, /^ERROR! site\.yml:5:23: vault decryption failed \(it is labelled 'prod' and no password has that vault id\): tried 'default' from file \S+\/pass\.txt; the password is wrong/m],
    ['the configured file is gone', ['--vault-id', 'prod@pass-prod.txt'], { ANSIBLE_VAULT_PASSWORD_FILE: 'nowhere.txt' }, /^ERROR! the vault password file .*nowhere\.txt \(ANSIBLE_VAULT_PASSWORD_FILE\) was not found$/m],
  ];
  for (const [what, args, env, message] of rows) {
    const dir = makeProject(PROJECT);
    const r = playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', ...args], env);
    assert.equal(r.code, 1, `${what}: ${r.err}`);
    assert.match(r.err, message, what);
    assert.equal(r.err.trim().split('\n').length, 1, `${what}: one line\n${r.err}`);
    assert.equal(r.out, '', what);
    assert.ok(!fs.existsSync(path.join(dir, '.playwatch')), `${what}: no run was started`);
    assert.ok(!fs.existsSync(path.join(dir, 'out/secret.conf')), what);
  }
});

test('a wrong password for an encrypted group_vars file stops the run before it starts too', () => {
  const dir = makeProject({ ...PROJECT, 'pass.txt': 'not-the-password\n' });
  const r = playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', '--vault-id', 'prod@pass-prod.txt']);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /^ERROR! \S*group_vars\/all\/vault\.yml:1:1: vault decryption failed/m);
  assert.ok(!fs.existsSync(path.join(dir, '.playwatch')));
});

test('playwatch vault encrypt, view and decrypt round-trip a file; encrypt-string makes a value a playbook reads', () => {
  const dir = makeProject({ 'pass.txt': read('pass.txt'), 'pass-prod.txt': read('pass-prod.txt'), 'vars.yml': VARS_PLAIN });
  const enc = playwatch(dir, ['vault', 'encrypt', '--vault-id', 'prod@pass-prod.txt', 'vars.yml']);
  assert.equal(enc.code, 0, enc.err);
  const text = fs.readFileSync(path.join(dir, 'vars.yml'), 'utf8');
  assert.match(text, /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
  assert.deepEqual(inClear(text), []);
  const view = playwatch(dir, ['vault', 'view', '--vault-id', 'prod@pass-prod.txt', 'vars.yml']);
  assert.equal(view.out, VARS_PLAIN, view.err);
  const again = playwatch(dir, ['vault', 'encrypt', '--vault-password-file', 'pass.txt', 'vars.yml']);
  assert.equal(again.code, 1);
  assert.match(again.err, /vars\.yml is already vault-encrypted/);
  const wrong = playwatch(dir, ['vault', 'view', '--vault-password-file', 'pass.txt', 'vars.yml']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /^ERROR! vars\.yml:1:1: vault decryption failed/);
  const dec = playwatch(dir, ['vault', 'decrypt', '--vault-id', 'prod@pass-prod.txt', 'vars.yml']);
  assert.equal(dec.code, 0, dec.err);
  assert.equal(fs.readFileSync(path.join(dir, 'vars.yml'), 'utf8'), VARS_PLAIN);

  const str = playwatch(dir, ['vault', 'encrypt-string', '--vault-password-file', 'pass.txt', '--name', 'token', 'a-string-secret']);
  assert.equal(str.code, 0, str.err);
  assert.match(str.out, /^token: !vault \|\n {10}\$ANSIBLE_VAULT;1\.1;AES256\n( {10}[0-9a-f]{1,80}\n)+$/);
  fs.writeFileSync(path.join(dir, 'site.yml'), `- hosts: localhost\n  gather_facts: false\n  vars:\n${str.out.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n')}  tasks:\n    - assert: {that: "token == 'a-string-secret'"}\n`);
  const run = playwatch(dir, ['run', 'site.yml', '--ui', 'plain', '--vault-password-file', 'pass.txt']);
  assert.equal(run.code, 0, run.out + run.err);
});

test('a deploy needs only the passwords of the hosts it targets, as with ansible-core: staging runs without the production one', () => {
  const dir = makeProject({
    'pass.txt': read('pass.txt'),
    'inventory.ini': '[prod]\np1 ansible_connection=local\n[staging]\ns1 ansible_connection=local\n',
    // Encrypted for vault id prod, whose password is not given.
    'group_vars/prod/vault.yml': read('vars-1.2.yml'),
    'group_vars/staging/plain.yml': 'x: staging-value\n',
    'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {var: x}\n',
  });
  const rows: Array<[limit: string[], code: number, says: RegExp]> = [
    [['-l', 'staging'], 0, /s1 +: ok=1/],
    [[], 1, /^ERROR! \S*group_vars\/prod\/vault\.yml:1:1: vault decryption failed \(it is labelled 'prod'/m],
  ];
  for (const [limit, code, says] of rows) {
    const r = playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', '--vault-password-file', 'pass.txt', ...limit]);
    assert.equal(r.code, code, r.out + r.err);
    assert.match(r.out + r.err, says);
  }
});
