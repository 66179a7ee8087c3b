import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { ModuleResult } from '../model/index.js';
import { fnmatchToRegExp } from '../model/index.js';
import { planAttrs } from './attrs.js';
import { findLocal, notFound } from './local-file.js';
import { changeAndRead, fileKeys, parseState, readStates, remoteFailure, type FileState } from './remote-file.js';
import { shPath } from './sh.js';
import { READ_MAX } from './slurp.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';
import { HANDLERS, sections, unarchiveScript, type UnarchivePlan } from './unarchive-script.js';

const SELINUX = 'playwatch sets no SELinux contexts; remove it (or run this playbook with ansible-playbook)';

/** ansible-core 2.14's `unarchive` options (`ansible-doc -j unarchive`); URLs as `src` are not fetched. */
const SPEC: ArgSpec = {
  options: {
    src: { type: 'path', required: true },
    dest: { type: 'path', required: true },
    remote_src: { type: 'bool', default: false },
    copy: { type: 'bool', unsupported: "it is deprecated; use 'remote_src'" },
    creates: { type: 'path' },
    list_files: { type: 'bool', default: false },
    keep_newer: { type: 'bool', default: false },
    exclude: { type: 'list', elements: 'str', default: [] },
    include: { type: 'list', elements: 'str', default: [] },
    extra_opts: { type: 'list', elements: 'str', default: [] },
    mode: { type: 'mode' },
    owner: { type: 'str' },
    group: { type: 'str' },
    validate_certs: { type: 'bool', default: true, ignored: true },
    io_buffer_size: { type: 'int', default: 65536, ignored: true },
    decrypt: { type: 'bool', default: true, ignored: true },
    unsafe_writes: { type: 'bool', default: false, ignored: true },
    attributes: { type: 'str', aliases: ['attr'], unsupported: 'playwatch sets no chattr attributes; remove it' },
    selevel: { type: 'str', unsupported: SELINUX },
    serole: { type: 'str', unsupported: SELINUX },
    setype: { type: 'str', unsupported: SELINUX },
    seuser: { type: 'str', unsupported: SELINUX },
  },
  mutuallyExclusive: [['include', 'exclude']],
};

/**
 * `unarchive`: a tar (gzip, bzip2, xz: what GNU tar reads) or zip archive
 * from the controller (found like copy's `src`, sent on stdin) or already
 * on the target (`remote_src`), unpacked into an existing directory in one
 * command that also decides, as ansible-core does, whether it is unpacked
 * already (so a second run changes nothing). `mode`, `owner` and `group`
 * on the unpacked files cost one more command when they differ. Check mode
 * predicts (ansible-core skips it for tar archives). URLs are not fetched.
 */
export const unarchiveModule: Module = {
  name: 'unarchive',
  supportsCheck: true,
  validate: (args, pos) => checkSpec('unarchive', SPEC, args, pos),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('unarchive', SPEC, ctx.args);
    const src = a.src as string;
    const dest = a.dest as string;
    if (src.includes('://')) return { failed: true, changed: false, msg: `fetching '${src}' is not supported; download it with get_url first` };
    let stdin: string | undefined;
    if (!a.remote_src) {
      const found = findLocal(ctx, 'files', src);
      if (!found.path || fs.statSync(found.path).isDirectory()) return { failed: true, changed: false, msg: notFound(src, found) };
      stdin = fs.readFileSync(found.path).toString('base64');
    }
    const plan: UnarchivePlan = {
      nonce: randomBytes(6).toString('hex'), dest, ...(a.remote_src ? { src } : {}), creates: a.creates as string | undefined, check: ctx.check,
      owner: a.owner as string | undefined, group: a.group as string | undefined, mode: a.mode !== undefined, keepNewer: a.keep_newer as boolean,
      exclude: a.exclude as string[], include: a.include as string[], extraOpts: a.extra_opts as string[],
    };
    const res = await ctx.exec(unarchiveScript(plan), { quiet: true, maxBytes: READ_MAX, ...(stdin !== undefined ? { stdin } : {}) });
    const out = sections(res.stdout, plan.nonce);
    // In check mode an earlier task may be what creates the directory: predict the unpacking rather than fail (as copy does).
    if (ctx.check && out.has('notdir')) return { changed: true, dest, msg: `dest '${dest}' does not exist yet; assuming an earlier task creates it` };
    const early = earlyExit(out, a, src, dest);
    if (early) return early;
    if (res.rc !== 0 || !out.has('end')) return remoteFailure(`could not unpack ${src}`, res);
    const handler = HANDLERS[(out.get('handler') ?? '').trim()] ?? 'TarArchive';
    const remoteSrc = (out.get('src') ?? '').trim();
    const files = fileList(out.get('files') ?? '', a.exclude as string[]);
    const differs = (out.get('diff') ?? '').trim() !== '';
    const result: ModuleResult = { handler, dest, src: remoteSrc, changed: differs };
    if (out.has('extract')) {
      const rc = Number((out.get('rc') ?? '').trim());
      const decode = (k: string) => Buffer.from((out.get(k) ?? '').trim(), 'base64').toString('utf8');
      const bin = (out.get('bin') ?? '').trim() || (handler === 'ZipArchive' ? 'unzip' : 'tar');
      result.extract_results = { cmd: extractCmd(bin, handler, plan, remoteSrc), rc, out: decode('out'), err: decode('err') };
      if (rc !== 0) return { ...result, failed: true, changed: false, msg: `failed to unpack ${remoteSrc} to ${dest}` };
    }
    let state = parseState(dest, out.get('state') ?? '');
    if (a.mode !== undefined || a.owner !== undefined || a.group !== undefined) {
      const fixed = await fixAttrs(ctx, dest, files, a, ctx.check && differs);
      if ('failed' in fixed) return fixed.failed;
      if (fixed.changed) result.changed = true;
      if (fixed.state) state = fixed.state;
    }
    if (a.list_files) result.files = files;
    return { ...result, ...fileKeys(state) };
  },
};

