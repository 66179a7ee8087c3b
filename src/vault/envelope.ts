/**
 * The ansible-vault envelope: a header line (`$ANSIBLE_VAULT;1.1;AES256`, or
 * `$ANSIBLE_VAULT;1.2;AES256;<label>`) and the hexlified payload in lines of
 * 80 characters, written exactly as ansible-core's
 * `format_vaulttext_envelope` writes it.
 */
import { VAULT_HEADER } from '../model/index.js';

export interface Envelope {
  version: '1.1' | '1.2';
  cipher: string;
  /** The vault id of a 1.2 envelope. */
  label?: string;
  /** The payload: hex text with the line breaks taken out. */
  body: string;
}

/** The envelope of a vault text, or why it is not one. */
export function parseEnvelope(text: string): Envelope | { error: string } {
  const lines = text.split(/\r?\n/);
  const header = lines[0].trim().split(';').map((p) => p.trim());
  if (header[0] + ';' !== VAULT_HEADER) return { error: `it does not start with ${VAULT_HEADER}` };
  const [, version, cipher, label] = header;
  if (version !== '1.1' && version !== '1.2') return { error: `vault format version '${version ?? ''}' is not 1.1 or 1.2` };
  if (cipher !== 'AES256') return { error: `cipher '${cipher ?? ''}' is not supported (only AES256 is: the one ansible-vault writes)` };
  // Inline `!vault |` values may keep indentation or trailing blanks on their lines.
  const body = lines.slice(1).map((l) => l.trim()).join('');
  return { version, cipher, ...(label ? { label } : {}), body };
}

/** The envelope text ansible-vault writes: version 1.2 with the label when it is not `default`, a final line break. */
export function formatEnvelope(body: string, label?: string): string {
  const labelled = label !== undefined && label !== '' && label !== 'default';
  const header = labelled ? `${VAULT_HEADER}1.2;AES256;${label}` : `${VAULT_HEADER}1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < body.length; i += 80) lines.push(body.slice(i, i + 80));
  lines.push('');
  return lines.join('\n');
}
