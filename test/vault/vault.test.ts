/**
 * ansible-vault's format, read and written with Node's crypto: texts made by
 * ansible-vault 1.1 and 1.2 open, ours have its exact shape, and every way a
 * text cannot be opened is one UserError at the place it was found.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError, NO_VAULT_PASSWORD } from '../../src/model/index.js';
import { parseSlow } from '../../src/playbook/yaml/slow.js';
import { formatEnvelope, parseEnvelope, VaultKeyring } from '../../src/vault/index.js';
import { bothPasswords, INLINE_11, INLINE_12, PASSWORD, PROD_PASSWORD, read, secret, SECRET_CONF, VARS_PLAIN } from './fixtures.js';

const AT = { file: 'vault.yml', line: 1, col: 1 };

/** The ciphertext of an `encrypt_string` fixture, as YAML hands it over. */
function inline(name: string): string {
  const r = parseSlow(read(name));
  const value = (r.doc.toJS() as Record<string, string>);
  return Object.values(value)[0];
}

test('files and strings made by ansible-vault 1.1 and 1.2 open with their passwords', () => {
  const rows: Array<[fixture: string, plain: string, ciphertext: () => string]> = [
    ['vars-1.1.yml', VARS_PLAIN, () => read('vars-1.1.yml')],
    ['vars-1.2.yml', VARS_PLAIN, () => read('vars-1.2.yml')],
    ['secret.conf', SECRET_CONF, () => read('secret.conf')],
    ['inline-1.1.yml', INLINE_11, () => inline('inline-1.1.yml')],
    ['inline-1.2.yml', INLINE_12, () => inline('inline-1.2.yml')],
  ];
  for (const [fixture, plain, ciphertext] of rows) {
    assert.equal(bothPasswords().open(ciphertext(), AT).toString('utf8'), plain, fixture);
  }
});

test('a 1.2 text is opened by the password of its label first, then by any other, as ansible-core tries them', () => {
  assert.deepEqual({ ...parseEnvelope(read('vars-1.2.yml')), body: '…' }, { version: '1.2', cipher: 'AES256', label: 'prod', body: '…' });
  // The label is a hint, not a lock: a password under another id still opens it.
  const unlabelled = new VaultKeyring([secret('wrong-one-first'), secret(PROD_PASSWORD)]);
  assert.equal(unlabelled.open(read('vars-1.2.yml'), AT).toString(), VARS_PLAIN);
});

test('what we encrypt has ansible-vault\'s shape and opens again: 1.1 without a label, 1.2 with one', () => {
  const rows: Array<[label: string, header: string]> = [
    ['default', '$ANSIBLE_VAULT;1.1;AES256'],
    ['prod', '$ANSIBLE_VAULT;1.2;AES256;prod'],
  ];
  for (const [label, header] of rows) {
    const ring = new VaultKeyring([secret(PASSWORD, label)]);
    const text = ring.encrypt(Buffer.from(VARS_PLAIN));
    const lines = text.split('\n');
    assert.equal(lines[0], header);
    assert.equal(lines.at(-1), '', 'ends with a line break');
    assert.ok(lines.slice(1, -2).every((l) => l.length === 80), 'lines of 80 columns');
    assert.ok(lines.at(-2)!.length <= 80 && /^[0-9a-f]+$/.test(lines.slice(1).join('')));
    assert.equal(ring.open(text, AT).toString(), VARS_PLAIN);
    // A fresh salt each time: the same plaintext never encrypts to the same text.
    assert.notEqual(ring.encrypt(Buffer.from(VARS_PLAIN)), text);
  }
  assert.equal(formatEnvelope('ab', 'default'), '$ANSIBLE_VAULT;1.1;AES256\nab\n');
});

test('a wrong password, a truncated file and an altered HMAC are each one error naming the file and line', () => {
  const good = read('vars-1.1.yml');
  const lines = good.split('\n');
  // The HMAC is the second line of the inner payload: flip one of its hex digits.
  const inner = Buffer.from(lines.slice(1).join(''), 'hex').toString('latin1').split('\n');
  inner[1] = (inner[1][0] === '0' ? '1' : '0') + inner[1].slice(1);
  const badHmac = formatEnvelope(Buffer.from(inner.join('\n'), 'latin1').toString('hex'));
  const rows: Array<[what: string, text: string, ring: VaultKeyring, message: RegExp]> = [
    ['wrong password', good, new VaultKeyring([secret('not-the-password')]), /^vault\.yml:3:7: vault decryption failed: tried 'default' from test default; the password is wrong, or the data was changed .*HMAC does not match/],
    ['truncated', lines.slice(0, 3).join('\n') + '\n', bothPasswords(), /^vault\.yml:3:7: the vault data is damaged: .*cut short/],
    ['truncated mid-line', good.slice(0, good.length - 7), bothPasswords(), /^vault\.yml:3:7: the vault data is damaged: .*(odd length|cut short)/],
    ['altered HMAC', badHmac, bothPasswords(), /^vault\.yml:3:7: vault decryption failed: .*HMAC does not match/],
    ['no password at all', good, new VaultKeyring([]), new RegExp(`^vault\\.yml:3:7: ${NO_VAULT_PASSWORD.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)],
    ['not vault data', '$ANSIBLE_VAULT;1.1;ROT13\nabcd\n', bothPasswords(), /^vault\.yml:3:7: cannot read the vault data: cipher 'ROT13' is not supported/],
  ];
  for (const [what, text, ring, message] of rows) {
    assert.throws(() => ring.open(text, { file: 'vault.yml', line: 3, col: 7 }), (e: unknown) => e instanceof UserError && message.test(e.message), what);
  }
});

test('a 1.2 text whose label no password has says so', () => {
  const ring = new VaultKeyring([secret('not-the-password')]);
  assert.throws(() => ring.open(read('vars-1.2.yml'), AT), /labelled 'prod' and no password has that vault id/);
});

test('the passwords and everything the keyring opens are secret, and so is every string of a value revealed from it', () => {
  const ring = bothPasswords();
  const seen: string[] = [];
  ring.open(inline('inline-1.1.yml'), AT);
  const stop = ring.onSecret((v) => seen.push(v));
  assert.deepEqual(seen, [PASSWORD, PROD_PASSWORD, INLINE_11], 'secrets known before listening are replayed');
  ring.open(read('secret.conf'), AT);
  ring.reveal({ a: 'revealed-one', b: ['revealed-two', 3, { c: 'revealed-three' }] });
  stop();
  ring.reveal('after-stopping');
  assert.deepEqual(seen, [PASSWORD, PROD_PASSWORD, INLINE_11, SECRET_CONF, SECRET_CONF.trim(), 'revealed-one', 'revealed-two', 'revealed-three']);
});

test('encrypting needs one password, or --encrypt-vault-id among several', () => {
  assert.throws(() => new VaultKeyring([]).encrypt(Buffer.from('x')), /a vault password is needed to encrypt/);
  assert.throws(() => bothPasswords().encrypt(Buffer.from('x')), /several vault ids were given \(default, prod\): say which one encrypts with --encrypt-vault-id/);
  assert.match(bothPasswords().encrypt(Buffer.from('x'), 'prod'), /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
  assert.throws(() => bothPasswords().encrypt(Buffer.from('x'), 'staging'), /no vault password has the vault id 'staging'/);
});
