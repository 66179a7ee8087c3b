/** The vault fixtures made by ansible-vault (fixtures/vault/README.md) and what they hold. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VaultKeyring, type VaultSecret } from '../../src/vault/index.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/vault');

export const PASSWORD = 'playwatch-vault-test';
export const PROD_PASSWORD = 'prod-vault-pw-2026';

/** The plaintext of vars-1.1.yml and vars-1.2.yml. */
export const VARS_PLAIN = '---\ndb_password: "Tr0ub4dor&3-db"\napi_key: sk-live-4f9a8b7c6d5e\nplain_number: 42\nnested:\n  token: nested-token-value-77\n';
export const VARS_SECRETS = ['Tr0ub4dor&3-db', 'sk-live-4f9a8b7c6d5e', 'nested-token-value-77'];
export const INLINE_11 = 'inline-secret-1.1-value';
export const INLINE_12 = 'inline-secret-1.2-value';
export const SECRET_CONF = 'listen_key = copy-source-secret-42\n';

export const read = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

export function secret(password: string, label = 'default'): VaultSecret {
  return { label, password: Buffer.from(password), source: `test ${label}` };
}

/** A keyring holding both fixture passwords. */
export function bothPasswords(): VaultKeyring {
  return new VaultKeyring([secret(PASSWORD), secret(PROD_PASSWORD, 'prod')]);
}
