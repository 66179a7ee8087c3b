/**
 * `playwatch vault view|encrypt|decrypt|encrypt-string|create|edit|rekey`:
 * the ansible-vault commands, byte-compatible with it (what one writes the
 * other reads). Passwords come as for `run`, and ansible-vault's prompt
 * is asked when none is given.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isVaulted, UserError } from '../model/index.js';
import { loadConfig } from '../config/index.js';
import { loadPasswords, passwordSources, type VaultKeyring } from '../vault/index.js';
import { askSecret } from './prompt.js';
import { vaultCreate, vaultEdit, vaultRekey } from './vault-edit.js';
import { vaultKeyring, type VaultFlags } from './vault-options.js';

export type VaultAction = 'view' | 'encrypt' | 'decrypt' | 'encrypt-string' | 'create' | 'edit' | 'rekey';

export interface VaultCommandFlags extends VaultFlags {
  /** Where the result goes instead of the file itself (`-` is stdout). */
  output?: string;
  /** Which vault id encrypts when several are given. */
  encryptVaultId?: string;
  /** encrypt-string: the variable name to write the value under. */
  name?: string;
  /** rekey: the new password's file (or script). */
  newVaultPasswordFile?: string;
  /** rekey: the new password as label@source. */
  newVaultId?: string;
}

export async function vaultCommand(action: VaultAction, args: string[], flags: VaultCommandFlags): Promise<number> {
  const cwd = process.cwd();
  if (args.length === 0) throw new UserError(`vault ${action}: name ${action === 'encrypt-string' ? 'the value' : 'the file(s)'}`);
  if (flags.output && args.length > 1) throw new UserError('--output can be used with one file only');
  const config = loadConfig({ cwd, env: process.env });
  const creating = action === 'encrypt' || action === 'encrypt-string' || action === 'create';
  const keyring = await vaultKeyring(flags, config, cwd, { prompt: true, create: creating });
  if (action === 'encrypt-string') {
    process.stdout.write(encryptString(keyring, args[0], flags));
    return 0;
  }
  if (action === 'create' || action === 'edit') {
    if (args.length > 1) throw new UserError(`vault ${action} takes one file`);
    if (action === 'create') vaultCreate(args[0], keyring, write, flags.encryptVaultId);
    else vaultEdit(args[0], keyring, write);
    return 0;
  }
  if (action === 'rekey') {
    // The new password: --new-vault-id, --new-vault-password-file, or asked twice (ansible-vault's order).
    const sources = passwordSources({
      vaultIds: flags.newVaultId ? [flags.newVaultId] : [],
      passwordFiles: flags.newVaultPasswordFile ? [flags.newVaultPasswordFile] : [],
      ask: !flags.newVaultId && !flags.newVaultPasswordFile,
    });
    const [next] = await loadPasswords(sources, { cwd, ask: (q) => askSecret(q), create: true });
    for (const file of args) vaultRekey(file, keyring, next, write);
    process.stderr.write('Rekey successful\n');
    return 0;
  }
  for (const file of args) {
    const data = readFile(file);
    if (action === 'encrypt') {
      if (isVaulted(data)) throw new UserError(`${file} is already vault-encrypted`);
      write(flags.output ?? file, Buffer.from(keyring.encrypt(data, flags.encryptVaultId)));
    } else {
      if (!isVaulted(data)) throw new UserError(`${file} is not vault-encrypted`);
      const plain = keyring.open(data.toString('utf8'), { file, line: 1, col: 1 });
      if (action === 'view') process.stdout.write(plain);
      else write(flags.output ?? file, plain);
    }
    if (action !== 'view' && flags.output !== '-') process.stderr.write(`${action === 'encrypt' ? 'Encryption' : 'Decryption'} successful\n`);
  }
  return 0;
}

/** `name: !vault |` and the envelope indented ten spaces, as ansible-vault encrypt_string prints it. */
function encryptString(keyring: VaultKeyring, value: string, flags: VaultCommandFlags): string {
  const text = keyring.encrypt(Buffer.from(value, 'utf8'), flags.encryptVaultId).replace(/\n$/, '');
  const body = text.split('\n').map((l) => `          ${l}`).join('\n');
  return `${flags.name ? `${flags.name}: ` : ''}!vault |\n${body}\n`;
}

function readFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file}: ${code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
}

/**
 * Writes through a temporary file and a rename, so an interrupted write
 * never leaves half a file; an existing file keeps its mode, a new one is 0600.
 */
function write(dest: string, data: Buffer): void {
  if (dest === '-') {
    process.stdout.write(data);
    return;
  }
  const mode = fs.statSync(dest, { throwIfNoEntry: false })?.mode ?? 0o600;
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, data, { mode: mode & 0o7777 });
  fs.renameSync(tmp, dest);
}
