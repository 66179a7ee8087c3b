import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { isTemplated } from './args.js';
import { failMessage, lastMark, MARKS_SH, readMarks } from './marks.js';
import { q } from './sh.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `apt_repository` options (`ansible-doc -j apt_repository`). */
export const REPO_SPEC: ArgSpec = {
  options: {
    repo: { type: 'str', required: true },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    mode: { type: 'mode' },
    update_cache: { type: 'bool', default: true, aliases: ['update-cache'] },
    update_cache_retries: { type: 'int', default: 5 },
    update_cache_retry_max_delay: { type: 'int', default: 12 },
    filename: { type: 'str' },
    // Python's apt bindings: playwatch needs none.
    install_python_apt: { type: 'bool', default: true, ignored: true },
    validate_certs: { type: 'bool', default: true, ignored: true },
    codename: { type: 'str', unsupported: 'PPAs are not supported by playwatch; give the deb line' },
  },
};

const SOURCE_TYPES = ['deb', 'deb-src'];

/** A source line as ansible-core compares them: whitespace collapsed. Undefined when it is not a `deb`/`deb-src` line. */
export function normalSource(repo: string): string | undefined {
  const chunks = repo.trim().split(/\s+/);
  return SOURCE_TYPES.includes(chunks[0] ?? '') && chunks.length >= 3 ? chunks.join(' ') : undefined;
}

/** ansible-core's file name for a source: its URI without scheme, options and credentials, non-alphanumerics as `_`. */
export function suggestFilename(source: string, filename?: string): string {
  if (filename !== undefined) return `${filename}.list`;
  const parts = source.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '').split(/\s+/).filter((p) => p && !SOURCE_TYPES.includes(p));
  const uri = (parts[0] ?? '').split('@').pop()!;
  return `${uri.replace(/[^a-zA-Z0-9]/g, ' ').trim().split(/\s+/).join('_')}.list`;
}

/**
 * awk that finds `want` among the source lines of its files (enabled or
 * `#`-disabled, a trailing `# comment` aside, whitespace collapsed) and
 * prints `file<TAB>line<TAB>enabled` for each.
 */
const FIND_AWK = `{
  line = $0; sub(/^[ \\t]+/, "", line); on = 1
  if (substr(line, 1, 1) == "#") { on = 0; line = substr(line, 2) }
  i = index(line, "#"); if (i > 1) line = substr(line, 1, i - 1)
  n = split(line, c, /[ \\t]+/); s = ""
  for (k = 1; k <= n; k++) if (c[k] != "") s = s (s == "" ? "" : " ") c[k]
  if (s == want) printf "%s\\t%d\\t%d\\n", FILENAME, FNR, on
}`;

/** Puts back what the script changed when the cache update after it fails, as ansible-core reverts its sources. */
const REVERT_SH = [
  'revert() {',
  '  [ -e "$bak/new" ] && rm -f "$(cat "$bak/new")"',
  '  [ -e "$bak/list" ] && sort -u "$bak/list" | while IFS= read -r f; do k=$(printf %s "$f" | cksum | cut -d" " -f1); cat "$bak/$k" >"$f" 2>/dev/null || cp -p "$bak/$k" "$f"; done',
  '}',
].join('\n');

export interface RepoRequest {
  source: string;
  state: 'present' | 'absent';
  filename: string;
  mode?: string;
  updateCache: boolean;
  retries: number;
  maxDelay: number;
  check: boolean;
}

/** The one script: find the source in every list file, decide, edit (or not, in check mode), update the cache. */
export function repoScript(r: RepoRequest): string {
  const edit = (lines: string[]) => (r.check ? [] : lines);
  return [
    MARKS_SH,
    "command -v apt-config >/dev/null 2>&1 || fail 'apt-config not found on the host: apt_repository edits Debian apt sources only' ''",
    REVERT_SH,
    // Where apt reads its sources (APT_CONFIG may move them), as ansible-core asks apt_pkg.
    'eval "$(apt-config shell SL Dir::Etc::sourcelist/f SP Dir::Etc::sourceparts/d)"',
    'SL=${SL:-/etc/apt/sources.list}; SP=${SP:-/etc/apt/sources.list.d/}',
    `want=${q(r.source)}; target="\${SP%/}"/${q(r.filename)}`,
    'set --; [ -f "$SL" ] && set -- "$SL"; for f in "${SP%/}"/*.list; do [ -f "$f" ] && set -- "$@" "$f"; done',
    `found=$([ $# = 0 ] || awk -v want="$want" ${q(FIND_AWK)} "$@") || fail 'could not read the apt sources' "$found"`,
    'printf \'%s\\n\' "$found" | while IFS= read -r l; do [ -n "$l" ] && printf \'@pw:found %s\\n\' "$l"; done',
    'bak=$(mktemp -d) || fail "mktemp failed" ""; trap \'rm -rf "$bak"\' EXIT',
    'keep() { [ -e "$bak/$(printf %s "$1" | cksum | cut -d" " -f1)" ] || cp -p "$1" "$bak/$(printf %s "$1" | cksum | cut -d" " -f1)"; printf \'%s\\n\' "$1" >>"$bak/list"; }',
    // `rewrite FILE AWK`: the file through awk, in place (mode and owner kept).
    'rewrite() { keep "$1"; t=$(mktemp) && awk -v want="$want" "$2" "$1" >"$t" && cat "$t" >"$1"; rc=$?; rm -f "$t"; [ $rc = 0 ] || fail "could not write $1" ""; }',
    ...(r.state === 'present'
      ? [
        'if printf \'%s\\n\' "$found" | grep -q "$(printf \'\\t1\')\\$"; then :',
        'elif [ -n "$found" ]; then',
        '  mark changed enable',
        ...edit([`  for f in $(printf '%s\\n' "$found" | cut -f1 | sort -u); do rewrite "$f" ${q(ENABLE_AWK)}; done`]),
        'else',
        '  mark changed add',
        ...edit([
          '  if [ -e "$target" ]; then keep "$target"; else printf \'%s\\n\' "$target" >"$bak/new"; fi',
          `  (umask 022; printf '%s\\n' "$want" >>"$target") || fail "could not write $target" ""`,
          ...(r.mode !== undefined ? [`  chmod ${q(r.mode)} "$target" || fail "could not chmod $target" ""`] : []),
        ]),
        'fi',
      ]
      : [
        '[ -z "$found" ] || {',
        '  mark changed remove',
        ...edit([
          `  for f in $(printf '%s\\n' "$found" | cut -f1 | sort -u); do rewrite "$f" ${q(REMOVE_AWK)}; grep -q '[^[:space:]]' "$f" || rm -f "$f"; done`,
        ]),
        '}',
      ]),
    ...(r.updateCache && !r.check
      ? [
        'if [ -s "$bak/list" ] || [ -e "$bak/new" ]; then',
        '  i=0; d=1',
        `  until out=$(apt-get update -q 2>&1); do i=$((i+1)); if [ $i -ge ${Math.max(1, r.retries)} ]; then revert; fail 'Failed to update apt cache' "$out"; fi; sleep $d; d=$((d*2)); [ $d -gt ${r.maxDelay} ] && d=${r.maxDelay}; done`,
        '  mark cache_updated true',
        'fi',
      ]
      : []),
    '',
  ].join('\n');
}

