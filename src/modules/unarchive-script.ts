/**
 * The target side of `unarchive`, one `sh` script: the `creates` check,
 * the destination check, the archive (a target path, or the controller's
 * bytes from stdin into a 0600 file in a fresh `mktemp -d`), the handler
 * picked as ansible-core picks it (unzip for zip, GNU tar with `-z`, then
 * plain tar for the rest), the archive's file list, whether it is already
 * unpacked (ansible-core's `tar --diff` lines, or for zip each file's
 * content compared), the extraction when it is not (and not in check
 * mode), and the destination's state. Sections are marked with a nonce.
 */
import { quoteAlways } from '../transport/command.js';
import { stateScript } from './remote-file.js';
import { globWord } from './run-command.js';
import { q, shPath } from './sh.js';

export interface UnarchivePlan {
  nonce: string;
  dest: string;
  /** The archive on the target (`remote_src`), or undefined when its bytes come on stdin (base64). */
  src?: string;
  creates?: string;
  check: boolean;
  owner?: string;
  group?: string;
  /** `mode` was given (tar's "Mode differs" then does not count). */
  mode: boolean;
  keepNewer: boolean;
  exclude: string[];
  include: string[];
  extraOpts: string[];
}

/** The handler names ansible-core reports. */
export const HANDLERS: Record<string, string> = { zip: 'ZipArchive', tgz: 'TgzArchive', tar: 'TarArchive' };

type Mark = (what: string) => string;

const words = (list: string[]): string => list.map(quoteAlways).join(' ');
const excludeFlags = (p: UnarchivePlan): string[] => p.exclude.map((e) => `--exclude=${e.replace(/\/+$/, '')}`);

/** A GNU tar command line on the archive `$s` in `$d` as ansible-core builds it (`attrs`: owner, group, keep-newer). */
function tarLine(p: UnarchivePlan, op: string, attrs: boolean): string {
  const opts = p.extraOpts.length ? ['--show-transformed-names', ...p.extraOpts] : [];
  const attrFlags = attrs ? [
    ...(p.owner !== undefined ? [`--owner=${p.owner}`] : []),
    ...(p.group !== undefined ? [`--group=${p.group}`] : []),
    ...(p.keepNewer ? ['--keep-newer-files'] : []),
  ] : [];
  const include = p.include.length ? ` -- ${words(p.include)}` : '';
  return `"$b" ${op} -C "$d" $z ${words([...opts, ...attrFlags, ...excludeFlags(p)])} -f "$s"${include}`;
}

export function unarchiveScript(p: UnarchivePlan): string {
  const mark: Mark = (what) => `printf '\\n%s\\n' ${q(`@@${p.nonce} ${what}`)}`;
  return [
    ...sourceLines(p, mark),
    ...handlerLines(p, mark),
    `${mark('diff')}`,
    'u=',
    'if [ "$h" = zip ]; then',
    ...zipDiffLines(p),
    'else',
    ...tarDiffLines(p),
    'fi',
    'printf \'%s\\n\' "$u"',
    ...(p.check ? [] : extractLines(p, mark)),
    `${mark('state')}`,
    'p=$d',
    stateScript(),
    `${mark('end')}`,
  ].join('\n');
}

/** creates, the destination, the archive (on the target or from stdin into a private directory) and its size. */
function sourceLines(p: UnarchivePlan, mark: Mark): string[] {
  return [
    `d=${shPath(p.dest)}`,
    ...(p.creates ? [`if [ -e ${shPath(p.creates)} ] || [ -L ${shPath(p.creates)} ]; then ${mark('creates')}; exit 0; fi`] : []),
    `if [ ! -d "$d" ]; then ${mark('notdir')}; exit 0; fi`,
    // A private directory for the archive sent and the extraction's output.
    't=$(umask 077 && mktemp -d -- "${TMPDIR:-/tmp}/playwatch-unarchive.XXXXXX") || exit 1',
    'trap \'rm -rf -- "$t"\' EXIT',
    ...(p.src !== undefined
      ? [
        `s=${shPath(p.src)}`,
        `if [ ! -e "$s" ]; then ${mark('nosrc')}; exit 0; fi`,
        `if [ ! -r "$s" ]; then ${mark('unreadable')}; exit 0; fi`,
      ]
      : ['s="$t/source"', '(umask 077 && base64 -d > "$s") || exit 1']),
    `if [ ! -s "$s" ]; then ${mark('empty')}; exit 0; fi`,
    `${mark('src')}; printf '%s\\n' "$s"`,
  ];
}

