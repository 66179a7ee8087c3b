import type { ModuleResult } from '../model/index.js';
import { exactScript, missingFailure, missingScript, readExact, replaceScript, sections } from './accounts.js';
import { linuxMounts, setMount, unsetMount } from './edit/fstab.js';
import { remoteFailure } from './remote-file.js';
import { parentOf, q } from './sh.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible.posix's `mount` options (ansible-core 2.14 ships it in the ansible.posix collection). */
const SPEC: ArgSpec = {
  options: {
    path: { type: 'path', required: true, aliases: ['name'] },
    src: { type: 'path' },
    fstype: { type: 'str' },
    opts: { type: 'str' },
    dump: { type: 'str', default: '0' },
    passno: { type: 'str', default: '0' },
    state: { type: 'str', required: true, choices: ['absent', 'absent_from_fstab', 'mounted', 'present', 'unmounted', 'remounted'] },
    fstab: { type: 'str' },
    boot: { type: 'bool', default: true },
    backup: { type: 'bool', default: false, unsupported: 'playwatch does not back up fstab yet; remove it' },
  },
  requiredIf: [['state', 'mounted', ['src', 'fstype']], ['state', 'present', ['src', 'fstype']]],
};

export interface MountArgs {
  name: string;
  src?: string;
  fstype?: string;
  opts: string;
  dump: string;
  passno: string;
  fstab: string;
  /** Whether the user named the fstab (mount and remount then read it with -T). */
  fstabGiven: boolean;
  boot: boolean;
  state: string;
}

/** The args as ansible.posix completes them: defaults, and `noauto` added when boot is false. */
export function mountArgs(raw: Record<string, unknown>, warn: (m: string) => void = () => {}): MountArgs {
  const a = readArgs('mount', SPEC, raw);
  const opts = ((a.opts as string | undefined) ?? 'defaults').split(',');
  if (a.boot && opts.includes('noauto')) warn("Ignore the 'boot' due to 'opts' contains 'noauto'.");
  else if (!a.boot) opts.push('noauto');
  return {
    name: a.path as string, src: a.src as string | undefined, fstype: a.fstype as string | undefined, opts: opts.join(','),
    dump: a.dump as string, passno: a.passno as string, fstab: (a.fstab as string | undefined) ?? '/etc/fstab',
    fstabGiven: a.fstab !== undefined && a.fstab !== '/etc/fstab', boot: a.boot as boolean, state: a.state as string,
  };
}

/** `mount [-T fstab] name`, and remount with ansible.posix's fallback to umount and mount. */
function mountWords(a: MountArgs): string {
  return `mount ${a.fstabGiven ? `-T ${q(a.fstab)} ` : ''}"$p"`;
}

/** Sets `o` and `r`: `mount -o remount`, and when that fails ansible.posix's fallback (umount, mount), or its refusal (r=86) when options were given. */
function remountScript(a: MountArgs): string {
  const strict = a.state === 'remounted' && a.opts !== 'defaults';
  const opts = strict ? `remount,${a.opts}` : 'remount';
  return [
    `if o=$(mount -o ${q(opts)} ${a.fstabGiven ? `-T ${q(a.fstab)} ` : ''}"$p" 2>&1); then r=0`,
    strict
      ? `else r=86; o='Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.'`
      : `elif o=$(umount "$p" 2>&1); then o=$(${mountWords(a)} 2>&1); r=$?\nelse r=1`,
    `fi`,
  ].join('\n');
}

/** The read: programs, the fstab (and whether it is there), the path and its parent (device, inode), and the mounts. */
export function mountReadScript(a: MountArgs): string {
  return [
    missingScript(['mount', 'umount']),
    `p=${q(a.name)}`,
    `echo '@@@ stat'; stat -L -c '%d %i' -- "$p" "$p/.." 2>/dev/null`,
    `echo '@@@ mountinfo'; cat /proc/self/mountinfo 2>/dev/null`,
    `f=${q(a.fstab)}`,
    `echo '@@@ fstab'; if [ -e "$f" ]; then echo yes; fi`,
    exactScript(`if [ -f "$f" ]; then cat -- "$f"; fi`),
  ].join('\n');
}

/** os.path.ismount from `stat -c '%d %i'` of the path and its parent: another device, or the same inode (`/`). */
export function isMount(stat: string): boolean {
  const [self, parent] = stat.split('\n').filter(Boolean).map((l) => l.split(' '));
  if (!self || !parent) return false;
  return self[0] !== parent[0] || self[1] === parent[1];
}

interface Seen {
  mounted: (src?: string) => boolean;
  exists: boolean;
  fstabText: string;
  fstabExists: boolean;
}

/** Writes stdin to the fstab in `$f` (atomically, its mode and owner kept), leaving `$p` as it was. */
function writeFstab(): string {
  return `p_save=$p; p=$f\n${replaceScript()}\np=$p_save`;
}

/**
 * `mount`: one command reads the fstab, the path and /proc/self/mountinfo;
 * the fstab edit and what to mount are decided here as ansible.posix
 * decides them; one more command creates the mount point, writes the fstab
 * (atomically), mounts, remounts or unmounts, and on a failed mount puts
 * the fstab and the directories back. Result keys as ansible.posix's
 * (name, src, fstype, opts, dump, passno, fstab, boot, backup_file).
 */
