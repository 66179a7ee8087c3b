import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { isTemplated } from './args.js';
import { failMessage, lastMark, MARKS_SH, readMarks } from './marks.js';
import { isPresent, parseRequirement, recoverNames, splitWords, type Requirement } from './pip-spec.js';
import { splitLines } from './results.js';
import { q, shPath } from './sh.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `pip` options (`ansible-doc -j pip`). */
export const PIP_SPEC: ArgSpec = {
  options: {
    state: { type: 'str', default: 'present', choices: ['present', 'absent', 'latest', 'forcereinstall'] },
    name: { type: 'list', elements: 'str' },
    version: { type: 'str' },
    requirements: { type: 'str' },
    virtualenv: { type: 'path' },
    virtualenv_site_packages: { type: 'bool', default: false },
    virtualenv_command: { type: 'path', default: 'virtualenv' },
    virtualenv_python: { type: 'str' },
    extra_args: { type: 'str' },
    editable: { type: 'bool', default: false },
    chdir: { type: 'path' },
    executable: { type: 'path' },
    umask: { type: 'str' },
  },
  requiredOneOf: [['name', 'requirements']],
  mutuallyExclusive: [['name', 'requirements'], ['executable', 'virtualenv']],
};

const STATE_WORDS: Record<string, string[]> = {
  present: ['install'], absent: ['uninstall', '-y'], latest: ['install', '-U'], forcereinstall: ['install', '-U', '--force-reinstall'],
};

/** ansible-core's run-time refusals, checked at load where the values are literal. */
function pipProblem(a: Vars): string | undefined {
  const names = recoverNames((Array.isArray(a.name) ? a.name : typeof a.name === 'string' ? [a.name] : []).map(String));
  if (a.version !== undefined && a.version !== null && !isTemplated(a.version)) {
    if (names.length > 1) return "'version' argument is ambiguous when installing multiple package distributions. Please specify version restrictions next to each package in 'name' argument.";
    const only = names[0];
    if (typeof only === 'string' && !isTemplated(only) && parseRequirement(only)?.specs.length) {
      return "The 'version' argument conflicts with any version specifier provided along with a package name. Please keep the version specifier, but remove the 'version' argument.";
    }
  }
  if (typeof a.umask === 'string' && !isTemplated(a.umask) && !/^[0-7]{1,4}$/.test(a.umask)) return `umask must be an octal integer: ${a.umask}`;
  const cmd = a.virtualenv_command;
  if (a.virtualenv_python !== undefined && typeof cmd === 'string' && /pyvenv|-m venv/.test(cmd)) {
    return 'virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command';
  }
  return undefined;
}

interface PipPlan {
  words: string[];
  reqs: Requirement[];
  a: Vars;
  check: boolean;
}

/** sh that sets `pipc` to the pip to use: the virtualenv's (made first when missing), `executable`, or the host's pip3 / python3 -m pip. */
function pipLines(p: PipPlan): string[] {
  const a = p.a;
  if (a.virtualenv !== undefined) {
    const cmd = splitWords(a.virtualenv_command as string);
    const extra = [
      ...(a.virtualenv_site_packages ? ['--system-site-packages'] : []),
      ...(a.virtualenv_python !== undefined ? [`-p${a.virtualenv_python as string}`] : []),
    ];
    return [
      `V=${shPath(a.virtualenv as string)}`,
      'if [ ! -e "$V/bin/activate" ]; then',
      `  mark changed virtualenv; ${p.check ? 'exit 0' : 'mark venv_created yes'}`,
      `  command -v ${q(cmd[0] ?? 'virtualenv')} >/dev/null 2>&1 || fail ${q(`Failed to find required executable "${cmd[0]}" in paths: `)}"$PATH" ""`,
      `  out=$(${[...cmd, ...extra].map(q).join(' ')} "$V" 2>&1) || fail "Failed to create the virtualenv $V" "$out"`,
      'fi',
      'PATH="$V/bin:$PATH"; P=',
      'for b in pip3 pip; do [ -x "$V/bin/$b" ] && { P="$V/bin/$b"; break; }; done',
      '[ -n "$P" ] || fail "Unable to find pip in the virtualenv, $V, under any of these names: pip3, pip. Make sure pip is present in the virtualenv." ""',
      'pipc() { "$P" "$@"; }',
    ];
  }
  if (a.executable !== undefined) {
    const exe = a.executable as string;
    return [`P=$(command -v ${q(exe)}) || fail ${q(`Unable to find any of ${exe} to use.  pip needs to be installed.`)} ""`, 'pipc() { "$P" "$@"; }'];
  }
  return [
    'if P=$(command -v pip3); then pipc() { "$P" "$@"; }',
    'elif command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then pipc() { python3 -m pip "$@"; }',
    "else fail 'Unable to find any of pip3 to use.  pip needs to be installed (nor does python3 -m pip work).' ''; fi",
  ];
}

