/**
 * What `copy` and `template` share once the new content is known: compare
 * it with the destination (one read: state, checksum and, under --diff,
 * the old content), then write it atomically with its attributes, or only
 * fix the attributes, or nothing. Unchanged costs one round trip, changed
 * two. Check mode stops after the read with the prediction.
 */
import type { ModuleResult } from '../model/index.js';
import { planAttrs } from './attrs.js';
import { attrDiff, contentDiff, DIFF_READ_MAX } from './file-diff.js';
import { formatMode } from './mode.js';
import { changeAndRead, checksumOf, fileKeys, md5Of, readState, sameContent, writeFile, type FileState, type ReadOptions } from './remote-file.js';
import { baseName } from './sh.js';
import type { ModuleContext } from './types.js';

export interface PutRequest {
  dest: string;
  content: Buffer;
  /** Where the content came from (a local file or template), shown as the diff's after header and the result's `src`. */
  src?: string;
  mode?: string | number;
  /** The local source's mode, for `mode: preserve`. */
  srcMode?: number;
  owner?: string;
  group?: string;
  backup?: boolean;
  /** `force: false`: an existing destination is left alone. */
  force?: boolean;
  validate?: string;
}

/** The write options copy and template share, from their read arguments. */
export type WriteOptions = Pick<PutRequest, 'mode' | 'owner' | 'group' | 'validate'> & { backup: boolean; force: boolean };

export function writeOptions(args: Record<string, unknown>): WriteOptions {
  return {
    mode: args.mode as string | number | undefined,
    owner: args.owner as string | undefined,
    group: args.group as string | undefined,
    backup: args.backup as boolean,
    force: args.force as boolean,
    validate: args.validate as string | undefined,
  };
}

/** The read putContent makes of the destination (a caller that reads more in the same command uses it too). */
export function destReadOptions(ctx: Pick<ModuleContext, 'diff'>): ReadOptions {
  return { checksum: true, ...(ctx.diff ? { contentMax: DIFF_READ_MAX } : {}) };
}

/**
 * Puts the content at `dest` (or `dest/<src name>` when dest is a directory)
 * as copy and template do. `read` is the destination's state when the
 * caller already read it (with `destReadOptions`).
 */
export async function putContent(ctx: ModuleContext, req: PutRequest, read?: FileState): Promise<ModuleResult> {
  const intoDir = req.src !== undefined ? baseName(req.src) : undefined;
  const dirGiven = req.dest.endsWith('/');
  const dest = dirGiven && intoDir !== undefined ? `${req.dest}${intoDir}` : req.dest;
  let before = read;
  if (!before) {
    const r = await readState(ctx, dest, { ...destReadOptions(ctx), ...(intoDir !== undefined && !dirGiven ? { intoDir } : {}) });
    if (!r.ok) return r.result;
    before = r.value;
  }
  const path = before.path;
  if (before.exists && before.type === 'directory') {
    return { failed: true, changed: false, msg: 'can not use content with a dir as dest', dest: path };
  }
  if (!before.parentExists && !dirGiven) {
    // In check mode an earlier task may be what creates the directory: predict the write rather than fail (ansible-core fails here).
    if (ctx.check) return { changed: true, dest: path, checksum: checksumOf(req.content), msg: `Destination directory ${parentLabel(path)} does not exist yet; assuming an earlier task creates it`, ...(ctx.diff ? { diff: contentDiff(before, req.content, req.src) } : {}) };
    return { failed: true, changed: false, msg: `Destination directory ${parentLabel(path)} does not exist`, checksum: checksumOf(req.content) };
  }
  if (req.force === false && before.exists) return { changed: false, dest: path, ...(req.src ? { src: req.src } : {}) };
  let mode = req.mode;
  if (mode === 'preserve') mode = req.srcMode;
  const checksum = checksumOf(req.content);
  if (sameContent(before, req.content)) return fixAttrs(ctx, path, before, { ...req, mode }, checksum);
  const created = before.exists ? undefined : 0o666 & ~before.umask;
  const plan = planAttrs(path, before, { mode, owner: req.owner, group: req.group }, { created: before.mode ?? created });
  const diff = ctx.diff ? { diff: contentDiff(before, req.content, req.src) } : {};
  if (ctx.check) {
    const predicted = plan.mode !== undefined ? { mode: formatMode(plan.mode) } : {};
    return { changed: true, dest: path, checksum, md5sum: md5Of(req.content), size: req.content.length, state: 'file', ...predicted, ...diff };
  }
  const written = await writeFile(ctx, path, req.content, {
    mode: plan.mode, owner: req.owner, group: req.group, backup: req.backup, validate: req.validate, before,
    ...(dirGiven ? { makeParents: true } : {}),
  });
  if (!written.ok) return written.result;
  return {
    changed: true,
    dest: path,
    ...(req.src ? { src: req.src } : {}),
    checksum,
    md5sum: md5Of(req.content),
    ...fileKeys(written.value.state),
    ...(written.value.backupFile ? { backup_file: written.value.backupFile } : {}),
    ...diff,
  };
}

/** Content already matches: change mode/owner/group if they differ (one more command), else nothing. */
async function fixAttrs(ctx: ModuleContext, path: string, before: FileState, req: PutRequest, checksum: string): Promise<ModuleResult> {
  const plan = planAttrs(path, before, { mode: req.mode, owner: req.owner, group: req.group });
  const diff = ctx.diff && plan.changed ? { diff: attrDiff(plan.before, plan.after) } : {};
  if (!plan.changed) return { changed: false, dest: path, path, checksum, ...fileKeys(before) };
  if (ctx.check) return { changed: true, dest: path, path, checksum, ...fileKeys(before), ...(plan.mode !== undefined ? { mode: formatMode(plan.mode) } : {}), ...diff };
  const after = await changeAndRead(ctx, path, plan.commands);
  if (!after.ok) return after.result;
  return { changed: true, dest: path, path, checksum, ...fileKeys(after.value), ...diff };
}

function parentLabel(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}