/** The script stopped before unpacking: skipped by `creates`, or a missing or unusable destination or archive. */
function earlyExit(out: Map<string, string>, a: Record<string, unknown>, src: string, dest: string): ModuleResult | undefined {
  const fail = (msg: string) => ({ failed: true, changed: false, msg });
  if (out.has('creates')) return { changed: false, skipped: true, msg: `skipped, since ${a.creates as string} exists` };
  if (out.has('notdir')) return fail(`dest '${dest}' must be an existing dir`);
  if (out.has('nosrc')) return fail(`Source '${src}' does not exist`);
  if (out.has('unreadable')) return fail(`Source '${src}' not readable`);
  if (out.has('empty')) return fail(`Invalid archive '${src}', the file is 0 bytes`);
  if (out.has('nohandler')) return fail(`Failed to find handler for "${src}". Make sure the required command to extract the file is installed.`);
  return undefined;
}

/** The archive's files as ansible-core lists them: a leading `/` dropped, excluded names left out. */
function fileList(listing: string, exclude: string[]): string[] {
  const ex = exclude.map((e) => fnmatchToRegExp(e.replace(/\/+$/, '')));
  return listing.split('\n').filter((l) => l !== '').map((l) => l.replace(/^\//, '')).filter((f) => !ex.some((r) => r.test(f)));
}

/** The extraction command as ansible-core reports it (`extract_results.cmd`). */
function extractCmd(bin: string, handler: string, p: UnarchivePlan, src: string): string[] {
  if (handler === 'ZipArchive') return [bin, '-o', ...p.extraOpts, src, ...(p.exclude.length ? ['-x', ...p.exclude] : []), ...p.include, '-d', p.dest];
  return [
    bin, '--extract', '-C', p.dest, ...(handler === 'TgzArchive' ? ['-z'] : []),
    ...(p.extraOpts.length ? ['--show-transformed-names', ...p.extraOpts] : []),
    ...(p.owner !== undefined ? [`--owner=${p.owner}`] : []), ...(p.group !== undefined ? [`--group=${p.group}`] : []),
    ...(p.keepNewer ? ['--keep-newer-files'] : []), ...p.exclude.map((e) => `--exclude=${e.replace(/\/+$/, '')}`),
    '-f', src, ...p.include,
  ];
}

/**
 * `mode`/`owner`/`group` on each unpacked file and each top folder, as
 * ansible-core's set_fs_attributes_if_different: one command reads them
 * all and applies what differs (nothing in check mode, where files not yet
 * unpacked count as changed already).
 */
async function fixAttrs(ctx: ModuleContext, dest: string, files: string[], a: Record<string, unknown>, pending: boolean): Promise<{ changed: boolean; state?: FileState } | { failed: ModuleResult }> {
  const tops = [...new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]))];
  const paths = [...new Set([...files, ...tops])].map((f) => `${dest.replace(/\/+$/, '')}/${f.replace(/\/+$/, '')}`);
  if (!paths.length) return { changed: false };
  const want = { mode: a.mode as string | number | undefined, owner: a.owner as string | undefined, group: a.group as string | undefined };
  const read = await readStates(ctx, paths.map((path) => ({ path })));
  if (!read.ok) return { failed: read.result };
  const commands: string[] = [];
  for (const s of read.value) {
    if (!s.exists) continue;
    const plan = planAttrs(s.path, s, want, { word: shPath(s.path) });
    if (plan.changed) commands.push(...plan.commands);
  }
  if (!commands.length || ctx.check || pending) return { changed: commands.length > 0 };
  const after = await changeAndRead(ctx, dest, commands);
  if (!after.ok) return { failed: after.result };
  return { changed: true, state: after.value };
}

