/**
 * `playwatch vault create|edit|rekey`, as ansible-vault does them: the
 * plaintext goes to `$EDITOR` (default `vi`) in a private temporary file
 * that is overwritten and removed afterwards; edit re-encrypts with the
 * password that opened the file and keeps its vault id (1.1 stays 1.1);
 * an edit that changes nothing leaves the file as it was; rekey writes
 * each file under the new password and keeps its mode.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isVaulted, UserError } from '../model/index.js';
import { splitShellWords } from '../transport/index.js';
import { VaultKeyring, type VaultSecret } from '../vault/index.js';
import { errorLine } from './stderr.js';

/** Writes `data` to `dest` through a temporary file and a rename; an existing file keeps its mode, a new one is 0600. */
export type WriteFile = (dest: string, data: Buffer) => void;

export function vaultCreate(file: string, keyring: VaultKeyring, write: WriteFile, encryptVaultId?: string): void {
  if (fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new UserError(`${file} exists, please use 'edit' instead`);
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) {
    errorLine(`[WARNING]: ${dir} does not exist, creating...`);
    fs.mkdirSync(dir, { recursive: true });
  }
  // ansible-vault saves a new file whatever the editor left, even nothing.
  const plain = inEditor(file, Buffer.alloc(0));
  write(file, Buffer.from(keyring.encrypt(plain, encryptVaultId)));
}

export function vaultEdit(file: string, keyring: VaultKeyring, write: WriteFile): void {
  const text = readVaulted(file);
  const { plain, secret, label } = keyring.openWithSecret(text, { file, line: 1, col: 1 });
  const edited = inEditor(file, plain);
  if (edited.equals(plain)) return;
  write(file, Buffer.from(VaultKeyring.encryptWith(edited, secret, label)));
}

export function vaultRekey(file: string, keyring: VaultKeyring, next: VaultSecret, write: WriteFile): void {
  const text = readVaulted(file);
  const plain = keyring.open(text, { file, line: 1, col: 1 });
  write(file, Buffer.from(VaultKeyring.encryptWith(plain, next, next.label)));
}

function readVaulted(file: string): string {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file}: ${code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
  if (!isVaulted(data)) throw new UserError(`${file} is not vault-encrypted`);
  return data.toString('utf8');
}

/**
 * Runs the editor on `content` in a 0600 file (with the target's extension,
 * for syntax highlighting) inside a 0700 directory of its own, and returns
 * what it left. A failing editor saves nothing. The plaintext is
 * overwritten before the file is removed, whatever happened.
 */
function inEditor(target: string, content: Buffer): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-vault-'));
  const tmp = path.join(dir, `edit${path.extname(target)}`);
  try {
    fs.writeFileSync(tmp, content, { mode: 0o600 });
    const [cmd, ...args] = splitShellWords(process.env.EDITOR || 'vi');
    const r = spawnSync(cmd, [...args, tmp], { stdio: 'inherit' });
    if (r.error) throw new UserError(`Unable to execute the command "${[cmd, ...args, tmp].join(' ')}": ${r.error.message}`);
    if (r.status !== 0) throw new UserError(`the editor (${cmd}) exited with ${r.status ?? r.signal}: ${target} is left as it was`);
    return fs.readFileSync(tmp);
  } finally {
    shred(tmp);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function shred(file: string): void {
  try {
    const size = fs.statSync(file).size;
    fs.writeFileSync(file, Buffer.alloc(size));
  } catch {
    // Already gone (an editor that renames files).
  }
}
