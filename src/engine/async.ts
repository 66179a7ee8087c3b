import type { ModuleResult, Task, Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import { render } from '../template/index.js';
import type { TaskRef } from '../events/index.js';
import type { ExecResult, Transport } from '../transport/types.js';
import { UnreachableError } from '../transport/types.js';
import {
  newJid,
  parseStatus,
  resultsFile,
  startJobCommand,
  statusCommand,
  type JobStatus,
} from '../transport/async-job.js';
import type { PlayContext } from './context.js';
import { sleep } from './sleep.js';
import { splitLines } from '../modules/results.js';
import { jobFinished, jobLost, jobPolled, jobStarted, jobTimedOut } from './async-jobs.js';

/** ansible-core's default `poll` when a task sets `async` alone. */
export const DEFAULT_POLL = 15;

export interface AsyncSettings {
  limit: number;
  poll: number;
}

/** `async:`/`poll:` of a task, rendered; undefined when the task is not async. */
export function asyncSettings(task: Task, scope: Vars): AsyncSettings | undefined {
  if (task.async === undefined) return undefined;
  const limit = Number(render(task.async, scope, task.pos));
  const poll = task.poll === undefined ? DEFAULT_POLL : Number(render(task.poll, scope, task.pos));
  if (!(limit > 0)) throw new UserError(`async must be a positive number of seconds, got '${task.async}'`, task.pos);
  if (!(poll >= 0)) throw new UserError(`poll must be a number of seconds (0 to not wait), got '${task.poll}'`, task.pos);
  return { limit, poll };
}

export interface AsyncRun {
  pc: PlayContext;
  host: string;
  ref: TaskRef;
  settings: AsyncSettings;
  /** Gets a connected transport (reconnecting after a drop). */
  transport: () => Promise<Transport>;
  /** Forgets the connection after a drop, so the next poll reconnects. */
  dropped: () => void;
  /** The task is `no_log`: the job's output lines stay out of the events. */
  noLog?: boolean;
}

/**
 * How an async job ended for the module call. `exec` is what the module
 * sees from its main command (and what `host.command` reports). `done`:
 * the job ran to its end and `exec` is its output; `fields` (job id,
 * `started`, `finished`, `results_file`) are added to the module's result.
 * `result`: the task's result is this, whatever the module would have made
 * of `exec` (`poll: 0` started the job; or it ended without a result of its
 * own: time budget spent, killed, vanished, never started).
 */
export type AsyncOutcome =
  | { kind: 'done'; exec: ExecResult; fields: ModuleResult }
  | { kind: 'result'; exec: ExecResult; result: ModuleResult };

/** What the module sees from a job that left no output of its own. */
const NO_OUTPUT: ExecResult = { rc: -1, stdout: '', stderr: '', truncated: false, timedOut: false };

/**
 * Runs a module's main command as a detached job on the target and, unless
 * `poll: 0`, polls it with short commands (a fresh channel each time) until
 * it ends. A poll lost to a dropped connection is retried until the async
 * budget is spent.
 */
export async function runAsyncJob(run: AsyncRun, command: string, stdin?: string): Promise<AsyncOutcome> {
  const { pc, host, ref, settings } = run;
  const jid = newJid();
  const start = startJobCommand(jid, settings.limit, command, stdin !== undefined, pc.opts.runMeta.runId);
  const started = await (await run.transport()).exec(start, stdin !== undefined ? { timeoutMs: 30_000, stdin } : { timeoutMs: 30_000 });
  if (started.rc !== 0) {
    return { kind: 'result', exec: started, result: { failed: true, changed: false, rc: started.rc, msg: `could not start the async job: ${started.stderr.trim()}` } };
  }
  const base = { ansible_job_id: jid, started: 1, results_file: resultsFile(jid) };
  const st = pc.hosts.get(host)!;
  jobStarted(st, jid, ref, settings.limit, run.noLog === true);
  pc.opts.emit({ type: 'async.start', task: ref, host, jid, limit: settings.limit, poll: settings.poll });
  // ansible-core's async start result, `failed: 0` and all.
  if (settings.poll === 0) return { kind: 'result', exec: started, result: { ...base, finished: 0, failed: 0, changed: true } };
  const polled = await pollUntilDone(run, jid);
  if (polled.kind === 'ended') return { kind: 'result', exec: NO_OUTPUT, result: polled.result };
  const status = polled.status;
  const exec: ExecResult = { rc: status.rc ?? -1, stdout: status.stdout ?? '', stderr: status.stderr ?? '', truncated: Boolean(status.truncated), timedOut: false };
  jobFinished(pc.opts.emit, st, ref, jid, status);
  if (status.timedOut) return { kind: 'result', exec, result: timeoutResult(jid, settings.limit, exec) };
  if (status.junk) return { kind: 'result', exec, result: junkResult(jid, status.junk, exec) };
  return { kind: 'done', exec, fields: { ...base, finished: 1 } };
}

/**
 * ansible-core's result for a job that outlived `async`: the last status
 * it read sits under `async_result` (here with what the job printed).
 */
function timeoutResult(jid: string, limit: number, out?: ExecResult): ModuleResult {
  const stdout = out?.stdout ?? '';
  const stderr = out?.stderr ?? '';
  return {
    failed: true,
    changed: false,
    msg: `async task did not complete within the requested time - ${limit}s`,
    async_result: {
      ansible_job_id: jid,
      started: 1,
      finished: 0,
      results_file: resultsFile(jid),
      stdout,
      stderr,
      stdout_lines: splitLines(stdout),
      stderr_lines: splitLines(stderr),
    },
  };
}

/** A job whose status file holds no exit code: failed, its outcome unknown, what it printed kept. */
export function junkResult(jid: string, junk: string, out: ExecResult): ModuleResult {
  return {
    failed: true,
    changed: false,
    ansible_job_id: jid,
    rc: -1,
    stdout: out.stdout,
    stderr: out.stderr,
    stdout_lines: splitLines(out.stdout),
    stderr_lines: splitLines(out.stderr),
    msg: `async job ${jid}: the job's status file is not its own (${junk}): whether it succeeded is unknown`,
  };
}

type Polled = { kind: 'finished'; status: JobStatus } | { kind: 'ended'; result: ModuleResult };

async function pollUntilDone(run: AsyncRun, jid: string): Promise<Polled> {
  const { pc, host, ref, settings } = run;
  const control = pc.opts.control;
  const st = pc.hosts.get(host)!;
  const began = Date.now();
  // A little grace past the limit lets the watchdog record the timeout first.
  const deadline = began + (settings.limit + 3) * 1000;
  const ended = (msg: string): Polled => ({ kind: 'ended', result: { failed: true, changed: false, ansible_job_id: jid, msg } });
  for (;;) {
    const wait = Math.min(settings.poll * 1000, Math.max(0, deadline - Date.now()));
    await sleep(wait, control.signalFor(host));
    if (control.killed) {
      jobLost(pc.opts.emit, st, ref, jid, 'killed');
      return ended('the async job was killed by the operator');
    }
    let status: JobStatus | undefined;
    try {
      // A finished job's output comes back and its files go, all in this one command.
      status = parseStatus(await (await run.transport()).exec(statusCommand(jid, { cleanup: true, lastLine: true }), { timeoutMs: 30_000 }));
    } catch (err) {
      // A dropped connection: try again at the next poll, within the budget.
      if (!(err instanceof UnreachableError)) throw err;
      run.dropped();
    }
    if (status?.missing) {
      jobLost(pc.opts.emit, st, ref, jid, 'missing');
      return ended(`async job ${jid} disappeared from ${host}`);
    }
    if (status) {
      // The read that sees the end is told by async.done alone (as ansible shows ASYNC OK, not another ASYNC POLL).
      if (status.finished) return { kind: 'finished', status };
      jobPolled(pc.opts.emit, st, ref, jid, status, settings.poll, run.noLog);
    }
    if (Date.now() >= deadline) {
      // No status said so, but the watchdog on the target ends the job at its limit.
      jobTimedOut(pc.opts.emit, st, ref, jid);
      return { kind: 'ended', result: timeoutResult(jid, settings.limit) };
    }
  }
}
