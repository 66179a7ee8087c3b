/**
 * What the profiler's state says: task rows, role totals and the timeline
 * (see `profile.ts` for how each figure is counted). Pure functions of a
 * `ProfileState` and the time open runs last until.
 */
import { vecGet, vecToArray } from './vec.js';
import type { HostTrack, ProfileState, Round } from './profile.js';
import type { TaskRef } from './types.js';

/** One task's row, as every recap shows it. Seconds are rounded to the millisecond. */
export interface TaskTiming {
  /** The task's id (its first id under schema 1). */
  id: number;
  name: string;
  role?: string;
  /** `file:line:col` of the task. */
  path: string;
  handler: boolean;
  /** The row time: the longest single-host run, summed over batches. */
  seconds: number;
  /** Median of the host runs (one per host and batch). */
  medianSeconds: number;
  /** Wall span, first host start to last host end, summed over batches. */
  spanSeconds: number;
  /** Batches the task ran in. */
  batches: number;
  /** Host runs the median is taken over. */
  hosts: number;
}

/** A role's row: the sum of its tasks' row times. */
export interface RoleTiming {
  name: string;
  seconds: number;
  /** Tasks of the role that ran. */
  tasks: number;
}

/** A timeline row: one task's run in one batch, or a stretch of consecutive tasks of one role. */
export interface TimelineEntry {
  kind: 'task' | 'role';
  /** Task name (without role) or role name. */
  name: string;
  /** The task's role; unset for role rows and role-less tasks. */
  role?: string;
  /** Milliseconds from `run.start`. */
  startMs: number;
  /** Wall span so far, ms. */
  durationMs: number;
  /** Still going: the bar grows. */
  running: boolean;
  /** Task rows: the slowest host's run in this batch so far, ms. */
  longestMs?: number;
  /** Task rows: host runs in this batch. */
  hosts?: number;
}

export type SortOrder = 'descending' | 'ascending' | 'none';

export interface ProfileQuery {
  /** The time open runs last until: by default the run's end, or the latest event. */
  now?: number;
  /** Row order; equal rows keep the order the tasks first ran in. Default slowest first. */
  order?: SortOrder;
}

/** Each round's host times with the running hosts' time so far added. */
function roundTimes(p: ProfileState, now: number): Map<Round, number[]> {
  const out = new Map<Round, number[]>();
  const running: Array<NonNullable<HostTrack['open']>> = [];
  for (const tr of vecToArray(p.hosts)) if (tr.open) running.push(tr.open);
  for (const t of vecToArray(p.tasks)) for (const r of t.rounds) out.set(r, vecToArray(r.hostMs));
  for (const run of running) {
    const list = out.get(vecGet(p.tasks, run.task)!.rounds[run.round]!)!;
    list[run.slot] = list[run.slot]! + Math.max(0, now - run.start);
  }
  return out;
}

function nowOf(p: ProfileState, q: ProfileQuery): number {
  return q.now ?? p.endAt ?? p.lastAt;
}

/** When a round started and ended (`now` while it runs, or while no host has reported yet). */
function roundSpan(r: Round, now: number, ended: boolean): { start: number; end: number; running: boolean } {
  const start = r.firstStart ?? r.announced ?? now;
  const waiting = r.firstStart === undefined && r.lastEnd === undefined;
  const running = !ended && (r.open > 0 || waiting);
  const end = r.open > 0 || waiting ? now : (r.lastEnd ?? start);
  return { start, end: Math.max(start, end), running };
}

const secs = (ms: number) => Math.round(ms) / 1000;

