/**
 * Task and role timings from the reduced state: the slowest tasks and roles
 * (as profile_tasks / profile_roles count them) and the timeline rows.
 */
import { vecToArray, type RunState, type TaskSpan } from '../events/index.js';

/** A task summed over its runs (serial batches run a task once per batch). */
export interface SlowTask {
  name: string;
  role?: string;
  ms: number;
  count: number;
}

/** A role with the sum of its tasks. */
export interface SlowRole {
  name: string;
  ms: number;
}

/** A timeline row: a task run or a span of consecutive tasks of one role. */
export interface TimelineRow {
  kind: 'task' | 'role';
  name: string;
  role?: string;
  /** ms from the run start. */
  startMs: number;
  durationMs: number;
  /** Still going: the bar grows. */
  running: boolean;
}

/** When a span ended; a span still going lasts until `now` (or the run's end). */
function spanEnd(state: RunState, t: TaskSpan, now: number): number {
  const done = t.started > 0 && t.ended >= t.started;
  if (done && t.lastEnd !== undefined) return t.lastEnd;
  if (state.end) return t.lastEnd ?? state.end.at;
  return Math.max(now, t.lastEnd ?? 0);
}

function isRunning(state: RunState, t: TaskSpan): boolean {
  return !state.end && (t.started === 0 || t.ended < t.started);
}

/** Tasks by total time, slowest first (stable for ties). */
export function slowestTasks(state: RunState, now = state.lastAt): SlowTask[] {
  const byKey = new Map<string, SlowTask>();
  for (const t of vecToArray(state.tasks)) {
    const key = `${t.path}#${t.role ?? ''}#${t.name}`;
    const ms = Math.max(0, spanEnd(state, t, now) - (t.firstHostStart ?? t.startAt));
    const row = byKey.get(key);
    if (row) {
      row.ms += ms;
      row.count++;
    } else byKey.set(key, { name: t.name, ...(t.role !== undefined ? { role: t.role } : {}), ms, count: 1 });
  }
  return [...byKey.values()].map((r, i) => ({ r, i })).sort((a, b) => b.r.ms - a.r.ms || a.i - b.i).map((x) => x.r);
}

/** Roles by the sum of their tasks' time, slowest first. */
export function slowestRoles(state: RunState, now = state.lastAt): SlowRole[] {
  const roles = new Map<string, number>();
  for (const t of slowestTasks(state, now)) if (t.role !== undefined) roles.set(t.role, (roles.get(t.role) ?? 0) + t.ms);
  return [...roles].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

/** Task runs in start order, each run of consecutive tasks of one role led by a role row. */
export function timelineRows(state: RunState, now = state.lastAt): TimelineRow[] {
  const origin = state.startAt ?? 0;
  const out: TimelineRow[] = [];
  let role: TimelineRow | undefined;
  for (const t of vecToArray(state.tasks)) {
    const start = t.firstHostStart ?? t.startAt;
    const end = spanEnd(state, t, now);
    const running = isRunning(state, t);
    if (t.role === undefined || role?.name !== t.role) {
      role = undefined;
      if (t.role !== undefined) {
        role = { kind: 'role', name: t.role, startMs: start - origin, durationMs: 0, running: false };
        out.push(role);
      }
    }
    if (role) {
      role.durationMs = Math.max(role.durationMs, end - origin - role.startMs);
      role.running ||= running;
    }
    out.push({ kind: 'task', name: t.name, ...(t.role !== undefined ? { role: t.role } : {}), startMs: start - origin, durationMs: Math.max(0, end - start), running });
  }
  return out;
}
