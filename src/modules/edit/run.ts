/**
 * The target side of lineinfile, blockinfile and replace: one command reads
 * the file (state and content), the edit is computed on the controller, and
 * a second command writes it back only when it changed (temp file 0600
 * beside it, attributes, validate, backup, `mv`). An unchanged edit costs
 * one round trip, a changed one two.
 */
import type { ModuleResult, Vars } from '../../model/index.js';
import type { FileDiff } from '../../model/diff.js';
import { formatMode, resolveMode } from '../mode.js';
import { chmodCommand, chownCommand, ownerMatches, readState, remoteFailure, writeFile, type FileState, type Outcome } from '../remote-file.js';
import { parentOf, shPath } from '../sh.js';
import type { ArgSpec, OptionSpec } from '../spec.js';
import type { ModuleContext } from '../types.js';
import { withAttrs, type EditResult } from './types.js';

/** Files larger than this are not edited (their content travels base64 in one line). */
export const EDIT_MAX = 64 << 20;

/** ansible-core's file attribute options, as these modules take them. */
export const FILE_ATTRS: Record<string, OptionSpec> = {
  mode: { type: 'mode' },
  owner: { type: 'str' },
  group: { type: 'str' },
  unsafe_writes: { type: 'bool', default: false, ignored: true },
  attributes: { type: 'str', aliases: ['attr'], unsupported: 'chattr attributes are not set by playwatch' },
  seuser: { type: 'str', unsupported: 'SELinux contexts are not set by playwatch' },
  serole: { type: 'str', unsupported: 'SELinux contexts are not set by playwatch' },
  setype: { type: 'str', unsupported: 'SELinux contexts are not set by playwatch' },
  selevel: { type: 'str', unsupported: 'SELinux contexts are not set by playwatch' },
};

/**
 * The coerced args, keeping only the options the task gave (by name or
 * alias): the pure edits apply their own defaults, and ansible-core's
 * mutually-exclusive rules look at given options only.
 */
export function givenArgs(spec: ArgSpec, raw: Vars, coerced: Vars): Vars {
  const out: Vars = {};
  for (const [name, opt] of Object.entries(spec.options)) {
    if ([name, ...(opt.aliases ?? [])].some((k) => raw[k] !== undefined && raw[k] !== null)) out[name] = coerced[name];
  }
  return out;
}

/** The file to edit as one read found it. */
export interface Target {
  path: string;
  /** Where writes go: a link is followed to its file, as ansible-core's `realpath`. */
  real: string;
  state: FileState;
  content: Buffer | null;
}

/** Reads `path` (following links) with its content, or fails as ansible-core does for a directory. */
export async function readTarget(ctx: ModuleContext, path: string): Promise<Outcome<Target>> {
  const read = await readState(ctx, path, { follow: true, contentMax: EDIT_MAX });
  if (!read.ok) return read;
  const state = read.value;
  if (state.type === 'directory') return { ok: false, result: { failed: true, changed: false, rc: 256, msg: `Path ${path} is a directory !` } };
  if (state.exists && state.content === undefined) {
    return { ok: false, result: { failed: true, changed: false, msg: `Unable to read the contents of ${path}: not a readable regular file of at most ${EDIT_MAX} bytes` } };
  }
  const real = state.linkSource ?? path;
  return { ok: true, value: { path, real, state, content: state.exists ? state.content ?? Buffer.alloc(0) : null } };
}

/** The mode, owner and group asked for, and whether the file (as it is, or will be when made) differs. */
export interface Attrs {
  mode?: number;
  owner?: string;
  group?: string;
  changed: boolean;
  diff: FileDiff;
}

export function plannedAttrs(args: Vars, t: Target): Attrs {
  const s = t.state;
  const current = s.exists ? s.mode ?? 0 : 0o666 & ~s.umask;
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const attrs: Attrs = { changed: false, diff: {} };
  if (args.mode !== undefined && args.mode !== null) {
    attrs.mode = resolveMode(args.mode as string | number, { current, isDir: false, umask: s.umask });
    if (attrs.mode !== current) { before.mode = formatMode(current); after.mode = formatMode(attrs.mode); }
  }
  attrs.owner = args.owner as string | undefined;
  attrs.group = args.group as string | undefined;
  // A file not made yet: who will own it is known only once it is made (applyEdit looks then).
  if (s.exists) {
    const same = ownerMatches(s, attrs);
    if (!same.owner) { before.owner = s.uid; after.owner = attrs.owner; }
    if (!same.group) { before.group = s.gid; after.group = attrs.group; }
  }
  attrs.changed = Object.keys(after).length > 0;
  if (attrs.changed) attrs.diff = { before, after };
  return attrs;
}

