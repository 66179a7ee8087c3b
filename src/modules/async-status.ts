import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { cleanupCommand, parseStatus, resultsFile, statusCommand, validJid, type JobStatus } from '../transport/async-job.js';
import { checkArgs, isTemplated, optString } from './args.js';
import { ansibleDelta, ansibleTimestamp, splitLines, stripEnds } from './results.js';
import type { Module, ModuleContext } from './types.js';

const SPEC = { jid: 'str', mode: 'str' } as const;

/** `async_status: jid=…`: the state of a job started with `async:`/`poll: 0`. */
export const asyncStatusModule: Module = {
  name: 'async_status',
  supportsCheck: true,
  validate(args: Vars, pos: Pos) {
    checkArgs('async_status', args, pos, SPEC);
    if (args.jid === undefined) throw new UserError(`module 'async_status' needs 'jid'`, pos);
    const mode = args.mode;
    if (mode !== undefined && !isTemplated(mode) && mode !== 'status' && mode !== 'cleanup') {
      throw new UserError(`module 'async_status': 'mode' must be 'status' or 'cleanup', got '${String(mode)}'`, pos);
    }
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const jid = optString(ctx.args.jid) ?? '';
    if (!validJid(jid)) return { failed: true, changed: false, msg: `not a valid job id: '${jid}'` };
    // The shapes below are ansible-core 2.14's, down to `started: 0` after a cleanup.
    if ((ctx.args.mode ?? 'status') === 'cleanup') {
      await ctx.exec(cleanupCommand(jid));
      ctx.jobSeen?.(jid, { mode: 'cleanup' });
      return { ansible_job_id: jid, erased: resultsFile(jid), started: 0, finished: 0, changed: false, ...NO_OUTPUT };
    }
    const status = parseStatus(await ctx.exec(statusCommand(jid, { lastLine: true })));
    ctx.jobSeen?.(jid, { mode: 'status', status });
    const base = { ansible_job_id: jid, started: 1, results_file: resultsFile(jid) };
    if (status.missing) return { ...base, failed: true, finished: 1, changed: false, msg: 'could not find job', ...NO_OUTPUT };
    if (!status.finished) return { ...base, finished: 0, changed: false, ...NO_OUTPUT };
    if (status.junk) return { ...base, failed: true, finished: 1, changed: false, rc: -1, msg: `the job's status file is not its own (${status.junk}): whether it succeeded is unknown`, ...NO_OUTPUT };
    return { ...base, ...finishedResult(status.rc ?? -1, status) };
  },
};

const NO_OUTPUT = { stdout: '', stderr: '', stdout_lines: [], stderr_lines: [] };

function finishedResult(rc: number, s: JobStatus): ModuleResult {
  const stdout = stripEnds(s.stdout ?? '');
  const stderr = stripEnds(s.stderr ?? '');
  const start = s.startEpoch !== undefined ? new Date(s.startEpoch * 1000) : undefined;
  const end = s.endEpoch !== undefined ? new Date(s.endEpoch * 1000) : undefined;
  const result: ModuleResult = {
    finished: 1,
    changed: true,
    rc,
    stdout,
    stderr,
    stdout_lines: splitLines(stdout),
    stderr_lines: splitLines(stderr),
    msg: '',
  };
  if (start) result.start = ansibleTimestamp(start);
  if (end) result.end = ansibleTimestamp(end);
  if (start && end) result.delta = ansibleDelta(end.getTime() - start.getTime());
  if (s.timedOut) {
    result.failed = true;
    result.msg = 'Timeout exceeded';
  } else if (rc !== 0) {
    result.failed = true;
    result.msg = 'non-zero return code';
  }
  return result;
}
