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

/** ansible-core's default `poll` when a task sets `async` alone. */
export const DEFAULT_POLL = 15;

/** `poll: 0`: the job was started; the task's result says so at once. */
export class AsyncStarted {
  constructor(readonly result: ModuleResult) {}
}

/** The job ended without a result of its own (time budget spent, killed, vanished). */
export class AsyncFailed {
  constructor(readonly result: ModuleResult) {}
}

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
}

/**
 * Runs a module's main command as a detached job on the target and, unless
 * `poll: 0`, polls it with short commands (a fresh channel each time) until
 * it ends. A poll lost to a dropped connection is retried until the async
 * budget is spent. Returns what the command's ExecResult would have been.
 */
export async function runAsyncJob(run: AsyncRun, command: string): Promise<ExecResult> {
  const { pc, host, ref, settings } = run;
  const jid = newJid();
  const started = await (await run.transport()).exec(startJobCommand(jid, settings.limit, command), { timeoutMs: 30_000 });
  if (started.rc !== 0) {
    return { rc: started.rc, stdout: '', stderr: `could not start the async job: ${started.stderr.trim()}`, truncated: false, timedOut: false };
  }
  const st = pc.hosts.get(host)!;
  st.asyncJobs.set(jid, { task: ref.name });
  pc.opts.emit({ type: 'async.start', task: ref, host, jid, limit: settings.limit, poll: settings.poll });
  if (settings.poll === 0) {
    throw new AsyncStarted({ ansible_job_id: jid, started: 1, finished: 0, results_file: resultsFile(jid), changed: true });
  }
  const status = await pollUntilDone(run, jid);
  st.asyncJobs.delete(jid);
  const out: ExecResult = { rc: status.rc ?? -1, stdout: status.stdout ?? '', stderr: status.stderr ?? '', truncated: Boolean(status.truncated), timedOut: false };
  const duration = (status.endEpoch ?? status.nowEpoch) - (status.startEpoch ?? status.nowEpoch);
  pc.opts.emit({ type: 'async.done', task: ref, host, jid, rc: status.rc ?? -1, duration, timedOut: status.timedOut });
  if (status.timedOut) throw new AsyncFailed(timeoutResult(jid, settings.limit, out));
  return { ...out, rc: status.rc ?? -1 };
}

function timeoutResult(jid: string, limit: number, out?: ExecResult): ModuleResult {
  return {
    failed: true,
    changed: false,
    ansible_job_id: jid,
    msg: `async task did not complete within the requested time - ${limit}s`,
    ...(out ? { stdout: out.stdout, stderr: out.stderr } : {}),
  };
}

async function pollUntilDone(run: AsyncRun, jid: string): Promise<JobStatus> {
  const { pc, host, ref, settings } = run;
  const control = pc.opts.control;
  const began = Date.now();
  // A little grace past the limit lets the watchdog record the timeout first.
  const deadline = began + (settings.limit + 3) * 1000;
  for (let polls = 1; ; polls++) {
    const wait = Math.min(settings.poll * 1000, Math.max(0, deadline - Date.now()));
    await sleep(wait, control.signal);
    if (control.killed) throw new AsyncFailed({ failed: true, ansible_job_id: jid, msg: 'the async job was killed by the operator' });
    let status: JobStatus | undefined;
    try {
      // A finished job's output comes back and its files go, all in this one command.
      status = parseStatus(await (await run.transport()).exec(statusCommand(jid, { cleanup: true, lastLine: true }), { timeoutMs: 30_000 }));
    } catch (err) {
      // A dropped connection: try again at the next poll, within the budget.
      if (!(err instanceof UnreachableError) && !(err instanceof Error && err.name === 'HostUnreachable')) throw err;
      run.dropped();
    }
    if (status?.missing) throw new AsyncFailed({ failed: true, ansible_job_id: jid, msg: `async job ${jid} disappeared from ${host}` });
    if (status) {
      const elapsed = status.nowEpoch - (status.startEpoch ?? status.nowEpoch);
      pc.opts.emit({
        type: 'async.poll',
        task: ref,
        host,
        jid,
        elapsed,
        limit: settings.limit,
        polls,
        nextPollIn: settings.poll,
        lastLine: status.lastLine,
      });
      if (status.finished) return status;
    }
    if (Date.now() >= deadline) throw new AsyncFailed(timeoutResult(jid, settings.limit));
  }
}
