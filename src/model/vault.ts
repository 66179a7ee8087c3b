import type { Pos } from './types.js';
import { UserError } from './errors.js';

/** What every ansible-vault text starts with (`$ANSIBLE_VAULT;1.1;AES256`, `…;1.2;AES256;label`). */
export const VAULT_HEADER = '$ANSIBLE_VAULT;';

/** Whether a file's text (or bytes) is vault-encrypted, as ansible-core tells: by its first bytes. */
export function isVaulted(data: string | Uint8Array): boolean {
  if (typeof data === 'string') return data.startsWith(VAULT_HEADER);
  if (data.length < VAULT_HEADER.length) return false;
  for (let i = 0; i < VAULT_HEADER.length; i++) if (data[i] !== VAULT_HEADER.charCodeAt(i)) return false;
  return true;
}

/**
 * Opens vault-encrypted texts for the readers of files. `vault/` implements
 * it with the passwords the run was given; the CLI hands it to
 * `inventory/`, `playbook/` and the engine (for modules), which may not
 * import `vault/`. Whatever it opens is secret from then on (DESIGN §12).
 */
export interface Vault {
  /**
   * The plaintext of `text` (a whole file or one `!vault` value) found at
   * `where`; a UserError at `where` when no password opens it.
   */
  open(text: string, where: Pos): Buffer;
  /** Marks every string in a value read from an encrypted file as secret (the values of a vaulted vars file). */
  reveal(value: unknown): void;
  /** Calls `fn` with every secret opened so far and with each one opened later; returns the way to stop. */
  onSecret(fn: (value: string) => void): () => void;
}

/** `vault.open`, or the error a vaulted text meets when no vault password was given. */
export function openVault(vault: Vault | undefined, text: string, where: Pos): Buffer {
  if (vault) return vault.open(text, where);
  throw new UserError(NO_VAULT_PASSWORD, where);
}

export const NO_VAULT_PASSWORD =
  'this is vault-encrypted and no vault password was given: use --ask-vault-pass, --vault-password-file FILE, --vault-id LABEL@SOURCE or vault_password_file in ansible.cfg';

/**
 * Reads a file that may be vault-encrypted: its text, opened when it is
 * encrypted, and whether it was (so the reader can mark its values secret).
 */
export function vaultedText(text: string, vault: Vault | undefined, where: Pos): { text: string; vaulted: boolean } {
  if (!isVaulted(text)) return { text, vaulted: false };
  return { text: openVault(vault, text, where).toString('utf8'), vaulted: true };
}
