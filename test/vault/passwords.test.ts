/**
 * Where vault passwords come from, as ansible-core reads them: files
 * (stripped), executables (their stdout; `*-client` scripts are asked for
 * a vault id), prompts; in ansible-core's order, each failure one error
 * naming the source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeProject } from '../helpers/run.js';
import { loadPasswords, passwordSources, splitVaultId } from '../../src/vault/index.js';

const noPrompt = async (q: string): Promise<string> => assert.fail(`asked: ${q}`);

function script(dir: string, name: string, body: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return p;
}

test('a password file is its text without the blanks around it; an executable is run and its stdout is the password', async () => {
  const dir = makeProject({ 'plain.txt': '  file-password \n\n', 'crlf.txt': 'crlf-password\r\n' });
  script(dir, 'pass.sh', 'echo "script-password"');
  script(dir, 'vault-client.sh', 'echo "client-$1-$2"');
  const rows: Array<[id: string, label: string, password: string, source: string]> = [
    ['plain.txt', 'default', 'file-password', 'file plain.txt'],
    ['dev@crlf.txt', 'dev', 'crlf-password', 'file crlf.txt'],
    ['ops@pass.sh', 'ops', 'script-password', 'script pass.sh'],
    // A `*-client` script is told which vault id is wanted.
    ['prod@vault-client.sh', 'prod', 'client---vault-id-prod', 'script vault-client.sh'],
  ];
  for (const [id, label, password, source] of rows) {
    const [s] = await loadPasswords(passwordSources({ vaultIds: [id] }), { cwd: dir, ask: noPrompt });
    assert.deepEqual({ ...s, password: s.password.toString() }, { label, password, source }, id);
  }
});

test('sources come in ansible-core\'s order: identity list, --vault-id, password files, the configured file, then the prompt', () => {
  const sources = passwordSources({
    identityList: ['cfg@a.txt'],
    vaultIds: ['dev@prompt', 'b.txt'],
    passwordFiles: ['c.txt'],
    configFile: { path: '/etc/d.txt', from: 'vault_password_file in ansible.cfg' },
    ask: true,
  });
  assert.deepEqual(
    sources.map((s) => `${s.label}@${s.source}`),
    ['cfg@a.txt', 'dev@prompt', 'default@b.txt', 'default@c.txt', 'default@/etc/d.txt', 'default@ask'],
  );
  assert.deepEqual(splitVaultId('a@b@c'), { label: 'a', source: 'b@c' });
});

test('prompts ask ansible-vault\'s questions; a new password is asked twice and must match', async () => {
  const asked: string[] = [];
  const answers = ['typed-password', 'prod-typed', 'new-pw', 'new-pw', 'one', 'two'];
  const ask = async (q: string) => (asked.push(q), answers.shift()!);
  const got = await loadPasswords(passwordSources({ vaultIds: ['prod@prompt'], ask: true }).reverse(), { cwd: '/', ask });
  assert.deepEqual(got.map((s) => `${s.label}=${s.password}`), ['default=typed-password', 'prod=prod-typed']);
  await loadPasswords(passwordSources({ ask: true }), { cwd: '/', ask, create: true });
  await assert.rejects(loadPasswords(passwordSources({ ask: true }), { cwd: '/', ask, create: true }), /the vault passwords do not match/);
  assert.deepEqual(asked, ['Vault password: ', 'Vault password (prod): ', 'New vault password: ', 'Confirm new vault password: ', 'New vault password: ', 'Confirm new vault password: ']);
});

test('a source that gives no password is one error naming it', async () => {
  const dir = makeProject({ 'empty.txt': '\n' });
  script(dir, 'fails.sh', 'echo oops >&2; exit 3');
  script(dir, 'nothing.sh', 'true');
  script(dir, 'unknown-client.sh', 'echo "no such id" >&2; exit 2');
  const rows: Array<[id: string, message: RegExp]> = [
    ['missing.txt', /the vault password file .*\/missing\.txt \(--vault-id\) was not found$/],
    ['empty.txt', /empty\.txt \(--vault-id\) gave an empty password$/],
    ['fails.sh', /fails\.sh \(--vault-id\) exited with 3$/],
    ['nothing.sh', /nothing\.sh \(--vault-id\) gave an empty password$/],
    ['x@unknown-client.sh', /unknown-client\.sh \(--vault-id\) has no password for vault id 'x': no such id$/],
  ];
  for (const [id, message] of rows) {
    await assert.rejects(loadPasswords(passwordSources({ vaultIds: [id] }), { cwd: dir, ask: noPrompt }), message, id);
  }
  await assert.rejects(
    loadPasswords(passwordSources({ configFile: { path: path.join(dir, 'gone'), from: 'vault_password_file in /p/ansible.cfg' } }), { cwd: dir, ask: noPrompt }),
    /gone \(vault_password_file in \/p\/ansible\.cfg\) was not found/,
  );
});