/** The handler in ansible-core's order (zip, tar -z, tar), the tool's path, and the archive's file list. */
function handlerLines(p: UnarchivePlan, mark: Mark): string[] {
  return [
    'h=; z=',
    'if command -v unzip >/dev/null 2>&1 && unzip -Z -1 -- "$s" >/dev/null 2>&1; then h=zip; b=$(command -v unzip)',
    'elif tar -t -z -f "$s" >/dev/null 2>&1; then h=tgz; z=-z; b=$(command -v tar)',
    'elif tar -t -f "$s" >/dev/null 2>&1; then h=tar; b=$(command -v tar)',
    `else ${mark('nohandler')}; exit 0; fi`,
    `${mark('handler')}; echo "$h"`,
    `${mark('bin')}; printf '%s\\n' "$b"`,
    `${mark('files')}`,
    `if [ "$h" = zip ]; then unzip -Z -1 -- "$s"; else ${tarLine(p, '--list', false)}; fi || exit 1`,
  ];
}

/** A zip is unpacked when every file in it (less excludes, or only includes) is there with the same content. */
function zipDiffLines(p: UnarchivePlan): string[] {
  const unzipEscape = `sed 's/[][*?\\\\]/\\\\&/g'`;
  return [
    '  u=$(unzip -Z -1 -- "$s" | while IFS= read -r e; do',
    ...(p.exclude.length ? [`    case "$e" in ${p.exclude.map(globWord).join('|')}) continue;; esac`] : []),
    ...(p.include.length ? [`    case "$e" in ${p.include.map(globWord).join('|')}) ;; *) continue;; esac`] : []),
    '    case "$e" in */) [ -d "$d/$e" ] || echo "$e: missing"; continue;; esac',
    `    unzip -p -- "$s" "$(printf '%s' "$e" | ${unzipEscape})" | cmp -s - "$d/$e" || echo "$e: differs"`,
    '  done)',
  ];
}

/** ansible-core's lines of `tar --diff` that mean "not unpacked yet" (owner and group ones only as root, and only when not given). */
function tarDiffLines(p: UnarchivePlan): string[] {
  const differs = [': Mod time differs$', ': Warning: Cannot stat: No such file or directory$', ': Invalid owner', ': Invalid group', ...(p.mode ? [] : [': Mode differs$'])];
  const asRoot = [...(p.owner === undefined ? [': Uid differs$'] : []), ...(p.group === undefined ? [': Gid differs$'] : [])];
  return [
    `  o=$(LANG=C LC_ALL=C ${tarLine(p, '--diff', true)} 2>&1)`,
    `  pat=${q(differs.join('|'))}; [ "$(id -u)" = 0 ] && pat="$pat"${q(asRoot.length ? `|${asRoot.join('|')}` : '')}`,
    '  u=$(printf \'%s\\n\' "$o" | grep -v -e \': : Warning: Cannot stat: No such file or directory$\' | grep -E -e "$pat")',
  ];
}

/** The extraction when something differs: its rc, and its output and errors as base64. */
function extractLines(p: UnarchivePlan, mark: Mark): string[] {
  return [
    'if [ -n "$u" ]; then',
    `  ${mark('extract')}`,
    '  if [ "$h" = zip ]; then',
    `    set -- "$b" -o ${words(p.extraOpts)} "$s"${p.exclude.length ? ` -x ${words(p.exclude)}` : ''} ${words(p.include)} -d "$d"`,
    '  else',
    `    set -- ${tarLine(p, '--extract', true)}`,
    '  fi',
    '  LANG=C LC_ALL=C "$@" >"$t/out" 2>"$t/err"; r=$?',
    `  ${mark('rc')}; echo "$r"`,
    `  ${mark('out')}; base64 < "$t/out" | tr -d '\\n'; echo`,
    `  ${mark('err')}; base64 < "$t/err" | tr -d '\\n'; echo`,
    'fi',
  ];
}

/** The script's output by section. */
export function sections(stdout: string, nonce: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = new RegExp(`\\n@@${nonce} (\\w+)\\n`, 'g');
  const marks = [...stdout.matchAll(re)];
  marks.forEach((m, i) => {
    const start = m.index! + m[0].length;
    const end = i + 1 < marks.length ? marks[i + 1].index! : stdout.length;
    out.set(m[1], stdout.slice(start, end));
  });
  return out;
}
