/**
 * Byte compatibility with ansible-vault, fresh each run (new plaintexts,
 * new salts): what `playwatch vault` encrypts, ansible-vault opens, and what
 * ansible-vault encrypts, playwatch opens; files in formats 1.1 and 1.2,
 * `!vault` strings, and bytes that are not text. Needs ansible-core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject } from '../helpers/run.js';
import { parseExtraVars } from '../../src/cli/extra-vars.js';
import { loadPasswords, passwordSources, VaultKeyring } from '../../src/vault/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'buffer', env: { ...process.env, HOME: cwd, ANSIBLE_CONFIG: '/nonexistent', ANSIBLE_NOCOLOR: '1' }, timeout: 60_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr?.toString()}`);
  return r.stdout;
}

const playwatch = (cwd: string, ...args: string[]) => run(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], cwd);
const ansibleVault = (cwd: string, ...args: string[]) => run('ansible-vault', args, cwd);

/** A project with two fresh passwords, and the keyring holding them as ansible-vault would be given them. */
async function fresh() {
  const pw = crypto.randomBytes(12).toString('base64url');
  const prod = crypto.randomBytes(12).toString('base64url');
  const dir = makeProject({ 'pass.txt': `${pw}\n`, 'prod.txt': `${prod}\n` });
  const secrets = await loadPasswords(passwordSources({ vaultIds: ['pass.txt', 'prod@prod.txt'] }), { cwd: dir, ask: async () => assert.fail('no prompt') });
  return { dir, ring: new VaultKeyring(secrets) };
}

const PASSWORD_ARGS: Record<string, string[]> = { '1.1': ['--vault-password-file', 'pass.txt'], '1.2': ['--vault-id', 'prod@prod.txt'] };

test('files playwatch encrypts (1.1 and 1.2, text and binary) are opened by ansible-vault', async () => {
  const { dir } = await fresh();
  for (const format of ['1.1', '1.2']) {
    for (const [kind, content] of [['text', `token: ${crypto.randomUUID()}\n`], ['binary', crypto.randomBytes(999)]] as const) {
      const file = `ours-${format}-${kind}`;
      fs.writeFileSync(path.join(dir, file), content);
      playwatch(dir, 'vault', 'encrypt', ...PASSWORD_ARGS[format], file);
      const header = fs.readFileSync(path.join(dir, file), 'utf8').split('\n')[0];
      assert.equal(header, format === '1.1' ? '$ANSIBLE_VAULT;1.1;AES256' : '$ANSIBLE_VAULT;1.2;AES256;prod');
      // `decrypt --output`, not `view`: view prints text, decrypt writes the bytes.
      ansibleVault(dir, 'decrypt', ...PASSWORD_ARGS[format], '--output', `${file}.out`, file);
      assert.deepEqual(fs.readFileSync(path.join(dir, `${file}.out`)), Buffer.from(content), `${format} ${kind}`);
    }
  }
});

test('files ansible-vault encrypts (1.1 and 1.2, text and binary) are opened by playwatch', async () => {
  const { dir, ring } = await fresh();
  for (const format of ['1.1', '1.2']) {
    for (const [kind, content] of [['text', `token: ${crypto.randomUUID()}\n`], ['binary', crypto.randomBytes(999)]] as const) {
      const file = `theirs-${format}-${kind}`;
      fs.writeFileSync(path.join(dir, file), content);
      ansibleVault(dir, 'encrypt', ...PASSWORD_ARGS[format], file);
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      assert.deepEqual(ring.open(text, { file, line: 1, col: 1 }), Buffer.from(content), `${format} ${kind}`);
      assert.deepEqual(playwatch(dir, 'vault', 'view', ...PASSWORD_ARGS[format], file), Buffer.from(content), `${format} ${kind} (CLI)`);
    }
  }
});

test('!vault strings go both ways: ansible-vault encrypt_string is read by playwatch, playwatch encrypt-string by ansible', async () => {
  const { dir, ring } = await fresh();
  for (const format of ['1.1', '1.2']) {
    const theirs = `theirs-${crypto.randomUUID()}`;
    const t = ansibleVault(dir, 'encrypt_string', ...PASSWORD_ARGS[format], '--name', 'value', theirs).toString();
    fs.writeFileSync(path.join(dir, `theirs-${format}.yml`), `${t}\n`);
    assert.deepEqual(parseExtraVars(`@theirs-${format}.yml`, dir, ring), { value: theirs }, format);

    const ours = `ours-${crypto.randomUUID()}`;
    const o = playwatch(dir, 'vault', 'encrypt-string', ...PASSWORD_ARGS[format], '--name', 'value', ours).toString();
    fs.writeFileSync(path.join(dir, `ours-${format}.yml`), o);
    // ansible-vault decrypts a vars file's `!vault` values only through a play: `ansible -m debug` reads it.
    const shown = run('ansible', ['localhost', '-i', 'localhost,', '-c', 'local', '-m', 'debug', '-a', 'var=value', '-e', `@ours-${format}.yml`, ...PASSWORD_ARGS[format]], dir).toString();
    assert.match(shown, new RegExp(`"value": "${ours}"`), format);
  }
});

test('files playwatch creates, edits and rekeys are opened by ansible-vault (the edited 1.2 file keeps its vault id)', async () => {
  const { dir } = await fresh();
  const editor = (name: string, script: string) => {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return path.join(dir, name);
  };
  const token = crypto.randomUUID();
  const withEditor = (script: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'vault', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, ANSIBLE_CONFIG: '/nonexistent', EDITOR: script },
      timeout: 60_000,
    });
    assert.equal(r.status, 0, `playwatch vault ${args.join(' ')}: ${r.stderr}`);
  };
  withEditor(editor('write.sh', `printf 'token: ${token}\\n' > "$1"`), 'create', '--vault-password-file', 'pass.txt', 'created.yml');
  assert.equal(ansibleVault(dir, 'view', '--vault-password-file', 'pass.txt', 'created.yml').toString(), `token: ${token}\n`);

  fs.writeFileSync(path.join(dir, 'theirs.yml'), `token: ${token}\n`);
  ansibleVault(dir, 'encrypt', '--vault-id', 'prod@prod.txt', 'theirs.yml');
  withEditor(editor('sed.sh', 'sed -i "s/token/edited_token/" "$1"'), 'edit', '--vault-id', 'prod@prod.txt', 'theirs.yml');
  assert.match(fs.readFileSync(path.join(dir, 'theirs.yml'), 'utf8'), /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
  assert.equal(ansibleVault(dir, 'view', '--vault-id', 'prod@prod.txt', 'theirs.yml').toString(), `edited_token: ${token}\n`);

  fs.writeFileSync(path.join(dir, 'new.txt'), `${crypto.randomBytes(9).toString('hex')}\n`);
  playwatch(dir, 'vault', 'rekey', '--vault-password-file', 'pass.txt', '--new-vault-password-file', 'new.txt', 'created.yml');
  assert.equal(ansibleVault(dir, 'view', '--vault-password-file', 'new.txt', 'created.yml').toString(), `token: ${token}\n`);
  // ansible-vault rekeys ours back, and playwatch opens the result.
  ansibleVault(dir, 'rekey', '--vault-password-file', 'new.txt', '--new-vault-password-file', 'pass.txt', 'created.yml');
  assert.equal(playwatch(dir, 'vault', 'view', '--vault-password-file', 'pass.txt', 'created.yml').toString(), `token: ${token}\n`);
});
