/**
 * Files on the target over plain POSIX `sh` (no Python there): reading a
 * path's state in one command, and writing content atomically in one more.
 *
 * Reading runs `stat -c`, `readlink`, `sha1sum` (or `cksum` where sha1sum
 * is missing) and, when asked, `base64` of the content, all in one script.
 * Writing creates a 0600 temp file beside the destination with `mktemp`,
 * fills it from stdin (content is never in argv), applies mode and owner,
 * runs `validate`, makes the backup, and `mv`s it over the destination; the
 * same script then reads the new state, so a changed file costs one round
 * trip after the read.
 */
import type { ModuleResult } from '../model/index.js';
import { splitShellWords } from '../transport/command.js';
import type { ModuleContext } from './types.js';
import { checksumOf, type ChecksumAlgorithm } from './checksum.js';
import { formatMode } from './mode.js';
import { q, shPath } from './sh.js';

export type FileType = 'file' | 'directory' | 'link' | 'fifo' | 'socket' | 'block' | 'char';

/** A path on the target as one read saw it. */
export interface FileState {
  path: string;
  exists: boolean;
  /** What the path is (a link stays a link unless the read followed it). */
  type?: FileType;
  /** Permission bits, `0o644`. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** User and group names (`UNKNOWN` where the id has no name). */
  owner?: string;
  group?: string;
  size?: number;
  mtime?: number;
  atime?: number;
  ctime?: number;
  inode?: number;
  nlink?: number;
  dev?: number;
  blocks?: number;
  /** The preferred I/O block size (st_blksize; `blocks` count 512-byte units). */
  blockSize?: number;
  /** For a link: what it points at as written, and its resolved path. */
  linkTarget?: string;
  linkSource?: string;
  readable?: boolean;
  writeable?: boolean;
  executable?: boolean;
  /** Of a regular file's content, when asked: sha1 hex, or `cksum` output (`crc size`) where sha1sum is missing. */
  checksum?: string;
  checksumAlgorithm?: ChecksumAlgorithm;
  /** The content, when asked and not over the size limit. */
  content?: Buffer;
  /** The target's umask (what a created file's mode starts from). */
  umask: number;
  /** Whether the path's parent directory exists. */
  parentExists: boolean;
}

export interface ReadOptions {
  /** Read what a link points at rather than the link (`stat -L`). */
  follow?: boolean;
  /** Compute the checksum of a regular file: sha1 (with the `cksum` fallback) for `true`, or the algorithm named (`sha256` runs `sha256sum`). */
  checksum?: boolean | 'sha1' | 'md5' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  /** Also fetch a regular file's content when it is at most this many bytes (for diffs and edits). */
  contentMax?: number;
  /** When the path is a directory, read `<path>/<intoDir>` instead (copy's `dest/` form). */
  intoDir?: string;
}

export { checksumOf, md5Of, posixCksum } from './checksum.js';

/** A helper's outcome: its value, or the module's failed result. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; result: ModuleResult };

const TYPES: Record<number, FileType> = {
  0o100000: 'file', 0o040000: 'directory', 0o120000: 'link', 0o010000: 'fifo',
  0o140000: 'socket', 0o060000: 'block', 0o020000: 'char',
};

/**
 * The sh lines that print the state of the path in `$p` (each `key value`
 * on its own line; the content, base64 on one line, comes last).
 */
export function stateScript(opts: ReadOptions = {}): string {
  const L = opts.follow ? ' -L' : '';
  const regular = opts.follow ? '[ -f "$p" ]' : '[ -f "$p" ] && [ ! -L "$p" ]';
  const lines = [
    opts.follow ? 'if [ -e "$p" ]; then' : 'if [ -e "$p" ] || [ -L "$p" ]; then',
    `  s=$(stat${L} -c '%f %u %g %s %Y %X %Z %i %h %d %b %o %U %G' -- "$p") || exit 90`,
    '  printf \'stat %s\\n\' "$s"',
    '  if [ -L "$p" ]; then printf \'link %s\\n\' "$(readlink -- "$p")"; printf \'real %s\\n\' "$(readlink -f -- "$p")"; fi',
    '  a=; [ -r "$p" ] && a=r; [ -w "$p" ] && a="${a}w"; [ -x "$p" ] && a="${a}x"; printf \'access %s\\n\' "$a"',
  ];
  if (opts.checksum === true || opts.checksum === 'sha1') {
    lines.push(
      `  if ${regular} && [ -r "$p" ]; then`,
      '    if command -v sha1sum >/dev/null 2>&1; then printf \'sha1 %s\\n\' "$(sha1sum < "$p")"; else printf \'cksum %s\\n\' "$(cksum < "$p")"; fi',
      '  fi',
    );
  } else if (opts.checksum) {
    lines.push(`  if ${regular} && [ -r "$p" ]; then printf 'sum ${opts.checksum} %s\\n' "$(${opts.checksum}sum < "$p")" || exit 98; fi`);
  }
  lines.push(
    'else echo absent; fi',
    'printf \'umask %s\\n\' "$(umask)"',
    'if [ -d "$(dirname -- "$p")" ]; then echo parent; fi',
  );
  if (opts.contentMax !== undefined) {
    lines.push(
      `if ${regular} && [ -r "$p" ] && [ "$(wc -c < "$p")" -le ${Math.floor(opts.contentMax)} ]; then`,
      '  printf \'content \'; base64 < "$p" | tr -d \'\\n\'; echo',
      'fi',
    );
  }
  return lines.join('\n');
}

