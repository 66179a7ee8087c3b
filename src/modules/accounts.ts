/**
 * What the account modules (`user`, `group`) share: the lines `getent`
 * prints, the sections their scripts print (`@@@ name` lines), and the
 * check for the programs they act with, so a host without `useradd` gets
 * one clear error naming what it lacks instead of `sh: useradd: not found`.
 */
import type { ModuleResult } from '../model/index.js';

/** A `getent passwd` line. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

/** A `getent group` line. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parsePasswd(line: string | undefined): PasswdEntry | undefined {
  const f = (line ?? '').split('\n')[0]!.split(':');
  if (f.length < 7) return undefined;
  return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), comment: f[4]!, home: f[5]!, shell: f[6]! };
}

export function parseGroup(line: string | undefined): GroupEntry | undefined {
  const f = (line ?? '').split('\n')[0]!.split(':');
  if (f.length < 4) return undefined;
  return { name: f[0]!, gid: Number(f[2]), members: f[3] ? f[3].split(',') : [] };
}

/** The second field of a `getent shadow` line: the password hash ('' when unreadable or absent). */
export function shadowHash(line: string | undefined): string {
  return (line ?? '').split('\n')[0]!.split(':')[1] ?? '';
}

/** The aging fields of a `getent shadow` line: min and max days, and the expiry day (-1 when unset). */
export function shadowAging(line: string | undefined): { min?: number; max?: number; expire: number } {
  const f = (line ?? '').split('\n')[0]!.split(':');
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  return { min: num(f[3]), max: num(f[4]), expire: num(f[7]) ?? -1 };
}

/**
 * A script's output cut at its `@@@ name` lines: name → the text up to the
 * next one (without its last newline). A section printed twice keeps the
 * last, so a script may print `passwd` before and after a change.
 */
export function sections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (name !== undefined) out.set(name, lines.join('\n'));
  };
  for (const line of stdout.replace(/\n$/, '').split('\n')) {
    const m = /^@@@ (\S+)$/.exec(line);
    if (m) {
      flush();
      name = m[1]!;
      lines = [];
    } else if (name !== undefined) lines.push(line);
  }
  flush();
  return out;
}

/** Prints the section `missing`: each of `programs` that is not on the target's PATH. */
export function missingScript(programs: readonly string[]): string {
  return `echo '@@@ missing'\nfor c in ${programs.join(' ')}; do command -v "$c" >/dev/null 2>&1 || echo "$c"; done`;
}

/** Where each program comes from, for the error that names what a host lacks. */
const PACKAGES: Record<string, string> = {
  useradd: 'passwd (shadow-utils)', usermod: 'passwd (shadow-utils)', userdel: 'passwd (shadow-utils)',
  groupadd: 'passwd (shadow-utils)', groupmod: 'passwd (shadow-utils)', groupdel: 'passwd (shadow-utils)',
  chage: 'passwd (shadow-utils)', getent: 'libc-bin (glibc)', 'ssh-keygen': 'openssh-client', crontab: 'cron',
};

/** The failed result for programs the target lacks, or undefined when none is missing. */
export function missingFailure(module: string, missing: string | undefined, needed: readonly string[]): ModuleResult | undefined {
  const lacking = (missing ?? '').split('\n').filter((p) => p && needed.includes(p));
  if (!lacking.length) return undefined;
  const from = [...new Set(lacking.map((p) => PACKAGES[p]).filter(Boolean))];
  const accounts = lacking.some((p) => /^(user|group)/.test(p));
  return {
    failed: true,
    changed: false,
    msg: `${module}: the target has no ${lacking.join(', ')} on its PATH` + (from.length ? ` (install ${from.join(', ')}${accounts ? '; playwatch does not fall back to busybox adduser/addgroup' : ''})` : ''),
  };
}

/** Runs a command with its stderr caught into the section `err`, stdout into `out`, and its status into `rc`. */
export function caught(command: string): string {
  return [
    `echo '@@@ out'`,
    // The `.` keeps the error's last newlines, which $( ) would drop.
    `{ err=$( { ${command}; } 2>&1 >&3; r=$?; echo .; exit $r); rc=$?; } 3>&1`,
    `echo '@@@ err'`,
    `printf '%s\\n' "\${err%.}"`,
    `echo '@@@ rc'`,
    `echo "$rc"`,
  ].join('\n');
}

/** What `caught` saw. */
export interface Caught {
  rc: number;
  out: string;
  err: string;
}

export function readCaught(s: Map<string, string>): Caught | undefined {
  if (!s.has('rc')) return undefined;
  return { rc: Number(s.get('rc')), out: s.get('out') ?? '', err: s.get('err') ?? '' };
}

/**
 * Prints what `command` writes to stdout exactly (the last newline too)
 * between `@@@ begin` and `@@@ end <status>`: `readExact` takes it back.
 */
export function exactScript(command: string): string {
  return `echo '@@@ begin'\n${command}\nprintf '\\n@@@ end %s\\n' "$?"`;
}

/** What `exactScript` printed: the text and the command's status, or undefined when it did not run. */
export function readExact(stdout: string): { text: string; rc: number } | undefined {
  const start = stdout.indexOf('@@@ begin\n');
  const end = /\n@@@ end (\d+)\n?$/.exec(stdout);
  if (start < 0 || !end) return undefined;
  return { text: stdout.slice(start + '@@@ begin\n'.length, end.index), rc: Number(end[1]) };
}

/**
 * Replaces the file in `$p` with stdin through a temp file beside it and
 * `mv` (as ansible's atomic_move): an existing file keeps its mode and
 * owner, a new one gets 0666 less the umask.
 */
export function replaceScript(): string {
  return [
    `t=$(mktemp "$(dirname -- "$p")/.pw.XXXXXXXX") || exit 94`,
    `cat >"$t" || { rm -f -- "$t"; exit 94; }`,
    `if [ -e "$p" ]; then chmod "$(stat -c %a -- "$p")" "$t"; chown "$(stat -c %u:%g -- "$p")" "$t" 2>/dev/null; else chmod "$(printf '%o' $(( 0666 & ~0$(umask) )))" "$t"; fi`,
    `mv -f -- "$t" "$p" || { rm -f -- "$t"; exit 94; }`,
  ].join('\n');
}
