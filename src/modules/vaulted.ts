/**
 * Files on the controller that may be vault-encrypted: ansible-core opens
 * the sources of copy and template (and vars files) with the run's vault
 * passwords before using them. What is opened is secret from then on.
 */
import fs from 'node:fs';
import { isVaulted, openVault, type Vault } from '../model/index.js';

/**
 * A local file's bytes, opened when encrypted unless `decrypt` is false
 * (copy's `decrypt: no` copies the vault text as it is); `vaulted` says it
 * was opened (no diff shows its lines then).
 */
export function readLocalFile(vault: Vault | undefined, file: string, decrypt = true): { content: Buffer; vaulted: boolean } {
  const raw = fs.readFileSync(file);
  if (!decrypt || !isVaulted(raw)) return { content: raw, vaulted: false };
  return { content: openVault(vault, raw.toString('utf8'), { file, line: 1, col: 1 }), vaulted: true };
}
