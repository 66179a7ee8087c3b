/**
 * `playwatch vault create|edit|rekey` as a user runs them (EDITOR is a
 * script standing in for vi), the file lookup opening a vaulted file in a
 * run, `-e @` an encrypted vars file, and `--flush-cache` accepted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject } from '../helpers/run.js';
import { PASSWORD, PROD_PASSWORD, read, VARS_PLAIN, VARS_SECRETS } from '../vault/fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

function playwatch(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: cwd, ...env },
    timeout: 60_000,
    input: '',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A project with the fixture passwords and editors: `write.sh` replaces the file, `sed.sh` edits it, `same.sh` leaves it, `fail.sh` changes it and exits 1. */
function project(files: Record<string, string> = {}): string {
  const dir = makeProject({
    'pass.txt': `${PASSWORD}\n`,
    'prod.txt': `${PROD_PASSWORD}\n`,
    'new.txt': 'a-new-password-2027\n',
    'write.sh': '#!/bin/sh\nprintf "api_token: created-in-editor-81\\n" > "$1"\n',
    'sed.sh': '#!/bin/sh\nsed -i "s/42/43/" "$1"\n',
    'same.sh': '#!/bin/sh\nexit 0\n',
    'fail.sh': '#!/bin/sh\necho changed > "$1"\nexit 1\n',
    ...files,
  });
  for (const f of ['write.sh', 'sed.sh', 'same.sh', 'fail.sh']) fs.chmodSync(path.join(dir, f), 0o755);
  return dir;
}

const view = (dir: string, file: string, ...pw: string[]) => playwatch(dir, ['vault', 'view', ...pw, file]);

test('vault create writes what the editor left, encrypted (0600, 1.1 for the default id), and refuses an existing file', () => {
  const dir = project();
  const r = playwatch(dir, ['vault', 'create', '--vault-password-file', 'pass.txt', 'group_vars/all/vault.yml'], { EDITOR: './write.sh' });
  assert.equal(r.code, 0, r.err);
  const file = path.join(dir, 'group_vars/all/vault.yml');
  assert.match(fs.readFileSync(file, 'utf8'), /^\$ANSIBLE_VAULT;1\.1;AES256\n/);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(view(dir, 'group_vars/all/vault.yml', '--vault-password-file', 'pass.txt').out, 'api_token: created-in-editor-81\n');
  const again = playwatch(dir, ['vault', 'create', '--vault-password-file', 'pass.txt', 'group_vars/all/vault.yml'], { EDITOR: './write.sh' });
  assert.equal(again.code, 1);
  assert.match(again.err, /group_vars\/all\/vault\.yml exists, please use 'edit' instead/);
});

test('vault edit re-encrypts with the password that opened the file and keeps its vault id; no change or a failing editor leaves the bytes as they were', () => {
  const dir = project({ 'v12.yml': read('vars-1.2.yml') });
  const before = fs.readFileSync(path.join(dir, 'v12.yml'));
  for (const editor of ['./same.sh', './fail.sh']) {
    const r = playwatch(dir, ['vault', 'edit', '--vault-password-file', 'pass.txt', '--vault-id', 'prod@prod.txt', 'v12.yml'], { EDITOR: editor });
    assert.equal(r.code, editor === './same.sh' ? 0 : 1, r.err);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'v12.yml')), before, editor);
  }
  const r = playwatch(dir, ['vault', 'edit', '--vault-password-file', 'pass.txt', '--vault-id', 'prod@prod.txt', 'v12.yml'], { EDITOR: './sed.sh' });
  assert.equal(r.code, 0, r.err);
  assert.match(fs.readFileSync(path.join(dir, 'v12.yml'), 'utf8'), /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
  assert.equal(view(dir, 'v12.yml', '--vault-id', 'prod@prod.txt').out, VARS_PLAIN.replace('42', '43'));
  // No plaintext is left behind in the temporary directory.
  assert.deepEqual(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('playwatch-vault-')), []);
});

test('vault rekey puts files under the new password: the old one no longer opens them, the mode is kept', () => {
  const dir = project({ 'a.yml': read('vars-1.1.yml'), 'b.yml': read('inline-1.1.yml') });
  fs.chmodSync(path.join(dir, 'a.yml'), 0o640);
  const r = playwatch(dir, ['vault', 'rekey', '--vault-password-file', 'pass.txt', '--new-vault-password-file', 'new.txt', 'a.yml']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /Rekey successful/);
  assert.equal(view(dir, 'a.yml', '--vault-password-file', 'new.txt').out, VARS_PLAIN);
  assert.equal(view(dir, 'a.yml', '--vault-password-file', 'pass.txt').code, 1);
  assert.equal(fs.statSync(path.join(dir, 'a.yml')).mode & 0o777, 0o640);
  const labelled = playwatch(dir, ['vault', 'rekey', '--vault-password-file', 'new.txt', '--new-vault-id', 'prod@prod.txt', 'a.yml']);
  assert.equal(labelled.code, 0, labelled.err);
  assert.match(fs.readFileSync(path.join(dir, 'a.yml'), 'utf8'), /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
  const wrong = playwatch(dir, ['vault', 'rekey', '--vault-password-file', 'new.txt', '--new-vault-password-file', 'pass.txt', 'a.yml']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /a\.yml:1:1: vault decryption failed/);
});

test("lookup('file') opens a vault-encrypted file as ansible-core does (its text, masked), -e @ an encrypted vars file works, --flush-cache is accepted", () => {
  const dir = project({
    'files/token.txt': read('vars-1.1.yml'),
    'extra.yml': read('vars-1.1.yml'),
    'inventory.ini': 'web1 ansible_connection=local playwatch_lock_path=~/.playwatch/lock\n',
    'site.yml': [
      '- hosts: web1',
      '  gather_facts: false',
      '  tasks:',
      '    - copy: {content: "{{ lookup(\'file\', \'token.txt\') }}\\n", dest: "{{ playbook_dir }}/out.yml"}',
      '    - debug: {msg: "{{ (lookup(\'file\', \'token.txt\') | from_yaml).api_key }} {{ nested.token }}"}',
      '',
    ].join('\n'),
  });
  const r = playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', '--vault-password-file', 'pass.txt', '-e', '@extra.yml', '--flush-cache']);
  assert.equal(r.code, 0, r.err + r.out);
  assert.equal(fs.readFileSync(path.join(dir, 'out.yml'), 'utf8'), VARS_PLAIN.trimEnd() + '\n');
  for (const s of VARS_SECRETS) assert.ok(!r.out.includes(s), `${s} on screen:\n${r.out}`);
  assert.match(r.out, /"msg": "\*{8} \*{8}"/);
});
