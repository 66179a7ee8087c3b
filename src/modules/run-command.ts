import type { ModuleResult } from '../model/index.js';
import { wrapCommand } from '../transport/command.js';
import type { ExecResult } from '../transport/types.js';
import type { ModuleContext } from './types.js';
import { ansibleDelta, ansibleTimestamp, splitLines, stripEnds } from './results.js';

/** What `command`, `shell` and `raw` hand to the common runner. */
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
}

/**
 * Runs one command for `command`/`shell`: honours `creates`/`removes` (checked
 * on the target, after `chdir`, with globs as ansible does), then executes and
 * builds ansible's result.
 */
export async function runCommand(ctx: ModuleContext, run: CommandRun): Promise<ModuleResult> {
  for (const [path, wantExists] of [[run.creates, true], [run.removes, false]] as const) {
    if (path === undefined || path === '') continue;
    const exists = await pathExists(ctx, path, run.chdir);
    if (typeof exists !== 'boolean') return exists;
    if (exists === wantExists) {
      const what = wantExists ? 'exists' : 'does not exist';
      return {
        changed: false,
        rc: 0,
        cmd: run.cmd,
        stdout: `skipped, since ${path} ${what}`,
        stdout_lines: [`skipped, since ${path} ${what}`],
        stderr: '',
        stderr_lines: [],
        msg: `${ctx.check ? 'Would' : 'Did'} not run command since '${path}' ${what}`,
      };
    }
  }
  const line = run.chdir ? wrapCommand(run.line, { chdir: run.chdir }).command : run.line;
  const startedAt = new Date();
  const res = await ctx.exec(line, run.stdin !== undefined ? { stdin: run.stdin, main: true } : { main: true });
  const endedAt = new Date();
  const result = execResult(res, run.strip);
  return {
    ...result,
    cmd: run.cmd,
    start: ansibleTimestamp(startedAt),
    end: ansibleTimestamp(endedAt),
    delta: ansibleDelta(endedAt.getTime() - startedAt.getTime()),
  };
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

/**
 * Whether a path (glob allowed) exists on the target. Exit codes 10/11 keep
 * "exists"/"missing" apart from a failing `cd`, which returns a failed result.
 */
async function pathExists(ctx: ModuleContext, path: string, chdir?: string): Promise<boolean | ModuleResult> {
  const test = `for f in ${globWord(path)}; do if [ -e "$f" ] || [ -L "$f" ]; then exit 10; fi; done; exit 11`;
  const line = chdir ? wrapCommand(test, { chdir }).command : test;
  const res = await ctx.exec(line);
  if (res.rc === 10) return true;
  if (res.rc === 11) return false;
  return { ...execResult(res, true), failed: true, msg: `could not check whether '${path}' exists: ${stripEnds(res.stderr) || `rc ${res.rc}`}` };
}

/** A path as one shell word that still globs: every character but `* ? [ ]` escaped, a leading `~` kept. */
function globWord(path: string): string {
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
