/**
 * Task and role timings from events alone: the slowest tasks (profile_tasks),
 * role totals (profile_roles) and a timeline of start offsets (seed 000's
 * "executed at 0:01:21.990 from the playbook start").
 *
 * A task run lasts from its first `host.start` to its last host end (a
 * result without `item`; a loop's summary result is an end, its items are
 * not). A run without any `host.start` counts from its `task.start`.
 *
 * Runs of one task (same path, role and name) within one serial batch are
 * one span, from the first host start to the last host end: under
 * `strategy: free` hosts reach a task at different times, and however the
 * engine numbers those runs the task is counted once. Only a host running
 * the task again (a task file included twice) starts a new span. Spans of
 * different batches are summed into one row; `count` says how many spans.
 */
import type { RunEvent, TaskRef } from '../events/index.js';
import { durationClock } from '../text/index.js';

export type SortOrder = 'descending' | 'ascending' | 'none';

/** One task of the playbook, summed over its runs. */
export interface TaskProfile {
  /** Identity: task path + role + name. */
  key: string;
  name: string;
  role?: string;
  /** `file:line:col` of the task. */
  path: string;
  /** Total over all runs (first host start → last host end of each run). */
  seconds: number;
  /** How many separate spans were summed: one per serial batch, say. */
  count: number;
  /** Slowest single host (host start → host end), seconds. */
  hostMax: number;
  /** Median host duration, seconds. */
  hostMedian: number;
  /** How many host results the per-host figures are made of. */
  hosts: number;
}

export interface RoleProfile {
  name: string;
  /** Sum of its tasks' seconds. */
  seconds: number;
  /** Number of distinct tasks of the role that ran. */
  tasks: number;
}

export interface TimelineEntry {
  kind: 'task' | 'role';
  /** Task name (without role) or role name. */
  name: string;
  /** The task's role; unset for role entries and role-less tasks. */
  role?: string;
  /** Milliseconds from `run.start`. */
  startOffsetMs: number;
  durationMs: number;
}

interface TaskRun {
  ref: TaskRef;
  key: string;
  /** The play and serial batch the run belongs to (`play:batch`). */
  batch: string;
  /** The n-th run seen; breaks ties between equal start times. */
  seq: number;
  startAt: number;
  firstHostStart?: number;
  lastEnd?: number;
  hostStart: Map<string, number>;
  hostMs: Map<string, number>;
}

/** Collects timings as events arrive; the plain presenter and the run log ask it at the end. */
export class ProfileCollector {
  private origin = 0;
  private latest = 0;
  private endedAt?: number;
  /** Task runs by batch and `TaskRef.id`, in start order. */
  private readonly runs = new Map<string, TaskRun>();
  private play = -1;
  private batch = -1;

  onEvent(e: RunEvent): void {
    this.latest = Math.max(this.latest, e.at);
    switch (e.type) {
      case 'run.start':
        this.origin = e.at;
        break;
      case 'play.start':
        this.play = e.index;
        this.batch = -1;
        break;
      case 'batch.start':
        this.batch = e.index;
        break;
      case 'task.start':
      case 'handler.start':
        this.run(e.task, e.at);
        break;
      case 'host.start': {
        const run = this.run(e.task, e.at);
        run.firstHostStart ??= e.at;
        run.hostStart.set(e.host, e.at);
        break;
      }
      case 'host.ok':
      case 'host.failed':
      case 'host.skipped':
        if (e.item === undefined) this.end(this.run(e.task, e.at), e.host, e.at);
        break;
      case 'host.unreachable':
        this.end(this.run(e.task, e.at), e.host, e.at);
        break;
      case 'run.end':
        this.endedAt = e.at;
        break;
      default:
        break;
    }
  }

  /** Tasks with their summed durations, slowest first unless told otherwise. */
  tasks(order: SortOrder = 'descending'): TaskProfile[] {
    // Keys in the order their tasks first ran, so `none` lists them as they ran.
    const groups = new Map<string, Span[]>();
    for (const run of this.runs.values()) if (!groups.has(run.key)) groups.set(run.key, []);
    for (const span of this.spans()) groups.get(span.runs[0]!.key)!.push(span);
    const rows = [...groups.values()].map((spans) => this.row(spans));
    return sortBy(rows, (r) => r.seconds, order);
  }

  /** Roles with the sum of their tasks' seconds, slowest first. Role-less tasks are left out. */
  roles(order: SortOrder = 'descending'): RoleProfile[] {
    const roles = new Map<string, { ms: number; keys: Set<string> }>();
    for (const span of this.spans()) {
      const first = span.runs[0]!;
      const name = first.ref.role;
      if (name === undefined) continue;
      const r = roles.get(name) ?? { ms: 0, keys: new Set<string>() };
      r.ms += span.end - span.start;
      r.keys.add(first.key);
      roles.set(name, r);
    }
    const rows = [...roles].map(([name, r]) => ({ name, seconds: r.ms / 1000, tasks: r.keys.size }));
    return sortBy(rows, (r) => r.seconds, order);
  }