/** awk that enables the `#`-disabled copies of `want` (the same parse as FIND_AWK). */
const ENABLE_AWK = `{
  line = $0; sub(/^[ \\t]+/, "", line)
  if (substr(line, 1, 1) == "#") {
    rest = substr(line, 2); body = rest; cm = ""
    i = index(rest, "#"); if (i > 1) { body = substr(rest, 1, i - 1); cm = substr(rest, i) }
    n = split(body, c, /[ \\t]+/); s = ""
    for (k = 1; k <= n; k++) if (c[k] != "") s = s (s == "" ? "" : " ") c[k]
    if (s == want) { print s (cm == "" ? "" : " " cm); next }
  }
  print
}`;

/** awk that drops the lines holding `want`, enabled or not. */
const REMOVE_AWK = `{
  line = $0; sub(/^[ \\t]+/, "", line)
  if (substr(line, 1, 1) == "#") line = substr(line, 2)
  i = index(line, "#"); if (i > 1) line = substr(line, 1, i - 1)
  n = split(line, c, /[ \\t]+/); s = ""
  for (k = 1; k <= n; k++) if (c[k] != "") s = s (s == "" ? "" : " ") c[k]
  if (s != want) print
}`;

function repoProblem(args: Vars): string | undefined {
  const repo = args.repo;
  if (repo === undefined || repo === null || isTemplated(repo)) return undefined;
  const s = String(repo);
  if (s.trim() === '') return "Please set argument 'repo' to a non-empty value";
  if (s.startsWith('ppa:')) return `PPAs are not supported by playwatch (${s}); give the deb line, or run with --engine ansible`;
  if (!normalSource(s)) return `Invalid repository string: ${s}`;
  const f = args.filename;
  if (typeof f === 'string' && !isTemplated(f) && (f === '' || f.includes('/'))) return `module 'apt_repository': filename is a name in sources.list.d, not a path: ${f}`;
  return undefined;
}

/**
 * `apt_repository`: a `deb`/`deb-src` line in apt's sources
 * (`sources.list` and `sources.list.d/*.list`, where apt-config says they
 * are), found, added to `<filename>.list`, enabled again or removed in one
 * command, then `apt-get update` when anything changed. Keys: `repo`,
 * `state`, `changed`.
 */
export const aptRepositoryModule: Module = {
  name: 'apt_repository',
  supportsCheck: true,
  validate(args: Vars, pos: Pos) {
    checkSpec('apt_repository', REPO_SPEC, args, pos);
    const problem = repoProblem(args);
    if (problem) throw new UserError(`module 'apt_repository': ${problem.replace(/^module 'apt_repository': /, '')}`, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('apt_repository', REPO_SPEC, ctx.args);
    const problem = repoProblem(a);
    if (problem) return { failed: true, changed: false, msg: problem };
    const source = normalSource(a.repo as string)!;
    const mode = a.mode === undefined ? undefined : typeof a.mode === 'number' ? a.mode.toString(8) : String(a.mode);
    const r: RepoRequest = {
      source, state: a.state as RepoRequest['state'], filename: suggestFilename(source, a.filename as string | undefined), mode,
      updateCache: a.update_cache as boolean, retries: a.update_cache_retries as number, maxDelay: a.update_cache_retry_max_delay as number, check: ctx.check,
    };
    const res = await ctx.exec(repoScript(r), { main: true });
    const marks = readMarks(res.stdout);
    const base = { repo: a.repo as string, state: r.state, changed: lastMark(marks, 'changed') !== undefined };
    if (marks.fail) return { ...base, changed: false, failed: true, msg: failMessage(marks.fail) };
    if (res.rc !== 0) return { ...base, changed: false, failed: true, rc: res.rc, msg: `apt_repository script failed (rc ${res.rc}): ${res.stderr.trim()}` };
    return base;
  },
};
