/**
 * The async jobs this run started, and the events that follow each one
 * from `async.start` to its one `async.done`, whoever looks at it: the
 * engine's own polls (`poll: N`), an `async_status` task (`poll: 0`), or an
 * abort that kills it. A job nobody checks again has no `async.done`: the
 * views call it "started, not awaited" once the run ends.
 */
import type { EventOf, NewEvent, TaskRef } from '../events/index.js';
import type { JobStatus } from '../transport/async-job.js';
import type { JobSeen } from '../modules/types.js';
import type { HostState } from './state.js';

type Emit = (event: NewEvent) => unknown;

/** How a job left the run's sight without its exit code being known (rc is -1 then). */
export type JobLost = NonNullable<EventOf<'async.done'>['reason']>;

/** Remembers a job that `async.start` announced. */
export function jobStarted(st: HostState, jid: string, ref: TaskRef, limit: number, noLog: boolean): void {
  st.asyncJobs.set(jid, { task: ref.name, ref, limit, polls: 0, noLog, startedAt: Date.now() });
}

/**
 * `async.poll` for a status read of an open job still running (the read
 * that sees its end is `async.done` alone): elapsed from the target's
 * clock, the poll count, and the last line of output unless the task that
 * started the job, or the one reading it, is `no_log`.
 */
export function jobPolled(emit: Emit, st: HostState, ref: TaskRef, jid: string, status: JobStatus, nextPollIn: number, noLog = false): void {
  const job = st.asyncJobs.get(jid);
  if (!job) return;
  job.polls += 1;
  const elapsed = status.nowEpoch - (status.startEpoch ?? status.nowEpoch);
  const shown = !noLog && !job.noLog && status.lastLine !== undefined;
  emit({
    type: 'async.poll',
    task: ref,
    host: st.name,
    jid,
    elapsed,
    limit: job.limit,
    polls: job.polls,
    nextPollIn,
    ...(shown ? { lastLine: status.lastLine } : {}),
  });
}

/** `async.done` for a job that ran to its end (or to its time limit), read from its status. */
export function jobFinished(emit: Emit, st: HostState, ref: TaskRef, jid: string, status: JobStatus): void {
  const duration = (status.endEpoch ?? status.nowEpoch) - (status.startEpoch ?? status.nowEpoch);
  jobEnded(emit, st, ref, jid, { rc: status.rc ?? -1, duration, timedOut: status.timedOut });
}

/** `async.done` for a job whose end the run saw without its exit code: rc -1 and the reason. */
export function jobLost(emit: Emit, st: HostState, ref: TaskRef | undefined, jid: string, reason: JobLost): void {
  const job = st.asyncJobs.get(jid);
  if (job) jobEnded(emit, st, ref ?? job.ref, jid, { rc: -1, duration: (Date.now() - job.startedAt) / 1000, timedOut: false, reason });
}

/** `async.done` for a job whose time ran out before any status said it ended (its watchdog ends it): rc -1. */
export function jobTimedOut(emit: Emit, st: HostState, ref: TaskRef, jid: string): void {
  const job = st.asyncJobs.get(jid);
  if (job) jobEnded(emit, st, ref, jid, { rc: -1, duration: (Date.now() - job.startedAt) / 1000, timedOut: true });
}

/** The one `async.done` of an open job; later reads of it emit nothing. */
function jobEnded(emit: Emit, st: HostState, ref: TaskRef, jid: string, end: { rc: number; duration: number; timedOut: boolean; reason?: JobLost }): void {
  if (!st.asyncJobs.delete(jid)) return;
  const duration = Math.max(0, Math.round(end.duration * 1000) / 1000);
  emit({ type: 'async.done', task: ref, host: st.name, jid, rc: end.rc, duration, timedOut: end.timedOut, ...(end.reason ? { reason: end.reason } : {}) });
}

/**
 * What an `async_status` task read of a job: a job this run started gets
 * `async.poll` while it runs, and `async.done` once it has finished (or vanished); a
 * cleanup of a job not seen to finish ends it with its outcome unknown
 * (`mode: cleanup` removes the job's files, so nothing can read it again;
 * the job itself runs on until its limit). Jobs of other runs are not ours
 * to report.
 */
export function jobSeen(emit: Emit, st: HostState, ref: TaskRef, jid: string, seen: JobSeen, opts: { nextPollIn: number; noLog: boolean }): void {
  if (!st.asyncJobs.has(jid)) return;
  if (seen.mode === 'cleanup') return jobLost(emit, st, ref, jid, 'cleaned');
  const { status } = seen;
  if (status.missing) return jobLost(emit, st, ref, jid, 'missing');
  if (status.finished) jobFinished(emit, st, ref, jid, status);
  else jobPolled(emit, st, ref, jid, status, opts.nextPollIn, opts.noLog);
}