/** The script that reads one path: `p=<path>` (moved into it when a directory and `intoDir` is set) then `stateScript`. */
export function readScript(path: string, opts: ReadOptions = {}): string {
  const into = opts.intoDir === undefined ? '' : `\nif [ -d "$p" ]; then p="$p"/${q(opts.intoDir)}; echo into; fi`;
  return `p=${shPath(path)}${into}\n${stateScript(opts)}`;
}

/** Parses what `stateScript` printed. */
export function parseState(path: string, stdout: string): FileState {
  const state: FileState = { path, exists: false, umask: 0o022, parentExists: false };
  for (const line of stdout.split('\n')) {
    const sp = line.indexOf(' ');
    const key = sp < 0 ? line : line.slice(0, sp);
    const rest = sp < 0 ? '' : line.slice(sp + 1);
    switch (key) {
      case 'into':
        state.path = `${path.replace(/\/+$/, '')}/`;
        break;
      case 'stat':
        Object.assign(state, parseStat(rest));
        break;
      case 'link':
        state.linkTarget = rest;
        break;
      case 'real':
        state.linkSource = rest;
        break;
      case 'access':
        state.readable = rest.includes('r');
        state.writeable = rest.includes('w');
        state.executable = rest.includes('x');
        break;
      case 'sha1':
        state.checksum = rest.split(' ')[0];
        state.checksumAlgorithm = 'sha1';
        break;
      case 'cksum':
        state.checksum = rest.trim().split(/\s+/).slice(0, 2).join(' ');
        state.checksumAlgorithm = 'cksum';
        break;
      case 'sum': {
        const [algorithm, hex] = rest.split(' ');
        state.checksum = hex;
        state.checksumAlgorithm = algorithm as FileState['checksumAlgorithm'];
        break;
      }
      case 'umask':
        state.umask = parseInt(rest, 8) || 0;
        break;
      case 'parent':
        state.parentExists = true;
        break;
      case 'content':
        state.content = Buffer.from(rest, 'base64');
        break;
    }
  }
  return state;
}

function parseStat(s: string): Partial<FileState> {
  const f = s.split(' ');
  const raw = parseInt(f[0], 16);
  return {
    exists: true,
    type: TYPES[raw & 0o170000] ?? 'file',
    mode: raw & 0o7777,
    uid: Number(f[1]),
    gid: Number(f[2]),
    size: Number(f[3]),
    mtime: Number(f[4]),
    atime: Number(f[5]),
    ctime: Number(f[6]),
    inode: Number(f[7]),
    nlink: Number(f[8]),
    dev: Number(f[9]),
    blocks: Number(f[10]),
    blockSize: Number(f[11]),
    owner: f[12],
    group: f.slice(13).join(' '),
  };
}

/**
 * Reads several paths' states in one command (copy's `remote_src` reads
 * its source and destination together).
 */
export async function readStates(ctx: ModuleContext, reads: Array<{ path: string } & ReadOptions>): Promise<Outcome<FileState[]>> {
  const script = reads.map((r, i) => `echo '@@@ ${i}'\n(\n${readScript(r.path, r)}\n) || exit $?`).join('\n');
  const res = await ctx.exec(script);
  if (res.rc !== 0) return { ok: false, result: remoteFailure(`could not read the state of ${reads.map((r) => r.path).join(', ')}`, res) };
  const parts = res.stdout.split(/^@@@ \d+\n/m).slice(1);
  return { ok: true, value: reads.map((r, i) => finishState(r, parseState(r.path, parts[i] ?? ''))) };
}