/** Every task that ran, one row each. */
export function profileTasks(p: ProfileState, q: ProfileQuery = {}): TaskTiming[] {
  const now = nowOf(p, q);
  const times = roundTimes(p, now);
  const rows: TaskTiming[] = [];
  for (const t of vecToArray(p.tasks)) {
    if (t.rounds.length === 0) continue;
    let rowMs = 0;
    let spanMs = 0;
    const all: number[] = [];
    for (const r of t.rounds) {
      const hostMs = times.get(r)!;
      const { start, end } = roundSpan(r, now, p.endAt !== undefined);
      rowMs += hostMs.length ? Math.max(...hostMs) : 0;
      spanMs += end - start;
      all.push(...hostMs);
    }
    const row: TaskTiming = {
      id: t.ref.id,
      name: t.ref.name,
      path: t.ref.path,
      handler: t.handler,
      seconds: secs(rowMs),
      medianSeconds: secs(median(all)),
      spanSeconds: secs(spanMs),
      batches: t.rounds.length,
      hosts: all.length,
    };
    if (t.ref.role !== undefined) row.role = t.ref.role;
    rows.push(row);
  }
  return sortBy(rows, (r) => r.seconds, q.order ?? 'descending');
}

/** Roles with the sum of their tasks' row times. Role-less tasks are left out. */
export function profileRoles(p: ProfileState, q: ProfileQuery = {}): RoleTiming[] {
  const roles = new Map<string, { ms: number; tasks: number }>();
  for (const t of profileTasks(p, { ...q, order: 'none' })) {
    if (t.role === undefined) continue;
    const r = roles.get(t.role) ?? { ms: 0, tasks: 0 };
    r.ms += Math.round(t.seconds * 1000);
    r.tasks++;
    roles.set(t.role, r);
  }
  const rows = [...roles].map(([name, r]) => ({ name, seconds: r.ms / 1000, tasks: r.tasks }));
  return sortBy(rows, (r) => r.seconds, q.order ?? 'descending');
}

/**
 * Each task's run in each batch, in start order, with its wall span; each
 * stretch of consecutive tasks of one role is led by a role row spanning them.
 */
export function profileTimeline(p: ProfileState, q: Pick<ProfileQuery, 'now'> = {}): TimelineEntry[] {
  const now = nowOf(p, q);
  const ended = p.endAt !== undefined;
  // Running hosts' time so far, for each round's slowest host.
  const longest = new Map<Round, number>();
  for (const tr of vecToArray(p.hosts)) {
    if (!tr.open) continue;
    const r = vecGet(p.tasks, tr.open.task)!.rounds[tr.open.round]!;
    const ms = vecGet(r.hostMs, tr.open.slot)! + Math.max(0, now - tr.open.start);
    longest.set(r, Math.max(longest.get(r) ?? r.maxMs, ms));
  }
  const runs: Array<{ ref: TaskRef; seq: number; start: number; end: number; running: boolean; longestMs: number; hosts: number }> = [];
  for (const t of vecToArray(p.tasks)) {
    for (const r of t.rounds) {
      runs.push({ ref: t.ref, seq: r.seq, ...roundSpan(r, now, ended), longestMs: longest.get(r) ?? r.maxMs, hosts: r.hostMs.length });
    }
  }
  runs.sort((a, b) => a.start - b.start || a.seq - b.seq);
  const out: TimelineEntry[] = [];
  let role: TimelineEntry | undefined;
  for (const run of runs) {
    const name = run.ref.role;
    // Whole milliseconds: `at` is a fractional monotonic clock.
    const startMs = Math.max(0, Math.round(run.start - p.origin));
    if (name === undefined || role?.name !== name) {
      role = undefined;
      if (name !== undefined) {
        role = { kind: 'role', name, startMs, durationMs: 0, running: false };
        out.push(role);
      }
    }
    if (role) {
      role.durationMs = Math.max(role.durationMs, Math.round(run.end - p.origin) - role.startMs);
      role.running ||= run.running;
    }
    const entry: TimelineEntry = {
      kind: 'task',
      name: run.ref.name,
      startMs,
      durationMs: Math.round(run.end - run.start),
      running: run.running,
      longestMs: Math.round(run.longestMs),
      hosts: run.hosts,
    };
    if (name !== undefined) entry.role = name;
    out.push(entry);
  }
  return out;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Stable sort, so equal rows keep the order they first ran in. */
function sortBy<T>(rows: T[], value: (row: T) => number, order: SortOrder): T[] {
  if (order === 'none') return rows;
  const sign = order === 'descending' ? -1 : 1;
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => sign * (value(a.row) - value(b.row)) || a.i - b.i)
    .map((x) => x.row);
}
