/**
 * Where vault passwords come from, in ansible-core's order (`CLI.build_vault_ids`):
 * `vault_identity_list`, each `--vault-id`, each `--vault-password-file`
 * and then the configured `vault_password_file`, then `--ask-vault-pass`.
 * A source is a file (its text, stripped), an executable (run; its stdout
 * is the password; `*-client` scripts get `--vault-id <label>`), or a prompt.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../model/index.js';
import type { VaultSecret } from './keyring.js';

/** One password to load: its vault id, the source (a path, `prompt` or `ask`), and what named it, for messages. */
export interface PasswordSource {
  label: string;
  source: string;
  from: string;
}

/** What names the run's passwords. */
export interface PasswordOptions {
  /** `vault_identity_list` from the config: `label@source` each. */
  identityList?: string[];
  /** `--vault-id`, in order: `label@source` or a bare source. */
  vaultIds?: string[];
  /** `--vault-password-file`, in order. */
  passwordFiles?: string[];
  /** `vault_password_file` from ansible.cfg or ANSIBLE_VAULT_PASSWORD_FILE, with where it was set. */
  configFile?: { path: string; from: string };
  /** `--ask-vault-pass`. */
  ask?: boolean;
}

/** `label@source`, split at the first `@`; no `@` is the `default` id. */
export function splitVaultId(spec: string): { label: string; source: string } {
  const at = spec.indexOf('@');
  return at === -1 ? { label: 'default', source: spec } : { label: spec.slice(0, at) || 'default', source: spec.slice(at + 1) };
}

/** The sources, in the order their passwords are tried. */
export function passwordSources(o: PasswordOptions): PasswordSource[] {
  const out: PasswordSource[] = [];
  for (const id of o.identityList ?? []) out.push({ ...splitVaultId(id), from: 'vault_identity_list' });
  for (const id of o.vaultIds ?? []) out.push({ ...splitVaultId(id), from: '--vault-id' });
  for (const file of o.passwordFiles ?? []) out.push({ label: 'default', source: file, from: '--vault-password-file' });
  if (o.configFile) out.push({ label: 'default', source: o.configFile.path, from: o.configFile.from });
  if (o.ask) out.push({ label: 'default', source: 'ask', from: '--ask-vault-pass' });
  return out;
}

/** Asks for a password without echo; the CLI passes its terminal prompt. */
export type Ask = (question: string) => Promise<string>;

/**
 * Loads every password. `create` asks twice at a prompt (a new password
 * for `vault encrypt`). A source that gives no password is a UserError
 * naming it.
 */
export async function loadPasswords(sources: PasswordSource[], opts: { cwd: string; ask: Ask; create?: boolean }): Promise<VaultSecret[]> {
  const out: VaultSecret[] = [];
  for (const s of sources) {
    if (s.source === 'prompt' || s.source === 'ask') {
      const question = s.source === 'ask' ? 'Vault password: ' : `Vault password (${s.label}): `;
      out.push({ label: s.label, password: await prompted(question, opts), source: 'the prompt' });
    } else {
      out.push(fromFile(s, opts.cwd));
    }
  }
  return out;
}

async function prompted(question: string, opts: { ask: Ask; create?: boolean }): Promise<Buffer> {
  const first = (await opts.ask(opts.create ? `New ${question.replace(/^Vault/, 'vault')}` : question)).trim();
  if (first === '') throw new UserError('the vault password is empty');
  if (opts.create) {
    const again = (await opts.ask(`Confirm new ${question.replace(/^Vault/, 'vault')}`)).trim();
    if (again !== first) throw new UserError('the vault passwords do not match');
  }
  return Buffer.from(first, 'utf8');
}

function fromFile(s: PasswordSource, cwd: string): VaultSecret {
  const file = path.resolve(cwd, s.source.startsWith('~/') ? path.join(process.env.HOME ?? '', s.source.slice(2)) : s.source);
  const named = `the vault password file ${file} (${s.from})`;
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st) throw new UserError(`${named} was not found`);
  if (!st.isFile()) throw new UserError(`${named} is not a file`);
  const script = isExecutable(file);
  const password = script ? runScript(file, s, named) : readPassword(file, named);
  if (password.length === 0) throw new UserError(`${named} gave an empty password`);
  return { label: s.label, password, source: `${script ? 'script' : 'file'} ${s.source}` };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A password file's text with the blanks around it taken off (Python's bytes.strip, then its line breaks). */
function readPassword(file: string, named: string): Buffer {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (e) {
    throw new UserError(`${named} cannot be read: ${(e as Error).message}`);
  }
  return trimBytes(data, ' \t\n\r\v\f');
}

/**
 * Runs a password script; its stdout, less line breaks at either end, is the
 * password. stderr stays on the terminal (scripts prompt there), except for
 * `*-client` scripts, whose messages go in the error.
 */
function runScript(file: string, s: PasswordSource, named: string): Buffer {
  const client = path.parse(file).name.endsWith('-client');
  const args = client ? ['--vault-id', s.label] : [];
  const r = spawnSync(file, args, { stdio: ['inherit', 'pipe', client ? 'pipe' : 'inherit'] });
  if (r.error) throw new UserError(`${named} could not be run: ${r.error.message} (if it is not a script, take away its executable bit)`);
  const why = r.stderr?.toString().trim();
  if (client && r.status === 2) throw new UserError(`${named} has no password for vault id '${s.label}'${why ? `: ${why}` : ''}`);
  if (r.status !== 0) throw new UserError(`${named} exited with ${r.status ?? r.signal}${why ? `: ${why}` : ''}`);
  return trimBytes(r.stdout, '\r\n');
}

function trimBytes(b: Buffer, chars: string): Buffer {
  const set = new Set([...chars].map((c) => c.charCodeAt(0)));
  let start = 0;
  let end = b.length;
  while (start < end && set.has(b[start])) start++;
  while (end > start && set.has(b[end - 1])) end--;
  return b.subarray(start, end);
}
