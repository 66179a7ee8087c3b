import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModuleResult } from '../model/index.js';
import { checksumOf, md5Of } from './checksum.js';
import { readContent, readFailure } from './slurp.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `fetch` options. */
const SPEC: ArgSpec = {
  options: {
    src: { type: 'str', required: true },
    dest: { type: 'str', required: true },
    flat: { type: 'bool', default: false },
    fail_on_missing: { type: 'bool', default: true },
    validate_checksum: { type: 'bool', default: true },
  },
};

/**
 * `fetch`: a target file to the controller, at `dest/<inventory_hostname>/<src>`
 * (or at `dest` itself with `flat`), relative to the playbook's directory.
 * One command: the target compares the file's sha1 with the local copy's
 * and sends the content (base64) only when they differ. Check mode makes
 * the same read and predicts the change without writing (ansible-core
 * skips fetch in check mode).
 */
export const fetchModule: Module = {
  name: 'fetch',
  supportsCheck: true,
  validate: specValidator('fetch', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('fetch', SPEC, ctx.args);
    const src = a.src as string;
    const base = baseDir(ctx);
    const planned = localDest(ctx, base, a.dest as string, src, a.flat as boolean);
    if ('failed' in planned) return planned.failed;
    const local = readLocal(planned.dest);
    // A `~` source is named locally only once the target has expanded it: then the content always comes.
    const unless = src.startsWith('~') ? undefined : { sha1: local ? checksumOf(local) : '-', cksum: local ? checksumOf(local, 'cksum') : '-' };
    const read = await readContent(ctx, src, unless);
    if (read.kind === 'missing' || read.kind === 'directory' || read.kind === 'unreadable') {
      const msg = read.kind === 'directory' ? 'remote file is a directory, fetch cannot work on directories' : read.kind === 'missing'
        ? 'the remote file does not exist, not transferring, ignored' : `file is not readable: ${read.path}`;
      return a.fail_on_missing ? { failed: true, changed: false, msg } : { changed: false, file: read.path, msg: read.kind === 'directory' ? `${msg}, not transferring, ignored` : msg };
    }
    if (read.kind !== 'content' && read.kind !== 'same') return readFailure(read);
    const final = read.path === src ? planned : localDest(ctx, base, a.dest as string, read.path, a.flat as boolean);
    if ('failed' in final) return final.failed;
    if (read.kind === 'same' || sameFile(final.dest, read.content)) {
      const content = read.kind === 'same' ? local! : read.content;
      return { changed: false, md5sum: md5Of(content), file: read.path, dest: final.dest, checksum: checksumOf(content) };
    }
    const checksum = checksumOf(read.content);
    const remoteSum = read.sum?.startsWith('sha1 ') ? read.sum.slice(5) : checksum;
    if (a.validate_checksum && remoteSum !== checksum) {
      return { failed: true, changed: false, md5sum: md5Of(read.content), msg: 'checksum mismatch', file: read.path, dest: final.dest, remote_md5sum: null, checksum, remote_checksum: remoteSum };
    }
    if (!ctx.check) {
      const written = writeLocal(final.dest, read.content);
      if (written) return { failed: true, changed: false, msg: `Failed to fetch the file: ${written}` };
    }
    return { changed: true, md5sum: md5Of(read.content), dest: final.dest, remote_md5sum: null, checksum, remote_checksum: remoteSum };
  },
};

/** Where relative `dest`s are: the playbook's directory (ansible-core's loader base). */
function baseDir(ctx: ModuleContext): string {
  const dir = ctx.vars.playbook_dir;
  return typeof dir === 'string' && dir ? dir : path.dirname(ctx.task.pos.file);
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/** The local file for `src` as ansible-core names it, or the failure (a directory dest without `/`, a source that climbs out). */
function localDest(ctx: ModuleContext, base: string, dest0: string, src: string, flat: boolean): { dest: string } | { failed: ModuleResult } {
  const fail = (msg: string) => ({ failed: { failed: true, changed: false, msg } });
  let dest = expandHome(dest0);
  if (flat) {
    if (isDir(path.resolve(base, dest)) && !dest.endsWith('/')) {
      return fail('dest is an existing directory, use a trailing slash if you want to fetch src into that directory');
    }
    if (dest.endsWith('/')) dest = path.join(dest, path.posix.basename(src));
    return { dest: path.normalize(path.resolve(base, dest)) };
  }
  const hostDir = path.resolve(base, dest, String(ctx.vars.inventory_hostname ?? ctx.host));
  const out = path.normalize(`${hostDir}/${src}`);
  if (!out.startsWith(`${hostDir}/`)) return fail(`Detected directory traversal, expected to be contained in '${hostDir}' but got '${out}'`);
  return { dest: out };
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readLocal(p: string): Buffer | undefined {
  try {
    return fs.statSync(p).isFile() ? fs.readFileSync(p) : undefined;
  } catch {
    return undefined;
  }
}

function sameFile(p: string, content: Buffer): boolean {
  const local = readLocal(p);
  return local !== undefined && local.equals(content);
}

/** Writes the fetched file through a temp file beside it and a rename; returns the error text, if any. */
function writeLocal(dest: string, content: Buffer): string | undefined {
  try {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.playwatch-${process.pid}`);
    fs.writeFileSync(tmp, content, { mode: 0o600 });
    fs.chmodSync(tmp, 0o666 & ~process.umask());
    fs.renameSync(tmp, dest);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
