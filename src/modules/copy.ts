import fs from 'node:fs';
import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { planAttrs } from './attrs.js';
import { readLocalFile } from './vaulted.js';
import { findLocal, notFound } from './local-file.js';
import { formatMode } from './mode.js';
import { copyDirectory } from './copy-dir.js';
import { putContent, writeOptions, type WriteOptions } from './put-file.js';
import { fileKeys, readStates, writeFile } from './remote-file.js';
import { baseName } from './sh.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

const SELINUX = 'playwatch sets no SELinux contexts; remove it (or run this playbook with ansible-playbook)';

/** The options copy and template share (ansible-core's file-writing options). */
export const FILE_WRITE_OPTIONS = {
  dest: { type: 'path', required: true },
  mode: { type: 'mode' },
  owner: { type: 'str' },
  group: { type: 'str' },
  backup: { type: 'bool', default: false },
  force: { type: 'bool', default: true },
  validate: { type: 'str' },
  follow: { type: 'bool', default: false, ignored: true },
  unsafe_writes: { type: 'bool', default: false, ignored: true },
  attributes: { type: 'str', aliases: ['attr'], unsupported: 'playwatch sets no chattr attributes; remove it' },
  selevel: { type: 'str', unsupported: SELINUX },
  serole: { type: 'str', unsupported: SELINUX },
  setype: { type: 'str', unsupported: SELINUX },
  seuser: { type: 'str', unsupported: SELINUX },
} as const satisfies ArgSpec['options'];

/** ansible-core 2.14's `copy` options (`ansible-doc -j copy`). */
const SPEC: ArgSpec = {
  options: {
    ...FILE_WRITE_OPTIONS,
    src: { type: 'path' },
    content: { type: 'raw' },
    remote_src: { type: 'bool', default: false },
    directory_mode: { type: 'mode' },
    local_follow: { type: 'bool', default: true, ignored: true },
    decrypt: { type: 'bool', default: true },
    checksum: { type: 'str' },
  },
  mutuallyExclusive: [['content', 'src']],
  requiredOneOf: [['content', 'src']],
};

/** `validate` must name the file it checks. */
export function checkValidate(module: string, args: Vars, pos?: Pos): void {
  const v = args.validate;
  if (typeof v === 'string' && !v.includes('{{') && !v.includes('%s')) {
    throw new UserError(`module '${module}': validate must contain %s: ${v}`, pos);
  }
}

/**
 * `copy`: `content` or a controller file (`src`, found in the role's
 * `files/` and the playbook's) put on the target atomically, changed only
 * when content or attributes differ; a directory `src` is copied file by
 * file (copy-dir.ts); `remote_src` copies a file on the target.
 */
export const copyModule: Module = {
  name: 'copy',
  supportsCheck: true,
  validate(args, pos) {
    checkSpec('copy', SPEC, args, pos);
    checkValidate('copy', args, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const args = readArgs('copy', SPEC, ctx.args);
    checkValidate('copy', args);
    const dest = args.dest as string;
    const common = writeOptions(args);
    if (args.content !== undefined) {
      if (dest.endsWith('/')) return { failed: true, changed: false, msg: 'can not use content with a dir as dest' };
      if (common.mode === 'preserve') return { failed: true, changed: false, msg: "mode 'preserve' needs a src file" };
      return putContent(ctx, { dest, content: contentOf(args.content), ...common });
    }
    const src = args.src as string;
    if (args.remote_src) return copyRemote(ctx, src, dest, common);
    const found = findLocal(ctx, 'files', src);
    if (!found.path) return { failed: true, changed: false, msg: notFound(src, found) };
    const stat = fs.statSync(found.path);
    if (stat.isDirectory()) {
      if (args.validate !== undefined) return { failed: true, changed: false, msg: 'validate is not supported with a directory src' };
      return copyDirectory(ctx, found.path, src, dest, { ...common, directoryMode: args.directory_mode as string | number | undefined, decrypt: args.decrypt !== false });
    }
    const { content, vaulted } = readLocalFile(ctx.vault, found.path, args.decrypt !== false);
    // A vaulted source's lines are not shown in a diff: only whole values are masked.
    // (Object.create keeps the context's lazy getters lazy: no connection is opened here.)
    const shown: ModuleContext = vaulted ? Object.create(ctx, { diff: { value: false } }) : ctx;
    return putContent(shown, { dest, content, src: found.path, srcMode: stat.mode & 0o7777, ...common });
  },
};

/** ansible-core writes structured content as JSON. */
function contentOf(v: unknown): Buffer {
  return Buffer.from(typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
}

/** `remote_src: true`: both files read in one command, then one command copies on the target. */
async function copyRemote(ctx: ModuleContext, src: string, dest0: string, req: WriteOptions): Promise<ModuleResult> {
  const dest = dest0.endsWith('/') ? `${dest0}${baseName(src)}` : dest0;
  const read = await readStates(ctx, [{ path: src, checksum: true, follow: true }, { path: dest, checksum: true, intoDir: baseName(src) }]);
  if (!read.ok) return read.result;
  const [from, to] = read.value;
  if (!from.exists) return { failed: true, changed: false, msg: `Source ${src} not found` };
  if (from.type === 'directory') return { failed: true, changed: false, msg: `copying a directory (src: ${src}) is not supported yet` };
  if (!from.readable) return { failed: true, changed: false, msg: `Source ${src} not readable` };
  if (to.exists && to.type === 'directory') return { failed: true, changed: false, msg: `can not copy onto a directory: ${to.path}` };
  if (!to.parentExists) return { failed: true, changed: false, msg: `Destination directory ${to.path.replace(/\/[^/]*$/, '') || '/'} does not exist` };
  if (!req.force && to.exists) return { changed: false, dest: to.path, src };
  const mode = req.mode === 'preserve' ? from.mode : req.mode;
  const same = to.exists && to.type === 'file' && to.checksum === from.checksum && to.checksumAlgorithm === from.checksumAlgorithm;
  const plan = planAttrs(to.path, to, { mode, owner: req.owner, group: req.group }, { created: to.mode ?? 0o666 & ~to.umask });
  if (same && !plan.changed) return { changed: false, dest: to.path, src, checksum: to.checksum, ...fileKeys(to) };
  const predicted = { changed: true, dest: to.path, src, checksum: from.checksum, ...(plan.mode !== undefined ? { mode: formatMode(plan.mode) } : {}) };
  if (ctx.check) return predicted;
  const written = await writeFile(ctx, to.path, undefined, { fromPath: src, mode: plan.mode, owner: req.owner, group: req.group, backup: req.backup, validate: req.validate, before: to });
  if (!written.ok) return written.result;
  const backup = written.value.backupFile ? { backup_file: written.value.backupFile } : {};
  return { ...predicted, ...fileKeys(written.value.state), ...backup };
}
