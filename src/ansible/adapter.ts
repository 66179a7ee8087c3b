import type { ModuleResult } from '../model/index.js';
import type { NewEvent, ResumePlan, TaskRef } from '../events/index.js';
import type { AnsibleStats, CallbackRecord, CallbackTask, HostRecord } from './records.js';
import { AnsibleTaskRefs } from './task-refs.js';
import { AsyncJobs } from './async-jobs.js';

/** A `no_log` loop item's label, as ansible-core's default callback shows it (the native engine's too). */
export const NO_LOG_ITEM = '(censored due to no_log)';

export interface AdapterOptions {
  /** Everything but run.start and run.end: the runner owns the run's ends. */
  emit: (e: NewEvent) => void;
  /** The plugin said which hosts the playbook targets: the run can start. */
  onPlaybookStart?: (hosts: string[]) => void;
  /** A task runs under `no_log` on a host: its output and results stay hidden. */
  hide?: (task: TaskRef, host: string) => void;
}

type HostRec = HostRecord & { type: string };

/**
 * Turns the callback plugin's records into playwatch's events: plays and
 * `serial` batches, task and handler starts (once per batch per task, as the
 * native engine sends them), each host's start, retries, loop items and
 * final result, rescues, async jobs; what ansible-core's stdout callback
 * would print of a command's output becomes `host.output`. The run's own
 * start and end are the runner's.
 */
export class CallbackAdapter {
  private readonly refs = new AnsibleTaskRefs();
  private readonly jobs: AsyncJobs;
  private playUuid?: string;
  private playIndex = -1;
  private startedInBatch = new Set<number>();
  /** Each host's task in progress: async polls name no task. */
  private readonly current = new Map<string, TaskRef>();
  private finalStats?: Record<string, AnsibleStats>;
  private customStats?: Record<string, unknown>;
  private drainedFlag = false;
  /** Per host: the last task it started (`role : name`), and whether a failure stopped it. */
  private readonly lastTask = new Map<string, string>();
  private readonly stopped = new Set<string>();

  constructor(private readonly opts: AdapterOptions) {
    this.jobs = new AsyncJobs(opts.emit);
  }

  /** ansible-core's own PLAY RECAP counts, once the stats record came. */
  get stats(): Record<string, AnsibleStats> | undefined {
    return this.finalStats;
  }

  get custom(): Record<string, unknown> | undefined {
    return this.customStats;
  }

  /** The plugin stopped the run on a drain. */
  get drained(): boolean {
    return this.drainedFlag;
  }

  /** Jobs started and not seen to end, for the kill's cleanup. */
  openJobs(): Array<{ host: string; jid: string }> {
    return this.jobs.open();
  }

  /** The kill stopped these jobs: their end, with no exit status. */
  killedJobs(jobs: ReadonlyArray<{ host: string; jid: string }>): void {
    this.jobs.killed(jobs);
  }

  push(r: CallbackRecord): void {
    const wall = r.wall;
    switch (r.type) {
      case 'hello':
      case 'include':
        return;
      case 'playbook.start':
        return this.opts.onPlaybookStart?.(r.hosts);
      case 'play.start':
        return this.playStart(r);
      case 'task.start':
      case 'handler.start': {
        if (r.type === 'handler.start') this.handlers.add(r.task.uuid);
        const ref = this.refs.ref(r.task, r.type === 'handler.start');
        if (this.startedInBatch.has(ref.id)) return;
        this.startedInBatch.add(ref.id);
        return this.opts.emit({ type: r.type, task: ref });
      }
      case 'runner.start': {
        const ref = this.refs.ref(r.task, this.isHandler(r.task));
        this.current.set(r.host, ref);
        this.lastTask.set(r.host, ref.role ? `${ref.role} : ${ref.name}` : ref.name);
        if (r.task.async) this.asyncOf.set(ref.id, r.task);
        if (r.task.noLog) this.opts.hide?.(ref, r.host);
        return this.opts.emit({ type: 'host.start', task: ref, host: r.host });
      }
      case 'retry':
        return this.retry(r, wall);
      case 'item.ok':
      case 'item.failed':
      case 'item.skipped':
        return this.item(r);
      case 'host.ok':
      case 'host.failed':
      case 'host.skipped':
      case 'host.unreachable':
        return this.final(r, wall);
      case 'async.poll': {
        const ref = this.current.get(r.host);
        if (ref) this.jobs.polled(ref, r.host, r.result, wall, this.limits(ref));
        return;
      }
      case 'async.ok':
      case 'async.failed':
        return this.jobs.ended(this.ref(r), r.host, r.result, wall);
      case 'notice':
        return this.opts.emit({ type: 'warning', message: r.message });
      case 'drained':
        this.drainedFlag = true;
        return;
      case 'stats':
        this.finalStats = r.hosts;
        if (r.custom && Object.keys(r.custom).length) this.customStats = r.custom;
        return;
    }
  }

  /**
   * Where each host stands, as the native engine's plan says it: done (the
   * run went to its end and the host did not fail), never started, or at
   * the last task it started (a drained or killed run, a failure): resuming
   * runs that task again, as re-running one task is safer than skipping one.
   */
  resumePlan(hosts: readonly string[], endedEarly: boolean): ResumePlan {
    const plan: ResumePlan = { done: [], notStarted: [], at: [] };
    const at = new Map<string, string[]>();
    for (const h of hosts) {
      const last = this.lastTask.get(h);
      if (last === undefined) plan.notStarted.push(h);
      else if (!endedEarly && !this.stopped.has(h)) plan.done.push(h);
      else at.set(last, [...(at.get(last) ?? []), h]);
    }
    plan.at = [...at].map(([task, list]) => ({ task, hosts: list }));
    return plan;
  }