export const mountModule: Module = {
  name: 'mount',
  supportsCheck: true,
  validate: specValidator('mount', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = mountArgs(ctx.args, (m) => ctx.warn?.(m));
    const res = await ctx.exec(mountReadScript(a));
    const exact = readExact(res.stdout);
    if (res.rc !== 0 || !exact) return remoteFailure(`could not read ${a.fstab}`, res);
    const s = sections(res.stdout.slice(0, res.stdout.indexOf('@@@ begin\n')));
    const needed = a.state === 'present' || a.state === 'absent_from_fstab' ? [] : ['mount', 'umount'];
    const lacking = missingFailure('mount', s.get('missing'), needed);
    if (lacking) return lacking;
    const mounts = linuxMounts(s.get('mountinfo') ?? '');
    const stat = s.get('stat') ?? '';
    const seen: Seen = {
      exists: stat.split('\n').filter(Boolean).length > 0,
      mounted: (src) => isMount(stat) || (mounts.has(a.name) && (src === undefined || mounts.get(a.name)!.src === src)),
      fstabText: exact.text,
      fstabExists: s.get('fstab') === 'yes',
    };
    const outcome = await act(ctx, a, seen);
    if ('failed' in outcome) return outcome;
    return {
      changed: outcome.changed, name: a.name, opts: a.opts, dump: a.dump, passno: a.passno, fstab: a.fstab, boot: a.boot ? 'yes' : 'no', backup_file: '',
      ...(a.src !== undefined ? { src: a.src } : {}), ...(a.fstype !== undefined ? { fstype: a.fstype } : {}),
    };
  },
};

async function act(ctx: ModuleContext, a: MountArgs, seen: Seen): Promise<{ changed: boolean } | ModuleResult> {
  const steps = [`p=${q(a.name)}; f=${q(a.fstab)}`];
  // ansible.posix creates a missing fstab (and its directory) first, whatever the state.
  if (!seen.fstabExists) steps.push(`mkdir -p -- ${q(parentOf(a.fstab))} && : >>"$f" || { echo "Failed to open ${a.fstab}" >&2; exit 87; }`);
  let changed = false;
  let stdin: string | undefined;
  if (a.state === 'present' || a.state === 'absent_from_fstab' || a.state === 'absent') {
    const edit = a.state === 'present' ? setMount(seen.fstabText, a) : unsetMount(seen.fstabText, a.name, a.src);
    changed = edit.changed;
    if (changed) {
      stdin = edit.text;
      steps.push(writeFstab());
      if (a.state === 'absent') {
        if (seen.mounted()) steps.push(`o=$(umount "$p" 2>&1) || { printf 'Error unmounting %s: %s\\n' "$p" "$o" >&2; exit 85; }`);
        steps.push(`if [ -e "$p" ]; then o=$(rmdir -- "$p" 2>&1) || { printf 'Error rmdir %s: %s\\n' "$p" "$o" >&2; exit 85; }; fi`);
      }
    }
  } else if (a.state === 'unmounted') {
    if (seen.mounted()) {
      changed = true;
      steps.push(`o=$(umount "$p" 2>&1) || { printf 'Error unmounting %s: %s\\n' "$p" "$o" >&2; exit 85; }`);
    }
  } else if (a.state === 'remounted') {
    changed = true;
    steps.push(remountScript(a), `if [ $r = 86 ]; then printf '%s\\n' "$o" >&2; exit 85; elif [ $r != 0 ]; then printf 'Error remounting %s: %s\\n' "$p" "$o" >&2; exit 85; fi`);
  } else {
    const edit = setMount(seen.fstabText, a);
    const wasMounted = seen.mounted(a.src);
    changed = edit.changed || !wasMounted;
    // Like mkdir -p, remembering what it made, so a failed mount can take it back.
    steps.push(
      `created=; d=$p; while [ ! -e "$d" ]; do created="$created$d\n"; d=$(dirname -- "$d"); done`,
      `o=$(mkdir -p -- "$p" 2>&1) || { printf 'Error making dir %s: %s\\n' "$p" "$o" >&2; exit 85; }`,
      `b=$(mktemp) || exit 94; cat -- "$f" >"$b"`,
    );
    if (edit.changed) {
      stdin = edit.text;
      steps.push(writeFstab());
    }
    const undo = `{ cat -- "$b" >"$f"; printf '%s' "$created" | while IFS= read -r d; do rmdir -- "$d"; done; rm -f -- "$b"; printf 'Error mounting %s: %s\\n' "$p" "$o" >&2; exit 85; }`;
    if (!wasMounted) steps.push(`o=$(${mountWords(a)} 2>&1) || ${undo}`);
    else if (edit.changed) steps.push(remountScript(a), `[ $r = 0 ] || ${undo}`);
    steps.push(`rm -f -- "$b"`);
  }
  if (!changed || ctx.check) return { changed };
  const w = await ctx.exec(steps.join('\n'), stdin === undefined ? {} : { stdin });
  if (w.rc === 85 || w.rc === 86 || w.rc === 87) return { failed: true, changed: false, msg: w.stderr.trim() };
  if (w.rc !== 0) return remoteFailure(`could not change ${a.name}`, w);
  return { changed };
}
