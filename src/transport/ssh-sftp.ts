import { randomBytes } from 'node:crypto';
import type { SFTPWrapper } from 'ssh2';

/**
 * File transfer over one SFTP session. SFTP resolves relative paths against
 * the login user's home, so `~/x` is sent as `x`.
 */

/** `~` and `~/x` → paths relative to the SFTP session's home. */
export function sftpPath(p: string): string {
  if (p === '~') return '.';
  if (p.startsWith('~/')) return p.slice(2) || '.';
  return p;
}

function call<T>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

/**
 * Writes `content` beside the destination and renames it over, so a reader
 * never sees half a file; `mode` is set explicitly (the server's umask
 * would mask the mode given at open).
 */
export async function sftpPut(sftp: SFTPWrapper, content: string | Buffer, remotePath: string, mode?: number): Promise<void> {
  const dest = sftpPath(remotePath);
  const tmp = `${dest}.playwatch-${randomBytes(4).toString('hex')}`;
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  try {
    await call<void>((cb) => sftp.writeFile(tmp, data, mode !== undefined ? { mode } : {}, cb));
    if (mode !== undefined) await call<void>((cb) => sftp.chmod(tmp, mode, cb));
    await renameOver(sftp, tmp, dest);
  } catch (err) {
    await call<void>((cb) => sftp.unlink(tmp, cb)).catch(() => undefined);
    throw err;
  }
}

/** posix-rename@openssh.com replaces atomically; plain SFTP rename refuses an existing target. */
async function renameOver(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  try {
    await call<void>((cb) => sftp.ext_openssh_rename(from, to, cb));
    return;
  } catch (err) {
    if (!/does not support/i.test((err as Error).message)) throw err;
  }
  await call<void>((cb) => sftp.unlink(to, cb)).catch(() => undefined);
  await call<void>((cb) => sftp.rename(from, to, cb));
}

/** Reads a whole remote file. */
export function sftpGet(sftp: SFTPWrapper, remotePath: string): Promise<Buffer> {
  return call<Buffer>((cb) => sftp.readFile(sftpPath(remotePath), cb));
}