  /**
   * Every task span in start order, each run of consecutive tasks of one
   * role preceded by a `role` entry spanning them.
   */
  timeline(): TimelineEntry[] {
    const out: TimelineEntry[] = [];
    let role: TimelineEntry | undefined;
    for (const { runs, start, end } of this.spans()) {
      const run = runs[0]!;
      const name = run.ref.role;
      if (name === undefined || role?.name !== name) {
        role = undefined;
        if (name !== undefined) {
          role = { kind: 'role', name, startOffsetMs: start - this.origin, durationMs: 0 };
          out.push(role);
        }
      }
      if (role) role.durationMs = Math.max(role.durationMs, end - this.origin - role.startOffsetMs);
      const entry: TimelineEntry = { kind: 'task', name: run.ref.name, startOffsetMs: start - this.origin, durationMs: end - start };
      if (name !== undefined) entry.role = name;
      out.push(entry);
    }
    return out;
  }

  /**
   * Task runs merged into spans: the runs of one task in one batch are one
   * span unless a host of a later run already ran it in the span (and the
   * runs do not overlap in time). Sorted by start; equal starts keep run order.
   */
  private spans(): Span[] {
    const byTask = new Map<string, TaskRun[]>();
    for (const run of this.runs.values()) {
      const k = `${run.batch}\u0000${run.key}`;
      const list = byTask.get(k) ?? [];
      list.push(run);
      byTask.set(k, list);
    }
    const spans: Span[] = [];
    for (const list of byTask.values()) {
      let last: (Span & { hosts: Set<string> }) | undefined;
      const timed = list.map((run) => ({ run, start: run.firstHostStart ?? run.startAt, end: this.runEnd(run) }));
      for (const { run, start, end } of timed.sort((a, b) => a.start - b.start || a.run.seq - b.run.seq)) {
        const hosts = new Set([...run.hostStart.keys(), ...run.hostMs.keys()]);
        const again = [...hosts].some((h) => last?.hosts.has(h)) || hosts.size === 0;
        if (last && (start < last.end || !again)) {
          last.end = Math.max(last.end, end);
          last.runs.push(run);
          for (const h of hosts) last.hosts.add(h);
        } else {
          last = { runs: [run], start, end: Math.max(start, end), hosts };
          spans.push(last);
        }
      }
    }
    return spans.sort((a, b) => a.start - b.start || a.runs[0]!.seq - b.runs[0]!.seq);
  }

  private run(ref: TaskRef, at: number): TaskRun {
    // Keyed by batch too: an engine may reuse a task's id in every serial batch.
    const id = `${this.play}:${this.batch}#${ref.id}`;
    let run = this.runs.get(id);
    if (!run) {
      const key = `${ref.path}#${ref.role ?? ''}#${ref.name}`;
      run = { ref, key, batch: `${this.play}:${this.batch}`, seq: this.runs.size, startAt: at, hostStart: new Map(), hostMs: new Map() };
      this.runs.set(id, run);
    }
    return run;
  }

  private end(run: TaskRun, host: string, at: number): void {
    run.lastEnd = Math.max(run.lastEnd ?? at, at);
    run.hostMs.set(host, Math.max(0, at - (run.hostStart.get(host) ?? run.startAt)));
  }

  /** A run that never ended (abort, or still going) lasts until the run ended or the latest event. */
  private runEnd(run: TaskRun): number {
    return run.lastEnd ?? this.endedAt ?? this.latest;
  }

  private row(spans: Span[]): TaskProfile {
    const first = spans[0]!.runs[0]!;
    let ms = 0;
    const hostMs: number[] = [];
    for (const span of spans) {
      ms += span.end - span.start;
      for (const run of span.runs) hostMs.push(...run.hostMs.values());
    }
    const row: TaskProfile = {
      key: first.key,
      name: first.ref.name,
      path: first.ref.path,
      seconds: ms / 1000,
      count: spans.length,
      hostMax: hostMs.length ? Math.max(...hostMs) / 1000 : 0,
      hostMedian: median(hostMs) / 1000,
      hosts: hostMs.length,
    };
    if (first.ref.role !== undefined) row.role = first.ref.role;
    return row;
  }
}

/** Task rows from a finished (or partial) event stream. */
export function profileTasks(events: Iterable<RunEvent>, opts: { order?: SortOrder } = {}): TaskProfile[] {
  return collect(events).tasks(opts.order);
}

/** Role totals from an event stream. */
export function profileRoles(events: Iterable<RunEvent>, opts: { order?: SortOrder } = {}): RoleProfile[] {
  return collect(events).roles(opts.order);
}

/** Task and role start offsets and durations from an event stream. */
export function timeline(events: Iterable<RunEvent>): TimelineEntry[] {
  return collect(events).timeline();
}

/** An offset or duration as `H:MM:SS.mmm` (`0:01:21.990`). */
export function formatOffset(ms: number): string {
  return durationClock(ms);
}

/** Runs of one task merged into one stretch of time. */
interface Span {
  runs: TaskRun[];
  start: number;
  end: number;
}

function collect(events: Iterable<RunEvent>): ProfileCollector {
  const c = new ProfileCollector();
  for (const e of events) c.onEvent(e);
  return c;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Stable sort, so equal rows keep the order they ran in. */
function sortBy<T>(rows: T[], value: (row: T) => number, order: SortOrder): T[] {
  if (order === 'none') return rows;
  const sign = order === 'descending' ? -1 : 1;
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => sign * (value(a.row) - value(b.row)) || a.i - b.i)
    .map((x) => x.row);
}
