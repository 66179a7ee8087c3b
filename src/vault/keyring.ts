/**
 * The run's vault passwords, and opening vault texts with them the way
 * ansible-core's VaultLib does: a 1.2 text's own label is tried first, then
 * every other password in the order given. The passwords and everything
 * opened are secret.
 */
import { NO_VAULT_PASSWORD, UserError, type Pos, type Vault } from '../model/index.js';
import { decryptPayload, encryptPayload } from './aes256.js';
import { formatEnvelope, parseEnvelope } from './envelope.js';

/** One vault password: its vault id (`default` unless `--vault-id label@…` says) and where it came from. */
export interface VaultSecret {
  label: string;
  password: Buffer;
  /** Where the password came from, for messages: `file .vault_pass`, `prompt`, `script ./pass.sh`. */
  source: string;
}

export class VaultKeyring implements Vault {
  private readonly known = new Set<string>();
  private readonly listeners = new Set<(value: string) => void>();
  /** Texts opened before: a file read twice (a check before the run, then the run) costs one key derivation. */
  private readonly opened = new Map<string, Buffer>();

  constructor(readonly secrets: readonly VaultSecret[]) {
    // The passwords are secrets too (a prompt's answer always is, DESIGN §12).
    for (const s of secrets) {
      const text = utf8(s.password);
      if (text !== undefined) this.add(text);
    }
  }

  open(text: string, where: Pos): Buffer {
    const done = this.opened.get(text);
    if (done) return done;
    const plain = this.decrypt(text, where);
    this.opened.set(text, plain);
    this.remember(plain);
    return plain;
  }

  /**
   * The plaintext and the password that opened it, and the text's own
   * label (undefined for 1.1): `vault edit` re-encrypts with both, as
   * ansible-vault's edit does.
   */
  openWithSecret(text: string, where: Pos): { plain: Buffer; secret: VaultSecret; label?: string } {
    const out = this.decryptWith(text, where);
    this.opened.set(text, out.plain);
    this.remember(out.plain);
    return out;
  }

  private decrypt(text: string, where: Pos): Buffer {
    return this.decryptWith(text, where).plain;
  }

  private decryptWith(text: string, where: Pos): { plain: Buffer; secret: VaultSecret; label?: string } {
    const env = parseEnvelope(text);
    if ('error' in env) throw new UserError(`cannot read the vault data: ${env.error}`, where);
    if (this.secrets.length === 0) throw new UserError(NO_VAULT_PASSWORD, where);
    const ordered = [...this.secrets.filter((s) => s.label === env.label), ...this.secrets.filter((s) => s.label !== env.label)];
    for (const s of ordered) {
      const out = decryptPayload(env.body, s.password);
      if (Buffer.isBuffer(out)) return { plain: out, secret: s, label: env.label };
      if (out.why === 'damaged') throw new UserError(`the vault data is damaged: ${out.detail}`, where);
    }
    const tried = ordered.map((s) => `'${s.label}' from ${s.source}`).join(', ');
    const forLabel = env.label && !this.secrets.some((s) => s.label === env.label) ? ` (it is labelled '${env.label}' and no password has that vault id)` : '';
    throw new UserError(
      `vault decryption failed${forLabel}: tried ${tried}; the password is wrong, or the data was changed after it was encrypted (its HMAC does not match)`,
      where,
    );
  }

  /** `plaintext` encrypted as ansible-vault would: with the password of vault id `label`, or the only one given. */
  encrypt(plaintext: Buffer, label?: string): string {
    const s = this.encryptSecret(label);
    return formatEnvelope(encryptPayload(plaintext, s.password), s.label);
  }

  /** `plaintext` encrypted with this password, under `label` (1.2) or none (1.1), as ansible-vault's edit and rekey write. */
  static encryptWith(plaintext: Buffer, secret: VaultSecret, label?: string): string {
    return formatEnvelope(encryptPayload(plaintext, secret.password), label);
  }

  private encryptSecret(label?: string): VaultSecret {
    if (label !== undefined) {
      const s = this.secrets.find((x) => x.label === label);
      if (!s) throw new UserError(`no vault password has the vault id '${label}' (given: ${this.labels()})`);
      return s;
    }
    const labels = new Set(this.secrets.map((s) => s.label));
    if (labels.size === 0) throw new UserError('a vault password is needed to encrypt: use --vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass');
    if (labels.size > 1) throw new UserError(`several vault ids were given (${this.labels()}): say which one encrypts with --encrypt-vault-id`);
    return this.secrets[0];
  }

  private labels(): string {
    return [...new Set(this.secrets.map((s) => s.label))].join(', ') || 'none';
  }

  reveal(value: unknown): void {
    if (typeof value === 'string') this.add(value);
    else if (Array.isArray(value)) value.forEach((v) => this.reveal(v));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => this.reveal(v));
  }

  onSecret(fn: (value: string) => void): () => void {
    for (const v of this.known) fn(v);
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The whole plaintext is secret, with and without the blanks around it (a value encrypted from `echo` ends in a line break). */
  private remember(plaintext: Buffer): void {
    const text = utf8(plaintext);
    if (text === undefined) return;
    this.add(text);
    this.add(text.trim());
  }

  private add(value: string): void {
    if (value === '' || this.known.has(value)) return;
    this.known.add(value);
    for (const fn of this.listeners) fn(value);
  }
}

/** The bytes as text, or undefined when they are not UTF-8 (a binary file copied from vault). */
function utf8(b: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
}
