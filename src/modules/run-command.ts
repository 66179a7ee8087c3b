import type { ModuleResult } from '../model/index.js';
import type { ExecResult } from '../transport/types.js';
import type { ModuleContext } from './types.js';
import { ansibleDelta, ansibleTimestamp, splitLines, stripEnds } from './results.js';
import { q, shPath } from './sh.js';

/** What `command`, `shell` and `script` hand to the common runner. */
export interface CommandRun {
  /** The command line to execute (already quoted). */
  line: string;
  /** What the result's `cmd` shows: argv list for command, the string for shell. */
  cmd: string | string[];
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  /** Strip trailing newlines from stdout/stderr (ansible's `strip_empty_ends`). */
  strip: boolean;
  /** Lines run before the command once the checks pass (script: sending the script file). */
  prepare?: string[];
  /** Result keys added to every result (`warnings`). */
  extra?: ModuleResult;
}

/**
 * Runs one command for `command`/`shell`/`script` in one round trip: the
 * script changes to `chdir`, checks `creates`/`removes` (globs, as
 * ansible-core's `glob.glob`), and then `exec`s the command, so a skipped
 * command and a run one cost the same single exec. A skip prints exactly
 * ansible-core's `stdout` for it and exits 0 with nothing on stderr; that
 * is how the result tells it apart (a command printing only that very line
 * would read as skipped). In check mode the script only checks (and is not
 * sent at all when there is nothing to check).
 */
export async function runCommand(ctx: ModuleContext, run: CommandRun): Promise<ModuleResult> {
  const base: ModuleResult = { cmd: run.cmd, ...run.extra };
  const guarded = Boolean(run.creates || run.removes);
  const wouldRun = { ...notRun(base, 'Command would have run if not in check mode'), ...(guarded ? { changed: true } : { skipped: true }) };
  if (ctx.check && !guarded && !run.chdir) return wouldRun;
  const skips = skipChecks(run);
  const script = [...cdLines(run.chdir), ...skips.map((s) => s.line)];
  if (ctx.check) {
    script.push(`printf '%s\\n' ${q(WOULD_RUN)}`);
    const res = await ctx.exec(script.join('\n'));
    const skipped = skipOf(res, skips, true);
    if (skipped) return { ...notRun(base, skipped.msg), stdout: skipped.stdout, stdout_lines: [skipped.stdout] };
    if (res.rc === 0 && res.stdout === `${WOULD_RUN}\n`) return wouldRun;
    return failedBeforeRun(base, res, run.chdir);
  }
  script.push(...(run.prepare ?? []), run.line);
  const startedAt = new Date();
  const res = await ctx.exec(script.join('\n'), run.stdin !== undefined ? { stdin: run.stdin, main: true } : { main: true });
  const endedAt = new Date();
  const skipped = skipOf(res, skips, false);
  if (skipped) return { ...notRun(base, skipped.msg), stdout: skipped.stdout, stdout_lines: [skipped.stdout] };
  if (run.chdir && res.rc === CD_FAILED && res.stderr.startsWith(CD_MESSAGE)) return failedBeforeRun(base, res, run.chdir);
  return {
    ...execResult(res, run.strip),
    ...base,
    start: ansibleTimestamp(startedAt),
    end: ansibleTimestamp(endedAt),
    delta: ansibleDelta(endedAt.getTime() - startedAt.getTime()),
  };
}

const WOULD_RUN = 'playwatch: would run';
const CD_MESSAGE = 'Unable to change directory before execution: ';
/** The exit code of a failed `cd`; the message on stderr makes it certain. */
const CD_FAILED = 111;

function cdLines(chdir: string | undefined): string[] {
  if (!chdir) return [];
  return [`cd -- ${shPath(chdir)} 2>/dev/null || { printf '%s%s\\n' ${q(CD_MESSAGE)} ${q(chdir)} >&2; exit ${CD_FAILED}; }`];
}

interface SkipCheck {
  line: string;
  stdout: string;
  /** `Did not run …`; the check-mode form starts with `Would`. */
  msg: string;
}