  /** Ends the last play (call once, before run.end). */
  close(): void {
    if (this.playUuid !== undefined) this.opts.emit({ type: 'play.end', index: this.playIndex });
    this.playUuid = undefined;
  }

  private playStart(r: Extract<CallbackRecord, { type: 'play.start' }>): void {
    if (r.uuid !== this.playUuid) {
      this.close();
      this.playUuid = r.uuid;
      this.playIndex = r.index ?? this.playIndex + 1;
      this.refs.newPlay(this.playIndex);
      this.opts.emit({ type: 'play.start', index: this.playIndex, total: r.total ?? this.playIndex + 1, name: r.name, hosts: r.hosts ?? r.batchHosts ?? [] });
    }
    this.startedInBatch = new Set();
    this.opts.emit({ type: 'batch.start', index: r.batch ?? 0, total: r.batches ?? 1, hosts: r.batchHosts ?? r.hosts ?? [] });
  }

  /** Handlers run as their own task objects: a result's task is a handler when its start said so. */
  private readonly handlers = new Set<string>();
  private isHandler(t: CallbackTask): boolean {
    return this.handlers.has(t.uuid);
  }

  private ref(r: HostRec): TaskRef {
    return this.refs.ref(r.task, this.isHandler(r.task));
  }

  private limits(ref: TaskRef): { limit: number; poll: number } {
    const t = this.asyncOf.get(ref.id);
    return { limit: t?.async ?? 0, poll: t?.poll ?? 0 };
  }

  private readonly asyncOf = new Map<number, CallbackTask>();

  private retry(r: Extract<CallbackRecord, { type: 'retry' }>, wall: number): void {
    const ref = this.ref(r);
    const result = r.result;
    if (ref.module === 'async_status') this.jobs.read(ref, r.host, result, wall, true);
    this.opts.emit({ type: 'host.retry', task: ref, host: r.host, attempt: r.attempts, retriesLeft: Math.max(0, r.retries - r.attempts), result });
  }

  private item(r: Extract<CallbackRecord, { type: 'item.ok' | 'item.failed' | 'item.skipped' }>): void {
    const ref = this.ref(r);
    const hidden = r.task.noLog || r.result._ansible_no_log === true;
    const item = hidden ? NO_LOG_ITEM : (r.item ?? '');
    if (r.type === 'item.ok') this.opts.emit({ type: 'host.ok', task: ref, host: r.host, changed: r.changed, result: r.result, item, ...delegated(r) });
    else if (r.type === 'item.failed') this.opts.emit({ type: 'host.failed', task: ref, host: r.host, result: r.result, ignored: false, item, ...delegated(r) });
    else this.opts.emit({ type: 'host.skipped', task: ref, host: r.host, result: r.result, item, ...delegated(r) });
  }

  private final(r: Extract<CallbackRecord, { type: 'host.ok' | 'host.failed' | 'host.skipped' | 'host.unreachable' }>, wall: number): void {
    const ref = this.ref(r);
    if (r.task.async) this.asyncOf.set(ref.id, r.task);
    const result = asNative(ref, r.result);
    const hidden = r.task.noLog || r.result._ansible_no_log === true;
    if (hidden) this.opts.hide?.(ref, r.host);
    else if (r.type !== 'host.skipped') this.output(ref, r.host, result);
    const loop = Array.isArray(result.results) ? { loop: true as const } : {};
    if (r.type === 'host.ok') {
      if (r.task.async && typeof result.ansible_job_id === 'string') this.jobs.started(ref, r.host, result, wall, r.task);
      if (ref.module === 'async_status') this.jobs.read(ref, r.host, result, wall, false);
      this.opts.emit({ type: 'host.ok', task: ref, host: r.host, changed: r.changed, result, ...loop, ...delegated(r) });
    } else if (r.type === 'host.failed') {
      if (ref.module === 'async_status') this.jobs.read(ref, r.host, result, wall, false);
      this.opts.emit({ type: 'host.failed', task: ref, host: r.host, result, ignored: r.ignored, ...loop, ...delegated(r) });
      if (r.rescued) this.opts.emit({ type: 'host.rescued', task: ref, host: r.host });
      else if (!r.ignored) this.stopped.add(r.host);
    } else if (r.type === 'host.skipped') {
      this.opts.emit({ type: 'host.skipped', task: ref, host: r.host, result, ...loop, ...delegated(r) });
    } else {
      this.opts.emit({ type: 'host.unreachable', task: ref, host: r.host, result, ...(r.ignored ? { ignored: true } : {}), ...delegated(r) });
      if (!r.ignored) this.stopped.add(r.host);
    }
    this.current.delete(r.host);
  }

  /** A command's stdout and stderr, as the drill-down shows a native task's streamed output. */
  private output(task: TaskRef, host: string, result: ModuleResult): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const text = result[stream];
      if (typeof text === 'string' && text.length) this.opts.emit({ type: 'host.output', task, host, stream, chunk: text.endsWith('\n') ? text : `${text}\n` });
    }
  }
}

function delegated(r: HostRec): { delegate?: string } {
  return r.delegate ? { delegate: r.delegate } : {};
}

/**
 * A result in the shape the native engine records: an include's result
 * names the files it included as a list (one per loop item), which the
 * stats count.
 */
function asNative(ref: TaskRef, result: ModuleResult): ModuleResult {
  if (ref.module !== 'include_tasks' && ref.module !== 'include_role' && ref.module !== 'include') return result;
  if (typeof result.include === 'string') return { ...result, include: [result.include] };
  if (Array.isArray(result.results)) {
    const files = (result.results as ModuleResult[]).filter((r) => !r.skipped && r.include !== undefined).map((r) => String(r.include));
    return { ...result, include: files };
  }
  return result;
}
