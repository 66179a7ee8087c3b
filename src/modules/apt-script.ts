/**
 * What `apt` does, as one `sh` script in ansible-core 2.14's order: the
 * cache (update when asked and older than `cache_valid_time`), `upgrade`,
 * `deb`, the named packages, `autoremove`. What is installed is read with
 * `dpkg-query -W`; `latest`, `upgrade` and `autoremove` ask apt-get's own
 * simulation (`-s`), whose `Inst`/`Remv` lines say whether anything would
 * change. In check mode nothing is changed, so `--check` predicts the real
 * run and a second run only reads.
 */
import type { ModuleResult } from '../model/index.js';
import { failMessage, lastMark, MARKS_SH, readMarks } from './marks.js';
import { splitLines } from './results.js';
import { q } from './sh.js';

export type AptState = 'present' | 'absent' | 'latest' | 'fixed';

export interface AptRequest {
  /** `name` or `name=version` (the version may end in `*`). */
  packages: string[];
  state: AptState;
  /** Seconds; undefined when the cache is not to be updated. */
  cacheValidTime?: number;
  updateRetries: number;
  updateRetryMaxDelay: number;
  deb?: string;
  autoremove: boolean;
  installRecommends?: boolean;
  purge: boolean;
  force: boolean;
  onlyUpgrade: boolean;
  allowDowngrade: boolean;
  allowUnauthenticated: boolean;
  allowChangeHeld: boolean;
  failOnAutoremove: boolean;
  defaultRelease?: string;
  dpkgOptions: string;
  upgrade: 'no' | 'yes' | 'safe' | 'full' | 'dist';
  clean: boolean;
  autoclean: boolean;
  lockTimeout: number;
  check: boolean;
}

/** `name=version` → [name, version]; a bare name has no version. */
export function splitPackage(spec: string): [string, string | undefined] {
  const i = spec.indexOf('=');
  return i < 0 ? [spec, undefined] : [spec.slice(0, i), spec.slice(i + 1)];
}

/** `force-confdef,force-confold` → the `-o "Dpkg::Options::=--…"` words apt-get takes. */
function dpkgOptionWords(opts: string): string[] {
  return opts.split(',').map((o) => o.trim()).filter(Boolean).map((o) => `-o ${q(`Dpkg::Options::=--${o}`)}`);
}

/** apt-get waits this long for another apt or dpkg to let go of its lock (ansible-core's `lock_timeout`). */
function lockWord(r: AptRequest): string {
  return `-o DPkg::Lock::Timeout=${r.lockTimeout}`;
}

/** The apt-get command that installs `packages` (a shell word list), as ansible-core builds it. */
export function installCommand(r: AptRequest, simulate: boolean): string {
  return [
    'apt-get -y', lockWord(r), ...dpkgOptionWords(r.dpkgOptions),
    r.onlyUpgrade ? '--only-upgrade' : '', r.state === 'fixed' ? '--fix-broken' : '', r.force ? '--force-yes' : '',
    r.autoremove ? '--auto-remove' : '', r.failOnAutoremove ? '--no-remove' : '', simulate ? '--simulate' : '',
    'install "$@"',
    r.defaultRelease ? `-t ${q(r.defaultRelease)}` : '',
    r.installRecommends === false ? '-o APT::Install-Recommends=no' : r.installRecommends === true ? '-o APT::Install-Recommends=yes' : '',
    r.allowUnauthenticated ? '--allow-unauthenticated' : '', r.allowDowngrade ? '--allow-downgrades' : '',
    r.allowChangeHeld ? '--allow-change-held-packages' : '',
  ].filter(Boolean).join(' ');
}

/** The apt-get command that removes `packages`. */
export function removeCommand(r: AptRequest, simulate: boolean): string {
  return ['apt-get -q -y', lockWord(r), ...dpkgOptionWords(r.dpkgOptions), r.purge ? '--purge' : '', r.force ? '--force-yes' : '',
    r.autoremove ? '--auto-remove' : '', simulate ? '--simulate' : '', 'remove "$@"'].filter(Boolean).join(' ');
}

