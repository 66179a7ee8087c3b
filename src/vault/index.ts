/**
 * ansible-vault 1.1 and 1.2 (AES256) with Node's crypto: the keyring that
 * opens vault texts for every reader of files, the password sources, and
 * encryption for `playwatch vault`.
 */
export { VaultKeyring, type VaultSecret } from './keyring.js';
export { loadPasswords, passwordSources, splitVaultId, type Ask, type PasswordOptions, type PasswordSource } from './passwords.js';
export { formatEnvelope, parseEnvelope, type Envelope } from './envelope.js';
export { decryptPayload, encryptPayload } from './aes256.js';
