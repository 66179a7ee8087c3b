import type { ModuleResult } from '../model/index.js';
import { gitScript } from './git-script.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

const NOT_HERE = 'playwatch runs git on the target without it; run this task with the ansible-core engine';

/** ansible-core 2.14's `git` options; those playwatch does not do are refused at load. */
export const SPEC: ArgSpec = {
  options: {
    repo: { type: 'str', required: true, aliases: ['name'] },
    dest: { type: 'path', required: true },
    version: { type: 'str', default: 'HEAD' },
    remote: { type: 'str', default: 'origin' },
    force: { type: 'bool', default: false },
    depth: { type: 'int' },
    update: { type: 'bool', default: true },
    clone: { type: 'bool', default: true },
    bare: { type: 'bool', default: false },
    single_branch: { type: 'bool', default: false },
    accept_hostkey: { type: 'bool', default: false },
    accept_newhostkey: { type: 'bool', default: false, unsupported: NOT_HERE },
    recursive: { type: 'bool', default: true, ignored: true },
    track_submodules: { type: 'bool', default: false, unsupported: NOT_HERE },
    key_file: { type: 'path', unsupported: NOT_HERE },
    ssh_opts: { type: 'str', unsupported: NOT_HERE },
    executable: { type: 'path', unsupported: NOT_HERE },
    reference: { type: 'str', unsupported: NOT_HERE },
    refspec: { type: 'str', unsupported: NOT_HERE },
    separate_git_dir: { type: 'path', unsupported: NOT_HERE },
    verify_commit: { type: 'bool', default: false, unsupported: NOT_HERE },
    gpg_whitelist: { type: 'list', elements: 'str', default: [], unsupported: NOT_HERE },
    archive: { type: 'path', unsupported: NOT_HERE },
    archive_prefix: { type: 'str', unsupported: NOT_HERE },
    umask: { type: 'raw', unsupported: NOT_HERE },
  },
};

const field = (stdout: string, key: string) => new RegExp(`^${key} (.*)$`, 'm').exec(stdout)?.[1];

/** What a failed step says, as ansible-core's messages say it. */
function failure(what: string, stderr: string, dest: string): string {
  const err = stderr.trim();
  if (what.startsWith('checkout ')) return `Failed to checkout ${what.slice(9)}`;
  if (what.startsWith('remote ')) return `Could not determine remote revision for ${what.slice(7)}`;
  if (what === 'cd') return `cannot enter ${dest}`;
  return err || `git ${what} failed`;
}

/**
 * `git`: clone or update a checkout on the target in one command
 * (git-script.ts) with the target's git, ansible-core's way: `before` and
 * `after` shas, local modifications refused without `force` (reset with
 * it), the remote URL set again when it differs, check mode answered by
 * `git ls-remote`.
 */
export const gitModule: Module = {
  name: 'git',
  supportsCheck: true,
  validate: specValidator('git', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('git', SPEC, ctx.args);
    const dest = a.dest as string;
    const script = gitScript({
      repo: a.repo as string, dest, version: a.version as string, remote: a.remote as string,
      force: a.force as boolean, ...(a.depth !== undefined ? { depth: a.depth as number } : {}),
      update: a.update as boolean, clone: a.clone as boolean, bare: a.bare as boolean,
      singleBranch: a.single_branch as boolean, acceptHostkey: a.accept_hostkey as boolean, check: ctx.check,
    });
    const res = await ctx.exec(script);
    const out = res.stdout;
    if (/^how none$/m.test(out)) return { failed: true, changed: false, msg: 'git is not installed on the target (not found on its PATH)' };
    const before = field(out, 'before') ?? null;
    const afterRaw = field(out, 'after');
    const failed = field(out, 'fail') ?? (afterRaw?.startsWith('fail ') ? afterRaw.slice(5) : undefined);
    const base: ModuleResult = { changed: false, before: before === '' ? null : before };
    if (/^localmods$/m.test(out)) return { ...base, failed: true, after: null, msg: `Local modifications exist in the destination: ${dest} (force=no).` };
    if (failed !== undefined || res.rc !== 0) {
      return { ...base, failed: true, msg: failure(failed ?? `exit ${res.rc}`, res.stderr, dest), rc: res.rc, stderr: res.stderr.trim() };
    }
    const after = afterRaw ?? base.before;
    const urlChanged = field(out, 'urlchanged');
    const reset = /^reset$/m.test(out);
    const result: ModuleResult = { ...base, after, ...(urlChanged !== undefined ? { remote_url_changed: urlChanged === '1' } : {}) };
    if (/^changed$/m.test(out)) return { ...result, changed: true };
    const changed = result.before !== after || reset || urlChanged === '1';
    return { ...result, changed, ...(reset ? { msg: `Local modifications exist in the destination: ${dest}` } : {}) };
  },
};