function finishState(opts: ReadOptions, state: FileState): FileState {
  if (state.path.endsWith('/') && opts.intoDir !== undefined) state.path += opts.intoDir;
  return state;
}

/**
 * Runs `commands` on the path (each may use `"$p"`) and reads its state
 * after them, in one command: how attribute changes are made.
 */
export async function changeAndRead(ctx: ModuleContext, path: string, commands: string[], opts: ReadOptions = {}): Promise<Outcome<FileState>> {
  const script = [`p=${shPath(path)}`, ...commands.map((c) => `${c} || exit 95`), stateScript(opts)].join('\n');
  const res = await ctx.exec(script);
  if (res.rc !== 0) return { ok: false, result: remoteFailure(`could not change ${path}`, res) };
  return { ok: true, value: parseState(path, res.stdout) };
}

/** Reads one path's state in one command. */
export async function readState(ctx: ModuleContext, path: string, opts: ReadOptions = {}): Promise<Outcome<FileState>> {
  const res = await ctx.exec(readScript(path, opts));
  if (res.rc !== 0) return { ok: false, result: remoteFailure(`could not read the state of ${path}`, res) };
  return { ok: true, value: finishState(opts, parseState(path, res.stdout)) };
}

/** A failed result from a remote command, with its rc and stderr. */
export function remoteFailure(what: string, res: { rc: number; stdout?: string; stderr: string; timedOut?: boolean }): ModuleResult {
  const why = res.timedOut ? 'timed out' : res.stderr.trim() || `rc ${res.rc}`;
  return { failed: true, changed: false, rc: res.rc, msg: `${what}: ${why}`, ...(res.stderr ? { stderr: res.stderr } : {}) };
}

/** Whether the target's file already holds exactly `content`. */
export function sameContent(state: FileState, content: Buffer): boolean {
  if (!state.exists || state.type !== 'file' || state.checksum === undefined) return false;
  return state.checksum === checksumOf(content, state.checksumAlgorithm);
}

/** Owner and group as the modules take them: names or numeric ids. */
export interface Ownership {
  owner?: string;
  group?: string;
}

/** Whether the state already has this owner/group (by name or id). */
export function ownerMatches(state: FileState, want: Ownership): { owner: boolean; group: boolean } {
  const is = (given: string | undefined, name: string | undefined, id: number | undefined) =>
    given === undefined || given === name || given === String(id);
  return { owner: is(want.owner, state.owner, state.uid), group: is(want.group, state.group, state.gid) };
}

/** `chown -- 'o:g'` (or `'o'`, or `':g'`) for the path word, or '' when nothing is asked. */
export function chownCommand(word: string, want: Ownership, recurse = false): string {
  if (want.owner === undefined && want.group === undefined) return '';
  const spec = `${want.owner ?? ''}${want.group !== undefined ? `:${want.group}` : ''}`;
  return `chown${recurse ? ' -R' : ''} -- ${q(spec)} ${word}`;
}

/** `chmod -- 0644 <word>`. */
export function chmodCommand(word: string, mode: number, recurse = false): string {
  return `chmod${recurse ? ' -R' : ''} -- ${formatMode(mode)} ${word}`;
}

/** ansible-core's backup name pattern, made on the target: `<dest>.<pid>.<YYYY-MM-DD@HH:MM:SS>~`. */
export const BACKUP_NAME = '"$d.$$.$(date +%Y-%m-%d@%H:%M:%S)~"';

/**
 * sh lines that copy the file at `$d` to a backup beside it (mode and times
 * kept) and print `backup <name>`; nothing when `$d` does not exist.
 */
export function backupScript(): string {
  return [
    'if [ -f "$d" ]; then',
    `  b=${BACKUP_NAME}`,
    '  cp -p -- "$d" "$b" || exit 93',
    '  printf \'backup %s\\n\' "$b"',
    'fi',
  ].join('\n');
}

export interface WriteOptions {
  /** Final mode of the file; without it an existing file keeps its mode and a new one gets 0666 less the umask. */
  mode?: number;
  owner?: string;
  group?: string;
  /** Keep a copy of the old file (`backup: true`); its name comes back in `backupFile`. */
  backup?: boolean;
  /** A command run on the temp file before it replaces the destination; `%s` is the temp file's path. */
  validate?: string;
  /** The destination's state from the read before (for its mode and owner when none is asked). */
  before?: FileState;
  /** Copy this file on the target instead of sending content (`remote_src`). */
  fromPath?: string;
  /** Create the destination's missing parent directories (`dest: dir/` in copy). */
  makeParents?: boolean;
}