/** The one script: find (or make) pip, then list what is installed (check mode) or run pip and say whether it changed anything. */
export function pipScript(p: PipPlan): string {
  const a = p.a;
  const lines = [
    MARKS_SH,
    'export PIP_DISABLE_PIP_VERSION_CHECK=1 LANG=C.UTF-8 LC_ALL=C.UTF-8',
    ...(a.umask !== undefined ? [`umask ${a.umask as string}`] : []),
    // ansible-core runs pip in a temporary directory unless told otherwise.
    `cd ${a.chdir !== undefined ? shPath(a.chdir as string) : '"${TMPDIR:-/tmp}"'} || fail "could not change to the directory" ""`,
    ...pipLines(p),
    'frz() { pipc list --format=freeze 2>/dev/null || pipc freeze; }',
  ];
  const early = p.check && (a.extra_args !== undefined || a.requirements !== undefined || a.state === 'latest');
  if (p.check) {
    lines.push(early ? 'mark changed guess' : "frz | while IFS= read -r l; do printf '@pw:frz %s\\n' \"$l\"; done");
    return `${lines.join('\n')}\n`;
  }
  const diffRun = a.requirements !== undefined;
  lines.push(
    'o=$(mktemp) && e=$(mktemp) || fail "mktemp failed" ""; trap \'rm -f "$o" "$e"\' EXIT',
    ...(diffRun ? ['before=$(frz)'] : []),
    `pipc ${p.words.map(q).join(' ')} >"$o" 2>"$e"; rc=$?`,
    'if [ $rc != 0 ]; then',
    `  ${a.state === 'absent' ? 'if [ $rc = 1 ] && grep -q "not installed" "$o" "$e"; then :; else mark rc $rc; fail "$(printf \'stdout: %s\\n\\n:stderr: %s\' "$(cat "$o")" "$(cat "$e")")" ""; fi' : 'mark rc $rc; fail "$(printf \'stdout: %s\\n\\n:stderr: %s\' "$(cat "$o")" "$(cat "$e")")" ""'}`,
    'fi',
    a.state === 'absent' ? 'grep -q "Successfully uninstalled" "$o" && mark changed uninstalled'
      : diffRun ? '[ "$(frz)" = "$before" ] || mark changed requirements'
        : 'grep -q "Successfully installed" "$o" && mark changed installed',
    'printf \'@pw:section stdout\\n\'; cat "$o"; printf \'@pw:section stderr\\n\'; cat "$e"',
  );
  return `${lines.join('\n')}\n`;
}

/** pip's command words after `pip`: the state's verb, extra_args, the packages or `-r requirements`. */
function commandWords(a: Vars, reqs: Requirement[], names: string[]): string[] {
  let extra = a.extra_args !== undefined ? splitWords(a.extra_args as string) : [];
  if (a.editable && !extra.includes('-e')) extra = [...extra, '-e'];
  const targets = names.length ? names.map((n, i) => reqs[i]?.text ?? n) : ['-r', a.requirements as string];
  return [...STATE_WORDS[a.state as string], ...extra, ...targets];
}

/**
 * `pip`: the one module that uses what the target already has (its pip,
 * or a virtualenv it makes), in one command; ansible-core's rules for
 * what counts as a change (pip's own "Successfully installed", a
 * different `pip list` for requirements) and, in check mode, its
 * `_is_present` over `pip list --format=freeze`.
 */
export const pipModule: Module = {
  name: 'pip',
  supportsCheck: true,
  validate(args: Vars, pos: Pos) {
    checkSpec('pip', PIP_SPEC, args, pos);
    const problem = pipProblem(args);
    if (problem) throw new UserError(`module 'pip': ${problem}`, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('pip', PIP_SPEC, ctx.args);
    const problem = pipProblem(a);
    if (problem) return { failed: true, changed: false, msg: problem };
    const names = recoverNames((a.name as string[] | undefined) ?? []);
    const reqs = names.map((n, i) => parseRequirement(n, i === 0 ? (a.version as string | undefined) : undefined)).filter((r): r is Requirement => r !== undefined);
    const words = commandWords(a, names.length === reqs.length ? reqs : [], names);
    const res = await ctx.exec(pipScript({ words, reqs, a, check: ctx.check }), { main: true });
    const [head, ...rest] = res.stdout.split(/^@pw:section stdout\n/m);
    const marks = readMarks(head);
    if (marks.fail) {
      const rc = lastMark(marks, 'rc');
      return { failed: true, changed: false, cmd: ['pip', ...words], msg: failMessage(marks.fail), ...(rc ? { rc: Number(rc) } : {}) };
    }
    if (res.rc !== 0) return { failed: true, changed: false, rc: res.rc, msg: `pip script failed (rc ${res.rc}): ${res.stderr.trim()}` };
    const changed = marks.values.has('changed');
    if (ctx.check) {
      if (changed) return { changed: true };
      const freeze = marks.values.get('frz') ?? [];
      const want = a.state === 'present' || a.state === 'absent';
      // A name pip's spec does not cover (a URL, a path) cannot be predicted: counted as a change, as pip would fetch it.
      const differs = want && (reqs.length < names.length || reqs.some((r) => isPresent(r, freeze) !== (a.state === 'present')));
      return { changed: differs, cmd: 'pip list --format=freeze', stdout: freeze.join('\n') + (freeze.length ? '\n' : ''), stderr: '' };
    }
    const [o, e = ''] = rest.join('').split(/^@pw:section stderr\n/m);
    return {
      changed, cmd: ['pip', ...words], name: a.name ?? null, version: a.version ?? null, state: a.state,
      requirements: a.requirements ?? null, virtualenv: a.virtualenv ?? null,
      stdout: o, stderr: e, stdout_lines: splitLines(o), stderr_lines: splitLines(e),
    };
  },
};