/** The cache part: update when asked and the cache is older than the valid time, with ansible-core's retries. */
function cacheLines(r: AptRequest): string[] {
  const lines = [
    // The cache's age as ansible-core 2.14 reads it: these two paths, whatever APT_CONFIG says.
    'stamp=/var/lib/apt/periodic/update-success-stamp; L=/var/lib/apt/lists',
    'mtime() { if [ -e "$stamp" ]; then stat -c %Y "$stamp"; elif [ -d "$L" ]; then stat -c %Y "$L"; else echo 0; fi; }',
    't0=$(mtime)',
  ];
  if (r.cacheValidTime !== undefined) {
    const update = r.check
      ? ['  mark cache_updated true']
      : [
        '  i=0; d=1',
        `  until out=$(apt-get update -q 2>&1); do i=$((i+1)); [ $i -ge ${Math.max(1, r.updateRetries)} ] && fail 'Failed to update apt cache' "$out"; sleep $d; d=$((d*2)); [ $d -gt ${r.updateRetryMaxDelay} ] && d=${r.updateRetryMaxDelay}; done`,
        '  t1=$(mtime); [ "$t1" != "$t0" ] && mark cache_updated true; t0=$t1',
      ];
    lines.push(`if [ $((t0 + ${r.cacheValidTime})) -lt "$(date +%s)" ]; then`, ...update, 'fi');
  }
  lines.push('mark cache_update_time "$t0"');
  return lines;
}

/**
 * `run CMD…`: the action, its output kept for the result; fails with
 * ansible-core's "'cmd' failed: stderr". In check mode the caller passes
 * the simulated command, which is safe to run.
 */
const RUN_SH = [
  'o=$(mktemp) && e=$(mktemp) || fail "mktemp failed" ""',
  'trap \'rm -f "$o" "$e"\' EXIT',
  'run() { desc=$1; shift; mark ran "$desc"; "$@" >"$o" 2>"$e"; rc=$?; if [ $rc != 0 ]; then mark rc $rc; fail "\'$desc\' failed" "$(cat "$e")"; fi; }',
].join('\n');

/** `installed PKG`: its version when dpkg has it installed, else fails (`hi` is held, still installed). */
const INSTALLED_SH = [
  "installed() { s=$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' -- \"$1\" 2>/dev/null) || return 1; case \"$s\" in ii*|hi*) v=${s#???}; return 0 ;; esac; return 1; }",
  // Left by a removal without purge: what `purge` still has to do.
  "hasconf() { s=$(dpkg-query -W -f='${db:Status-Abbrev}' -- \"$1\" 2>/dev/null) && case \"$s\" in rc*) return 0 ;; esac; return 1; }",
].join('\n');

function debLines(r: AptRequest): string[] {
  const deb = r.deb!;
  const remote = /^[a-z]+:\/\//i.test(deb);
  const lines = remote
    ? [
      `url=${q(deb)}; deb=$(mktemp --suffix=.deb) || fail "mktemp failed" ""`,
      'trap \'rm -f "$o" "$e" "$deb"\' EXIT',
      'if command -v curl >/dev/null 2>&1; then out=$(curl -fsSL -o "$deb" "$url" 2>&1); elif command -v wget >/dev/null 2>&1; then out=$(wget -q -O "$deb" "$url" 2>&1); else out="the host has neither curl nor wget"; false; fi || fail "Failure downloading $url" "$out"',
    ]
    : [`deb=${q(deb)}`, '[ -f "$deb" ] || fail "Unable to install package: the deb file $deb does not exist on the host" ""'];
  return [
    ...lines,
    'p=$(dpkg-deb -f "$deb" Package 2>&1) && dv=$(dpkg-deb -f "$deb" Version 2>&1) || fail "Unable to install package: $deb is not a .deb file" "$p"',
    'mark deb_package "$p"',
    `if ! installed "$p" || [ "$v" != "$dv" ]; then mark changed deb; ${r.check ? ':' : `run "dpkg ${dpkgFlags(r.dpkgOptions).replace(/'/g, '')} -i $deb" dpkg ${dpkgFlags(r.dpkgOptions)} -i "$deb"`}; fi`,
  ];
}

/** `force-confdef,force-confold` → `--force-confdef --force-confold` for dpkg itself. */
function dpkgFlags(opts: string): string {
  return opts.split(',').map((o) => o.trim()).filter(Boolean).map((o) => q(`--${o}`)).join(' ');
}

