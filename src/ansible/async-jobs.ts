import type { ModuleResult } from '../model/index.js';
import type { NewEvent, TaskRef } from '../events/index.js';
import type { CallbackTask } from './records.js';

interface Job {
  jid: string;
  host: string;
  task: TaskRef;
  /** Seconds since the epoch. */
  started: number;
  limit: number;
  poll: number;
  polls: number;
  done: boolean;
}

/**
 * ansible-core's async jobs as `async.*` events: a job starts when its jid
 * is first seen (the first poll of a `poll: N` task, or a `poll: 0` task's
 * result), each status read is a poll, and the read that sees it end (the
 * engine's `v2_runner_on_async_ok/failed`, or `async_status`) is its end.
 */
export class AsyncJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly emit: (e: NewEvent) => void) {}

  open(): Array<{ host: string; jid: string }> {
    return [...this.jobs.values()].filter((j) => !j.done).map(({ host, jid }) => ({ host, jid }));
  }

  killed(jobs: ReadonlyArray<{ jid: string }>): void {
    const now = Date.now() / 1000;
    for (const { jid } of jobs) {
      const job = this.jobs.get(jid);
      if (!job || job.done) continue;
      job.done = true;
      this.emit({ type: 'async.done', task: job.task, host: job.host, jid, rc: -1, duration: Math.max(0, now - job.started), timedOut: false, reason: 'killed' });
    }
  }

  /** A `poll: 0` task's result: the job runs on, nobody waits. */
  started(task: TaskRef, host: string, result: ModuleResult, wall: number, t: CallbackTask): void {
    const known = this.jobs.get(String(result.ansible_job_id));
    if (known) {
      // A `poll: N` task's final result: its end was already seen (or is seen now).
      if (Number(result.finished) === 1 || result.failed) this.end(known, task, result, wall);
      return;
    }
    const job = this.start(task, host, String(result.ansible_job_id), wall, { limit: t.async ?? 0, poll: t.poll ?? 0 });
    if (Number(result.finished) === 1) this.end(job, task, result, wall);
  }

  /** ansible-core's own poll of a `poll: N` task. */
  polled(task: TaskRef, host: string, result: ModuleResult, wall: number, limits: { limit: number; poll: number }): void {
    const jid = result.ansible_job_id;
    if (typeof jid !== 'string') return;
    // The job started when the task did; its first poll comes `poll` seconds later.
    const job = this.jobs.get(jid) ?? this.start(task, host, jid, wall - limits.poll, limits);
    if (Number(result.finished) === 1) return;
    this.poll(job, task, result, wall, job.poll);
  }

  /** The end ansible-core saw (`v2_runner_on_async_ok/failed`): the task's final result follows. */
  ended(task: TaskRef, host: string, result: ModuleResult, wall: number): void {
    const jid = result.ansible_job_id ?? (result.async_result as ModuleResult | undefined)?.ansible_job_id;
    const job = typeof jid === 'string' ? this.jobs.get(jid) : [...this.jobs.values()].find((j) => j.host === host && j.task.id === task.id && !j.done);
    if (job) this.end(job, task, result, wall);
  }

  /** An `async_status` read of a job this run started: a poll, its end, or its cleanup. */
  read(task: TaskRef, host: string, result: ModuleResult, wall: number, retrying: boolean): void {
    const jid = result.ansible_job_id;
    const job = typeof jid === 'string' ? this.jobs.get(jid) : undefined;
    if (!job || job.done) return;
    if (result.erased !== undefined) {
      job.done = true;
      this.emit({ type: 'async.done', task, host, jid: job.jid, rc: -1, duration: wall - job.started, timedOut: false, reason: 'cleaned' });
    } else if (Number(result.finished) === 1) this.end(job, task, result, wall);
    else this.poll(job, task, result, wall, retrying ? 1 : 0);
  }

  private start(task: TaskRef, host: string, jid: string, wall: number, limits: { limit: number; poll: number }): Job {
    const job: Job = { jid, host, task, started: wall, limit: limits.limit, poll: limits.poll, polls: 0, done: false };
    this.jobs.set(jid, job);
    this.emit({ type: 'async.start', task, host, jid, limit: limits.limit, poll: limits.poll });
    return job;
  }

  private poll(job: Job, task: TaskRef, result: ModuleResult, wall: number, nextPollIn: number): void {
    job.polls++;
    const line = lastLine(result.stdout) ?? lastLine(result.stderr);
    this.emit({
      type: 'async.poll',
      task,
      host: job.host,
      jid: job.jid,
      elapsed: Math.max(0, wall - job.started),
      limit: job.limit,
      polls: job.polls,
      nextPollIn,
      ...(line !== undefined ? { lastLine: line } : {}),
    });
  }

  private end(job: Job, task: TaskRef, result: ModuleResult, wall: number): void {
    if (job.done) return;
    job.done = true;
    const timedOut = typeof result.msg === 'string' && /did not complete within the requested time/.test(result.msg);
    const rc = typeof result.rc === 'number' ? result.rc : timedOut || result.failed ? 1 : 0;
    this.emit({ type: 'async.done', task, host: job.host, jid: job.jid, rc, duration: Math.max(0, wall - job.started), timedOut });
  }
}

function lastLine(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v.trim()) return undefined;
  return v.trimEnd().split('\n').pop();
}