export interface Written {
  state: FileState;
  backupFile?: string;
}

/**
 * Writes `content` to `dest` atomically in one command and reads the new
 * state back (with its checksum). Fails, leaving the destination as it was,
 * when the directory is missing, `validate` fails, or a step is refused.
 */
export async function writeFile(ctx: ModuleContext, dest: string, content: Buffer | undefined, opts: WriteOptions = {}): Promise<Outcome<Written>> {
  const text = content?.toString('utf8');
  const binary = content !== undefined && !Buffer.from(text!, 'utf8').equals(content);
  const script = writeScript(dest, opts, binary);
  const stdin = content === undefined ? undefined : binary ? content.toString('base64') : text;
  const res = await ctx.exec(script, stdin === undefined ? {} : { stdin });
  if (res.rc === 92) {
    const rc = Number(/^validate-rc (\d+)$/m.exec(res.stdout)?.[1] ?? res.rc);
    return { ok: false, result: { failed: true, changed: false, rc, msg: `failed to validate: rc:${rc} error:${res.stderr.trim()}`, stderr: res.stderr } };
  }
  if (res.rc !== 0) return { ok: false, result: remoteFailure(`could not write ${dest}`, res) };
  const state = parseState(dest, res.stdout);
  const backup = /^backup (.*)$/m.exec(res.stdout)?.[1];
  return { ok: true, value: backup ? { state, backupFile: backup } : { state } };
}

/** The one-command write: temp file 0600 beside dest, stdin into it, attributes, validate, backup, mv, new state. */
export function writeScript(dest: string, opts: WriteOptions, binary: boolean): string {
  const before = opts.before;
  const mode = opts.mode ?? (before?.exists && before.type === 'file' ? before.mode! : 0o666 & ~(before?.umask ?? 0o022));
  const lines = [
    `d=${shPath(dest)}`,
    ...(opts.makeParents ? ['mkdir -p -- "$(dirname -- "$d")" || exit 91'] : []),
    't=$(mktemp -- "$(dirname -- "$d")/.playwatch.XXXXXX") || exit 91',
    'trap \'rm -f -- "$t"\' EXIT',
    opts.fromPath !== undefined ? `cat -- ${shPath(opts.fromPath)} > "$t" || exit 94` : binary ? 'base64 -d > "$t" || exit 94' : 'cat > "$t" || exit 94',
    `${chmodCommand('"$t"', mode)} || exit 95`,
  ];
  const own: Ownership = { owner: opts.owner, group: opts.group };
  if (own.owner !== undefined || own.group !== undefined) lines.push(`${chownCommand('"$t"', own)} || exit 96`);
  else if (before?.exists && before.type === 'file') {
    // Keep the replaced file's owner where we may (as root); elsewhere the file becomes ours, as with ansible-core.
    lines.push(`chown -- ${before.uid}:${before.gid} "$t" 2>/dev/null || :`);
  }
  if (opts.validate !== undefined) lines.push(validateLines(opts.validate));
  if (opts.backup) lines.push(backupScript());
  lines.push('mv -f -- "$t" "$d" || exit 97', 'trap - EXIT', 'p=$d', stateScript({ checksum: true }));
  return lines.join('\n');
}

/**
 * `validate: visudo -cf %s` run on the temp file: the command's words are
 * split as ansible-core splits them (no shell) and each is quoted, `%s`
 * becoming the temp file.
 */
function validateLines(validate: string): string {
  const words = splitShellWords(validate).map((w) => w.split('%s').map((part) => q(part)).join('"$t"').replace(/''(?="\$t")|(?<="\$t")''/g, ''));
  return [
    `v=$(${words.join(' ')} </dev/null 2>&1)`,
    'r=$?',
    'if [ $r -ne 0 ]; then printf \'validate-rc %s\\n\' $r; printf \'%s\\n\' "$v" >&2; exit 92; fi',
  ].join('\n');
}

/** The keys ansible-core's file-writing modules return about the file: uid, gid, owner, group, mode, state, size. */
export function fileKeys(state: FileState): Record<string, unknown> {
  if (!state.exists) return { state: 'absent' };
  return {
    gid: state.gid,
    group: state.group,
    mode: formatMode(state.mode ?? 0),
    owner: state.owner,
    size: state.size,
    state: state.type === 'link' ? 'link' : state.type === 'directory' ? 'directory' : state.type === 'file' ? (state.nlink && state.nlink > 1 ? 'hard' : 'file') : 'file',
    uid: state.uid,
  };
}