/** The named packages: which to install or remove, decided from dpkg-query (and apt-get's simulation for latest). */
function packageLines(r: AptRequest): string[] {
  const lines = ['set --'];
  for (const spec of r.packages) {
    const [name, version] = splitPackage(spec);
    const n = q(name);
    const vmatch = version === undefined ? '' : ` && case "$v" in ${globWord(version)}) true ;; *) false ;; esac`;
    if (r.state === 'absent') {
      lines.push(`if { installed ${n}${vmatch}; }${r.purge ? ` || hasconf ${n}` : ''}; then set -- "$@" ${n}; fi`);
    } else if (r.state === 'latest') {
      lines.push(`set -- "$@" ${q(spec)}`);
    } else {
      lines.push(`{ installed ${n}${vmatch}; }${r.onlyUpgrade ? ` || ! installed ${n}` : ''} || set -- "$@" ${q(spec)}`);
    }
  }
  const cmd = (simulate: boolean) => (r.state === 'absent' ? removeCommand(r, simulate) : installCommand(r, simulate));
  const desc = (simulate: boolean) => `${cmd(simulate).replace(' "$@"', '')} $*`;
  if (r.state === 'latest') {
    // apt-get says what it would do: any Inst/Remv line is a change.
    lines.push(
      `[ $# = 0 ] || { run "${desc(true)}" ${cmd(true)}; grep -q '^\\(Inst\\|Remv\\) ' "$o" && { mark changed packages; ${r.check ? ':' : `run "${desc(false)}" ${cmd(false)}`}; }; }`,
    );
  } else {
    lines.push(`[ $# = 0 ] || { mark changed packages; run "${desc(r.check)}" ${cmd(r.check)}; }`);
  }
  return lines;
}

/** A version pattern as a sh `case` word: `*` stays a wildcard, everything else is literal. */
function globWord(version: string): string {
  return version.split('*').map((part) => (part === '' ? '' : q(part))).join('*') || "''";
}

/** `apt-get -s VERB`, then the real one when the simulation changes anything. */
function simulatedLines(desc: string, words: string, check: boolean): string {
  return `run "apt-get -s ${desc}" apt-get -s ${words}; if grep -q '^\\(Inst\\|Remv\\) ' "$o"; then mark changed ${desc.split(' ')[0]}; ${check ? ':' : `run "apt-get -y ${desc}" apt-get -y ${words}`}; fi`;
}

const UPGRADE_VERB: Record<AptRequest['upgrade'], string> = { no: '', yes: 'upgrade --with-new-pkgs', safe: 'upgrade --with-new-pkgs', full: 'dist-upgrade', dist: 'dist-upgrade' };

/** Stops on a host without apt-get, naming the package manager it has instead. */
export const NO_APT_SH = [
  'if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then',
  '  has=; for m in dnf yum zypper apk pacman; do command -v $m >/dev/null 2>&1 && { has=" (it has $m)"; break; }; done',
  '  fail "apt-get not found on the host$has: apt drives Debian\'s apt and dpkg only" ""',
  'fi',
].join('\n');

/** The whole script for `apt`. */
export function aptScript(r: AptRequest): string {
  const lines = [
    MARKS_SH,
    NO_APT_SH,
    'export DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical LC_ALL=C LANG=C',
    RUN_SH,
    INSTALLED_SH,
  ];
  if (!r.check && r.clean) lines.push('out=$(apt-get clean 2>&1) || fail "apt-get clean failed" "$out"');
  if (!r.check && r.autoclean) lines.push('out=$(apt-get autoclean 2>&1) || fail "apt-get autoclean failed" "$out"');
  lines.push(...cacheLines(r));
  if (r.upgrade !== 'no') lines.push(simulatedLines(UPGRADE_VERB[r.upgrade], UPGRADE_VERB[r.upgrade], r.check));
  if (r.deb !== undefined) lines.push(...debLines(r));
  if (r.packages.length) lines.push(...packageLines(r));
  else if (r.autoremove) lines.push(simulatedLines(`autoremove${r.purge ? ' --purge' : ''}`, `autoremove${r.purge ? ' --purge' : ''}`, r.check));
  lines.push('[ -z "${desc:-}" ] || { printf \'@pw:section stdout\\n\'; cat "$o"; printf \'@pw:section stderr\\n\'; cat "$e"; }');
  return `${lines.join('\n')}\n`;
}

/** The module result: ansible-core's keys (`cache_updated`, `cache_update_time`, and `stdout`/`stderr` of the last apt command). */
export function aptResult(stdout: string): ModuleResult {
  const [head, ...rest] = stdout.split(/^@pw:section stdout\n/m);
  const marks = readMarks(head);
  const out: ModuleResult = {
    changed: (marks.values.get('changed') ?? []).length > 0 || lastMark(marks, 'cache_updated') === 'true',
    cache_updated: lastMark(marks, 'cache_updated') === 'true',
    cache_update_time: Number(lastMark(marks, 'cache_update_time') ?? 0),
  };
  if (marks.fail) {
    const rc = lastMark(marks, 'rc');
    return { ...out, changed: false, failed: true, msg: failMessage(marks.fail), ...(rc ? { rc: Number(rc) } : {}) };
  }
  if (rest.length) {
    const [o, e = ''] = rest.join('').split(/^@pw:section stderr\n/m);
    Object.assign(out, { stdout: o, stderr: e, stdout_lines: splitLines(o), stderr_lines: splitLines(e) });
  }
  return out;
}