export interface Applied {
  changed: boolean;
  msg: string;
  /** The backup made, when one was. */
  backupFile?: string;
  /** The attribute part of the diff (empty when nothing changes or the step did not run). */
  attrDiff: FileDiff;
}

/**
 * Writes the edit (unless in check mode) and applies the attributes, joining
 * an attribute change to the message as ansible-core's `check_file_attrs`.
 * `attrsApply` is false where ansible-core returns before that step.
 */
export async function applyEdit(
  ctx: ModuleContext, t: Target, r: EditResult, content: Buffer, args: Vars, attrsApply: boolean,
): Promise<Outcome<Applied>> {
  let attrs: Attrs;
  try {
    attrs = attrsApply ? plannedAttrs(args, t) : { changed: false, diff: {} };
  } catch (e) {
    return { ok: false, result: { failed: true, changed: false, msg: (e as Error).message } };
  }
  const done = (backupFile?: string): Outcome<Applied> => {
    const { msg, changed } = withAttrs(r.msg, r.changed, attrs.changed);
    return { ok: true, value: { changed, msg, attrDiff: attrs.diff, ...(backupFile ? { backupFile } : {}) } };
  };
  if (ctx.check) return done();
  if (r.changed) {
    const validate = args.validate as string | undefined;
    if (validate !== undefined && !validate.includes('%s')) {
      return { ok: false, result: { failed: true, changed: false, msg: `validate must contain %s: ${validate}` } };
    }
    if (!t.state.exists && !t.state.parentExists) {
      const res = await ctx.exec(`mkdir -p -- ${shPath(parentOf(t.real))}`);
      if (res.rc !== 0) return { ok: false, result: remoteFailure(`Error creating ${parentOf(t.real)}`, res) };
    }
    const ownLater = !t.state.exists;
    const written = await writeFile(ctx, t.real, content, {
      mode: attrs.mode, backup: r.backup, validate, before: t.state,
      ...(ownLater ? {} : { owner: attrs.owner, group: attrs.group }),
    });
    if (!written.ok) return written;
    if (ownLater && attrsApply) {
      const made = await ownNewFile(ctx, t, written.value.state, attrs);
      if (!made.ok) return made;
    }
    return done(written.value.backupFile);
  }
  if (attrs.changed) {
    const word = shPath(t.real);
    const steps = [
      attrs.mode !== undefined ? chmodCommand(word, attrs.mode) : '',
      chownCommand(word, { owner: attrs.owner, group: attrs.group }),
    ].filter(Boolean);
    const res = await ctx.exec(steps.join(' && '));
    if (res.rc !== 0) return { ok: false, result: remoteFailure(`could not set the attributes of ${t.path}`, res) };
  }
  return done();
}

/** A file just made gets the asked owner and group (one more command, only when they differ from its maker's). */
async function ownNewFile(ctx: ModuleContext, t: Target, made: FileState, attrs: Attrs): Promise<Outcome<void>> {
  const same = ownerMatches(made, attrs);
  const want = { owner: same.owner ? undefined : attrs.owner, group: same.group ? undefined : attrs.group };
  if (want.owner === undefined && want.group === undefined) return { ok: true, value: undefined };
  const res = await ctx.exec(chownCommand(shPath(t.real), want));
  if (res.rc !== 0) return { ok: false, result: remoteFailure(`chown failed on ${t.path}`, res) };
  const before = attrs.diff.before as Record<string, unknown> | undefined ?? {};
  const after = attrs.diff.after as Record<string, unknown> | undefined ?? {};
  if (want.owner !== undefined) { before.owner = made.uid; after.owner = want.owner; }
  if (want.group !== undefined) { before.group = made.gid; after.group = want.group; }
  attrs.diff = { before, after };
  attrs.changed = true;
  return { ok: true, value: undefined };
}

/** A failed edit as a result (its `rc` kept). */
export function failedResult(r: EditResult): ModuleResult {
  return { failed: true, changed: false, msg: r.msg, ...(r.rc === undefined ? {} : { rc: r.rc }) };
}

/** lineinfile and blockinfile work on bytes, as ansible-core does: text as "binary" strings, one char per byte. */
export const toBytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
export const fromBytes = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

/** String args as byte strings, except those named in `keep` (the path, which messages show). */
export function bytesArgs(args: Vars, keep: string[]): Vars {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === 'string' && !keep.includes(k) ? toBytes(v) : v]));
}
