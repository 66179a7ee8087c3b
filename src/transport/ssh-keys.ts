import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';

/**
 * Private keys for SSH authentication, read once per connection and parsed
 * once per run: a run opens one connection per host with the same key.
 */

/** Keys parsed so far, by file, with the bytes and passphrase they were parsed from. */
const parsedKeys = new Map<string, { data: Buffer; passphrase?: string; key: ParsedKey }>();

/**
 * Reads and parses a private key (ssh2 takes the parsed key as is), or says
 * why it cannot be used. The file is read every time; it is parsed again
 * only when its bytes or the passphrase changed.
 */
export function loadKey(file: string, passphrase?: string): ParsedKey | string {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    return `cannot read private key file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  const known = parsedKeys.get(file);
  if (known && known.passphrase === passphrase && known.data.equals(data)) return known.key;
  const parsed = ssh2.utils.parseKey(data, passphrase);
  // ssh2's parse errors name the problem (encrypted, unsupported), never the key material.
  if (parsed instanceof Error) return `cannot use private key file ${file}: ${parsed.message}`;
  const key = signingOnce(parsed);
  parsedKeys.set(file, { data, passphrase, key });
  return key;
}

/** The digest ssh2 signs with when the caller names none, by key type (ssh2's keyParser.js). */
const DEFAULT_DIGEST: Record<string, string | null> = {
  'ssh-ed25519': null,
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
  'ssh-rsa': 'sha1',
};

/**
 * ssh2 signs with the key's PEM text, which OpenSSL decodes again for every
 * signature: ~0.4 ms of CPU per connection for an ed25519 key, ten times
 * the signing itself. The key gets a `sign` that uses a KeyObject decoded
 * once; the signatures are the same (ed25519 and RSA byte for byte).
 * Other key types keep ssh2's own.
 */
export function signingOnce(key: ParsedKey): ParsedKey {
  const digest = DEFAULT_DIGEST[key.type];
  if (digest === undefined || !key.isPrivateKey()) return key;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key.getPrivatePEM());
  } catch {
    return key;
  }
  const signOnce = (data: Buffer, algo?: string): Buffer | Error => {
    try {
      return sign(algo || digest, data, privateKey);
    } catch (err) {
      return err as Error; // as ssh2's sign: the caller reports it
    }
  };
  Object.defineProperty(key, 'sign', { value: signOnce, configurable: true, writable: true });
  return key;
}
