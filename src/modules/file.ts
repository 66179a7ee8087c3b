import type { ModuleResult, Vars } from '../model/index.js';
import { planAttrs, type AttrWant } from './attrs.js';
import { attrDiff, type AttrView } from './file-diff.js';
import { formatMode, resolveMode } from './mode.js';
import { fileKeys, ownerMatches, readScript, parseState, remoteFailure, changeAndRead, chownCommand, type FileState, type Outcome } from './remote-file.js';
import { parentOf, q, shPath } from './sh.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

const SELINUX = 'playwatch sets no SELinux contexts; remove it (or run this playbook with ansible-playbook)';
const TIMES = 'playwatch does not set file times yet; remove it (state: touch sets them to now)';

/** ansible-core 2.14's `file` options (`ansible-doc -j file`). */
const SPEC: ArgSpec = {
  options: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'] },
    state: { type: 'str', choices: ['absent', 'directory', 'file', 'hard', 'link', 'touch'] },
    mode: { type: 'mode' },
    owner: { type: 'str' },
    group: { type: 'str' },
    recurse: { type: 'bool', default: false },
    src: { type: 'path' },
    force: { type: 'bool', default: false },
    follow: { type: 'bool', default: true },
    unsafe_writes: { type: 'bool', default: false, ignored: true },
    access_time: { type: 'str', unsupported: TIMES },
    access_time_format: { type: 'str', ignored: true },
    modification_time: { type: 'str', unsupported: TIMES },
    modification_time_format: { type: 'str', ignored: true },
    attributes: { type: 'str', aliases: ['attr'], unsupported: 'playwatch sets no chattr attributes; remove it' },
    selevel: { type: 'str', unsupported: SELINUX },
    serole: { type: 'str', unsupported: SELINUX },
    setype: { type: 'str', unsupported: SELINUX },
    seuser: { type: 'str', unsupported: SELINUX },
  },
  requiredIf: [['state', 'link', ['src']], ['state', 'hard', ['src']]],
};

interface FileArgs {
  path: string;
  state?: string;
  want: AttrWant;
  recurse: boolean;
  src?: string;
  force: boolean;
  follow: boolean;
}

/** What one read saw: the path itself, what it points at, the link source, the tree under a directory. */
interface Seen {
  self: FileState;
  target: FileState;
  src?: FileState;
  tree: TreeEntry[];
}

interface TreeEntry {
  raw: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
}

/**
 * `file`: one command reads the path (and a link's source, and under
 * `recurse` every entry below), then at most one command makes the change:
 * `mkdir`, `rm -rf`, `touch`, `ln -s`, `ln`, `chmod`, `chown`. Diffs are
 * ansible-core's before/after mappings of path, state, mode, owner, group.
 */