/** The `creates` and `removes` checks, in ansible-core's order. */
function skipChecks(run: CommandRun): SkipCheck[] {
  const out: SkipCheck[] = [];
  if (run.creates) {
    const stdout = `skipped, since ${run.creates} exists`;
    out.push({
      stdout,
      msg: `not run command since '${run.creates}' exists`,
      line: `for __pw_f in ${globWord(run.creates)}; do if [ -e "$__pw_f" ] || [ -L "$__pw_f" ]; then printf '%s\\n' ${q(stdout)}; exit 0; fi; done; unset __pw_f`,
    });
  }
  if (run.removes) {
    const stdout = `skipped, since ${run.removes} does not exist`;
    out.push({
      stdout,
      msg: `not run command since '${run.removes}' does not exist`,
      line: `__pw_x=; for __pw_f in ${globWord(run.removes)}; do if [ -e "$__pw_f" ] || [ -L "$__pw_f" ]; then __pw_x=1; break; fi; done\n` +
        `if [ -z "$__pw_x" ]; then printf '%s\\n' ${q(stdout)}; exit 0; fi; unset __pw_f __pw_x`,
    });
  }
  return out;
}

/** The skip the script reported, if any, with ansible-core's msg for the mode. */
function skipOf(res: ExecResult, skips: SkipCheck[], check: boolean): { stdout: string; msg: string } | undefined {
  if (res.rc !== 0 || res.stderr !== '') return undefined;
  const hit = skips.find((s) => res.stdout === `${s.stdout}\n`);
  return hit && { stdout: hit.stdout, msg: `${check ? 'Would' : 'Did'} ${hit.msg}` };
}

/** ansible-core's result for a command that did not run: the always-present keys with nulls. */
function notRun(base: ModuleResult, msg: string): ModuleResult {
  return { changed: false, rc: 0, stdout: '', stdout_lines: [], stderr: '', stderr_lines: [], start: null, end: null, delta: null, msg, ...base };
}

/** The checks themselves failed (chdir missing, a broken shell): failed, the command not run. */
function failedBeforeRun(base: ModuleResult, res: ExecResult, chdir?: string): ModuleResult {
  const why = res.stderr.startsWith(CD_MESSAGE) && chdir
    ? `${CD_MESSAGE}${chdir}: no such directory or not allowed`
    : `could not check creates/removes: ${stripEnds(res.stderr) || `rc ${res.rc}`}`;
  // ansible-core's rc is null here: nothing ran (ModuleResult's rc is typed a number).
  return Object.assign({ ...notRun(base, why), failed: true }, { rc: null });
}

/** Turns an ExecResult into the rc/stdout/stderr part of a module result. */
export function execResult(res: ExecResult, strip: boolean): ModuleResult {
  const stdout = strip ? stripEnds(res.stdout) : res.stdout;
  const stderr = strip ? stripEnds(res.stderr) : res.stderr;
  const out: ModuleResult = {
    changed: true,
    rc: res.rc,
    stdout,
    stderr,
    stdout_lines: splitLines(stdout),
    stderr_lines: splitLines(stderr),
    msg: '',
  };
  if (res.stdoutTruncated ?? res.truncated) out.stdout_truncated = true;
  if (res.stderrTruncated) out.stderr_truncated = true;
  if (res.timedOut) {
    out.failed = true;
    out.msg = 'The command did not finish within the task timeout and was terminated';
  } else if (res.aborted) {
    out.failed = true;
    out.msg = 'The command was terminated because the run was aborted';
  } else if (res.rc !== 0) {
    out.failed = true;
    out.msg = 'non-zero return code';
  }
  return out;
}

/** A path as one shell word that still globs: every character but `* ? [ ]` escaped, a leading `~` kept. */
export function globWord(path: string): string {
  let prefix = '';
  let rest = path;
  if (rest === '~' || rest.startsWith('~/')) {
    prefix = '~';
    rest = rest.slice(1);
  }
  let body = '';
  for (const c of rest) {
    if (/[A-Za-z0-9_*?[\]\/.-]/.test(c)) body += c;
    else if (c === '\n') body += "'\n'"; // a backslash-newline would be a line continuation
    else body += `\\${c}`;
  }
  return prefix + body;
}