export const fileModule: Module = {
  name: 'file',
  supportsCheck: true,
  validate(args, pos) {
    checkSpec('file', SPEC, args, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('file', SPEC, ctx.args);
    const args: FileArgs = {
      path: a.path as string,
      state: a.state as string | undefined,
      want: { mode: a.mode as string | number | undefined, owner: a.owner as string | undefined, group: a.group as string | undefined },
      recurse: a.recurse as boolean,
      src: a.src as string | undefined,
      force: a.force as boolean,
      follow: a.follow as boolean,
    };
    const looked = await look(ctx, args);
    if (!looked.ok) return looked.result;
    const seen = looked.value;
    const state = args.state ?? defaultState(args, seen.self);
    if (args.recurse && state !== 'directory') return fail(args.path, 'recurse option requires state to be directory');
    switch (state) {
      case 'absent':
        return absent(ctx, args, seen.self);
      case 'directory':
        return directory(ctx, args, seen);
      case 'file':
        return existing(ctx, args, seen);
      case 'touch':
        return touch(ctx, args, seen);
      case 'link':
        return link(ctx, args, seen);
      default:
        return hard(ctx, args, seen);
    }
  },
};

const fail = (path: string, msg: string): ModuleResult => ({ failed: true, changed: false, path, msg });

/** ansible-core: the path's current kind, else `file` (or `directory` with recurse). */
function defaultState(args: FileArgs, self: FileState): string {
  if (args.recurse) return 'directory';
  if (!self.exists) return 'file';
  if (self.type === 'directory' || self.type === 'link') return self.type;
  return self.nlink !== undefined && self.nlink > 1 ? 'hard' : 'file';
}

/** The one read: lstat and stat of the path, the link source, and under recurse the entries below. */
async function look(ctx: ModuleContext, args: FileArgs): Promise<Outcome<Seen>> {
  const parts = [readScript(args.path), readScript(args.path, { follow: true })];
  if (args.src !== undefined) {
    // A symlink's relative src is relative to the link's directory; a hard link's to the working directory.
    const src = args.state === 'link' && !args.src.startsWith('/') ? `${parentOf(args.path)}/${args.src}` : args.src;
    parts.push(readScript(src, { follow: true }));
  }
  const script = parts.map((p, i) => `echo '@@@ ${i}'\n(\n${p}\n) || exit $?`);
  if (args.recurse) script.push(`echo '@@@ tree'\nif [ -d ${shPath(args.path)} ]; then find ${shPath(args.path)} -mindepth 1 -exec stat -c '%f %u %g %U %G' {} + || exit 90; fi`);
  const res = await ctx.exec(script.join('\n'));
  if (res.rc !== 0) return { ok: false, result: remoteFailure(`could not read the state of ${args.path}`, res) };
  const [, ...chunks] = res.stdout.split(/^@@@ (?:\d+|tree)\n/m);
  const tree = args.recurse ? parseTree(chunks.pop() ?? '') : [];
  const seen: Seen = {
    self: parseState(args.path, chunks[0] ?? ''),
    target: parseState(args.path, chunks[1] ?? ''),
    tree,
  };
  if (args.src !== undefined) seen.src = parseState(args.src, chunks[2] ?? '');
  return { ok: true, value: seen };
}

function parseTree(text: string): TreeEntry[] {
  return text.split('\n').filter(Boolean).map((line) => {
    const f = line.split(' ');
    return { raw: parseInt(f[0], 16), uid: Number(f[1]), gid: Number(f[2]), owner: f[3], group: f[4] };
  });
}

/** The file keys of the result after a change (or of the state as it is). */
function keys(state: FileState, path: string, extra: Vars = {}): ModuleResult {
  return { path, ...fileKeys(state), ...extra };
}

function withDiff(ctx: ModuleContext, result: ModuleResult, before: AttrView, after: AttrView): ModuleResult {
  return ctx.diff ? { ...result, diff: attrDiff(before, after) } : result;
}

async function absent(ctx: ModuleContext, args: FileArgs, self: FileState): Promise<ModuleResult> {
  const path = args.path;
  if (!self.exists) return { changed: false, path, state: 'absent' };
  const result = withDiff(ctx, { changed: true, path, state: 'absent' }, { path, state: kindOf(self) }, { path, state: 'absent' });
  if (ctx.check) return result;
  const res = await ctx.exec(`rm -rf -- ${shPath(path)}`);
  return res.rc === 0 ? result : remoteFailure(`rmtree failed for ${path}`, res);
}

function kindOf(s: FileState): string {
  if (!s.exists) return 'absent';
  if (s.type === 'directory' || s.type === 'link') return s.type;
  return s.nlink !== undefined && s.nlink > 1 ? 'hard' : 'file';
}

/** The target a change applies to: the link's target when following it, else the path itself. */
function subject(args: FileArgs, seen: Seen): FileState {
  return args.follow && seen.self.type === 'link' && seen.target.exists ? seen.target : seen.self;
}

async function existing(ctx: ModuleContext, args: FileArgs, seen: Seen): Promise<ModuleResult> {
  const s = subject(args, seen);
  if (!s.exists) return fail(args.path, `file (${args.path}) is absent, cannot continue`);
  if (s.type === 'directory') return fail(args.path, `file (${args.path}) is directory, cannot continue`);
  return applyAttrs(ctx, args, s, []);
}

/** Mode/owner/group changes (after `before` commands), run and read back in one command. */
async function applyAttrs(ctx: ModuleContext, args: FileArgs, s: FileState, before: string[], created?: { state: string; prior: string; mode: number }, extra: string[] = []): Promise<ModuleResult> {
  const path = args.path;
  let plan;
  try {
    plan = planAttrs(path, s, args.want, created ? { created: created.mode } : {});
  } catch (err) {
    return fail(path, (err as Error).message);
  }
  const changed = created !== undefined || plan.changed || extra.length > 0;
  if (!changed) return { changed: false, ...keys(s, path) };
  const diffBefore: AttrView = created ? { path, state: created.prior } : plan.before;
  const diffAfter: AttrView = created ? { path, state: created.state } : plan.after;
  if (ctx.check) {
    const predicted = created ? { state: created.state } : fileKeys(s);
    return withDiff(ctx, { changed: true, path, ...predicted, ...(plan.mode !== undefined ? { mode: formatMode(plan.mode) } : {}) }, diffBefore, diffAfter);
  }
  const after = await changeAndRead(ctx, path, [...before, ...plan.commands, ...extra], { follow: args.follow });
  if (!after.ok) return after.result;
  return withDiff(ctx, { changed: true, ...keys(after.value, path) }, diffBefore, diffAfter);
}

async function directory(ctx: ModuleContext, args: FileArgs, seen: Seen): Promise<ModuleResult> {
  const s = subject(args, seen);
  if (s.exists && s.type !== 'directory') return fail(args.path, `${args.path} already exists as a ${kindOf(s)}`);
  let mode: number | undefined;
  let extra: string[];
  try {
    extra = args.recurse ? recurseCommands(args, seen.tree, s.umask) : [];
    if (s.exists) return await applyAttrs(ctx, args, s, [], undefined, extra);
    mode = args.want.mode !== undefined ? resolveMode(args.want.mode, { current: 0o777 & ~s.umask, isDir: true, umask: s.umask }) : undefined;
  } catch (err) {
    return fail(args.path, (err as Error).message);
  }
  const path = args.path;
  // As ansible-core's diff: the mode shows only when it differs from what mkdir makes.
  const showMode = mode !== undefined && mode !== (0o777 & ~s.umask);
  const diffed = (r: ModuleResult) => withDiff(ctx, r,
    { path, state: 'absent', ...(showMode ? { mode: 0o777 & ~s.umask } : {}) },
    { path, state: 'directory', ...(showMode ? { mode } : {}) });
  if (ctx.check) return diffed({ changed: true, path, state: 'directory', ...(mode !== undefined ? { mode: formatMode(mode) } : {}) });
  // mkdir -p, then the attributes on every directory it created, as ansible-core sets them on each.
  const each = [
    ...(mode !== undefined ? [`chmod -- ${formatMode(mode)} "$x"`] : []),
    ...(args.want.owner !== undefined || args.want.group !== undefined ? [chownCommand('"$x"', args.want)] : []),
  ];
  const mkdir = [
    'set --; x="$p"; while [ ! -d "$x" ]; do set -- "$x" "$@"; x=$(dirname -- "$x"); done',
    'mkdir -p -- "$p"',
    ...(each.length ? [`for x; do ${each.join(' && ')} || exit 95; done`] : []),
  ];
  const after = await changeAndRead(ctx, path, mkdir);
  if (!after.ok) return after.result;
  return diffed({ changed: true, ...keys(after.value, path) });
}

/** `recurse: yes`: chmod/chown -R when any entry below differs (the top is planned on its own). */
function recurseCommands(args: FileArgs, tree: TreeEntry[], umask: number): string[] {
  const word = shPath(args.path);
  const out: string[] = [];
  const { mode, owner, group } = args.want;
  if (mode !== undefined) {
    const differs = tree.some((e) => (e.raw & 0o170000) !== 0o120000 &&
      resolveMode(mode, { current: e.raw & 0o7777, isDir: (e.raw & 0o170000) === 0o040000, umask }) !== (e.raw & 0o7777));
    if (differs) out.push(`chmod -R -- ${typeof mode === 'number' || /^[0-7]+$/.test(mode) ? formatMode(resolveMode(mode, { current: 0, isDir: false, umask })) : q(mode)} ${word}`);
  }
  if (owner !== undefined || group !== undefined) {
    const differs = tree.some((e) => {
      const m = ownerMatches({ path: '', exists: true, umask, parentExists: true, uid: e.uid, gid: e.gid, owner: e.owner, group: e.group }, { owner, group });
      return !m.owner || !m.group;
    });
    if (differs) out.push(chownCommand(word, { owner, group }, true));
  }
  return out;
}

async function touch(ctx: ModuleContext, args: FileArgs, seen: Seen): Promise<ModuleResult> {
  const s = subject(args, seen);
  const prior = kindOf(s);
  // The diff says 'touch' as ansible-core's does; the result's state is what the path is.
  const created = { state: 'touch', prior, mode: s.exists ? s.mode ?? 0 : 0o666 & ~s.umask };
  const result = await applyAttrs(ctx, args, s, ['touch -- "$p"'], created);
  return result.failed ? result : { ...result, dest: args.path, state: result.state === 'touch' ? (s.exists ? prior : 'file') : result.state };
}

async function link(ctx: ModuleContext, args: FileArgs, seen: Seen): Promise<ModuleResult> {
  const { path, src } = { path: args.path, src: args.src! };
  const self = seen.self;
  const linkKeys = { dest: path, src };
  if (self.exists && self.type === 'link' && self.linkTarget === src) {
    return { changed: false, ...fileKeys(self), ...linkKeys, state: 'link' };
  }
  if (!args.force && !seen.src?.exists) {
    // In check mode an earlier task may be what creates the source: predict the link rather than fail (ansible-core fails here).
    if (ctx.check && (!self.exists || self.type === 'link')) {
      return withDiff(ctx, { changed: true, ...linkKeys, state: 'link', msg: `src ${seen.src?.path ?? src} does not exist yet; assuming an earlier task creates it` }, { path, state: kindOf(self) }, { path, state: 'link' });
    }
    return fail(path, `src file does not exist, use "force=yes" if you really want to create the link: ${seen.src?.path ?? src}`);
  }
  if (self.exists && self.type !== 'link' && !args.force) {
    if (self.type === 'directory') return fail(path, `refusing to convert from directory to symlink for ${path}`);
    return fail(path, `refusing to convert from ${kindOf(self)} to symlink for ${path}`);
  }
  const prior = kindOf(self);
  const diffed = (r: ModuleResult) => withDiff(ctx, r, { path, state: prior }, { path, state: 'link' });
  if (ctx.check) return diffed({ changed: true, ...linkKeys, state: 'link' });
  // force replaces a file, or an empty directory (rmdir refuses a full one, as ansible-core does).
  const replace = self.exists && self.type !== 'link' ? [self.type === 'directory' ? 'rmdir -- "$p"' : 'rm -f -- "$p"'] : [];
  const own = args.want.owner !== undefined || args.want.group !== undefined ? [chownCommand('"$p"', args.want).replace('chown --', 'chown -h --')] : [];
  const after = await changeAndRead(ctx, path, [...replace, `ln -sfn -- ${q(src)} "$p"`, ...own]);
  if (!after.ok) return after.result;
  return diffed({ changed: true, ...fileKeys(after.value), ...linkKeys, state: 'link' });
}

async function hard(ctx: ModuleContext, args: FileArgs, seen: Seen): Promise<ModuleResult> {
  const { path, src } = { path: args.path, src: args.src! };
  const from = seen.src;
  if (!from?.exists) return { ...fail(path, 'src does not exist'), dest: path, src };
  const self = seen.self;
  if (self.exists && self.inode === from.inode && self.dev === from.dev) return applyAttrs(ctx, args, self, []).then((r) => ({ ...r, dest: path, src }));
  if (self.exists && !args.force) return fail(path, `Cannot link, ${kindOf(self)} exists at destination`);
  const prior = kindOf(self);
  const diffed = (r: ModuleResult) => withDiff(ctx, r, { path, state: prior }, { path, state: 'hard' });
  if (ctx.check) return diffed({ changed: true, dest: path, src, state: 'hard' });
  let plan;
  try {
    plan = planAttrs(path, from, args.want);
  } catch (err) {
    return fail(path, (err as Error).message);
  }
  const after = await changeAndRead(ctx, path, [`ln -f -- ${shPath(src)} "$p"`, ...plan.commands]);
  if (!after.ok) return after.result;
  return diffed({ changed: true, ...keys(after.value, path), dest: path, src, state: 'hard' });
}
