/**
 * Two runs side by side, task by task (DESIGN §11): tasks are matched by
 * role + name + n-th occurrence, so a reordered playbook still matches;
 * the file position only breaks ties (the same role, name and n twice, in
 * two plays). Each matched task has its time in A and B (the profiler's
 * row time: the longest single-host run), the delta and the ratio; a task
 * is a regression when B/A passes 1 + threshold, unless it took under the
 * noise floor (0.5 s) in both runs: a 0.1 s task that took 0.3 s is noise,
 * not a regression.
 */
import { profileOf, profileTasks, vecToArray, type RunEvent, type TaskRef } from '../events/index.js';

/** One task's time in one run. */
export interface TaskTime {
  role?: string;
  name: string;
  /** The n-th occurrence of this role + name (in its play). */
  n: number;
  /** `file:line:col`. */
  path: string;
  play: number;
  handler: boolean;
  seconds: number;
}

/** What compare needs of a run. */
export interface RunTimes {
  id: string;
  playbook: string;
  durationMs: number;
  tasks: TaskTime[];
}

export interface CompareOptions {
  /** A regression is B/A above 1 + threshold (0.2 = 20%). */
  threshold: number;
  /** Tasks under this many seconds in both runs are never a regression by ratio alone. */
  noiseFloorS?: number;
}

export interface TaskRow {
  role?: string;
  name: string;
  n: number;
  handler: boolean;
  pathA: string;
  pathB: string;
  a: number;
  b: number;
  delta: number;
  /** B/A; null when A took no measurable time. */
  ratio: number | null;
  regression: boolean;
}

export interface TotalRow {
  name: string;
  a: number;
  b: number;
  delta: number;
  ratio: number | null;
}

export interface Comparison {
  a: { id: string; playbook: string };
  b: { id: string; playbook: string };
  threshold: number;
  noiseFloorS: number;
  tasks: TaskRow[];
  onlyA: TaskTime[];
  onlyB: TaskTime[];
  roles: TotalRow[];
  run: TotalRow;
  regressions: number;
}

export const NOISE_FLOOR_S = 0.5;

/** Each task's row time, from a run's events. */
export function timesFromEvents(id: string, events: readonly RunEvent[]): RunTimes {
  const p = profileOf(events);
  const refs = new Map<number, { ref: TaskRef; handler: boolean }>();
  for (const t of vecToArray(p.tasks)) refs.set(t.ref.id, { ref: t.ref, handler: t.handler });
  const tasks: TaskTime[] = [];
  for (const row of profileTasks(p, { order: 'none' })) {
    const { ref, handler } = refs.get(row.id)!;
    tasks.push({ ...(ref.role !== undefined ? { role: ref.role } : {}), name: ref.name, n: ref.n ?? 1, path: ref.path, play: ref.play ?? 0, handler, seconds: row.seconds });
  }
  const start = events[0];
  const end = events.find((e) => e.type === 'run.end');
  const durationMs = end?.type === 'run.end' ? end.durationMs : Math.max(0, (events.at(-1)?.at ?? 0) - (start?.at ?? 0));
  return { id, playbook: start?.type === 'run.start' ? start.playbook : '', durationMs, tasks };
}

/**
 * Each task's row time from a summary.json kept on its own. It lists the
 * 100 slowest tasks only, without their occurrence number: n is counted
 * in task order (ids follow the order tasks were first reached).
 */
export function timesFromSummary(id: string, summary: unknown): RunTimes {
  const s = (summary ?? {}) as { playbook?: string; durationMs?: number; tasks?: Array<{ id: number; name: string; role?: string; path: string; handler?: boolean; seconds: number }> };
  const rows = [...(s.tasks ?? [])].sort((x, y) => x.id - y.id);
  const seen = new Map<string, number>();
  const tasks = rows.map((t): TaskTime => {
    const k = `${t.role ?? ''}\u0000${t.name}\u0000${t.handler ? 'h' : ''}`;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return { ...(t.role !== undefined ? { role: t.role } : {}), name: t.name, n, path: t.path, play: 0, handler: Boolean(t.handler), seconds: t.seconds };
  });
  return { id, playbook: s.playbook ?? '', durationMs: s.durationMs ?? 0, tasks };
}

const keyOf = (t: TaskTime) => `${t.role ?? ''}\u0000${t.name}\u0000${t.n}\u0000${t.handler ? 'h' : ''}`;

/** Pairs A's and B's tasks: by key; within a key, the same file position first, then in play order. */
export function matchTasks(a: readonly TaskTime[], b: readonly TaskTime[]): { pairs: Array<[TaskTime, TaskTime]>; onlyA: TaskTime[]; onlyB: TaskTime[] } {
  const group = (list: readonly TaskTime[]) => {
    const m = new Map<string, TaskTime[]>();
    for (const t of list) m.set(keyOf(t), [...(m.get(keyOf(t)) ?? []), t]);
    return m;
  };
  const inB = group(b);
  const pairs: Array<[TaskTime, TaskTime]> = [];
  const onlyA: TaskTime[] = [];
  const used = new Set<TaskTime>();
  const leftA: TaskTime[] = [];
  // Ties broken by position: the same file:line in both runs goes together first.
  for (const t of a) {
    const same = (inB.get(keyOf(t)) ?? []).find((x) => !used.has(x) && x.path === t.path);
    if (same) (used.add(same), pairs.push([t, same]));
    else leftA.push(t);
  }
  for (const t of leftA) {
    const other = (inB.get(keyOf(t)) ?? []).find((x) => !used.has(x));
    if (other) (used.add(other), pairs.push([t, other]));
    else onlyA.push(t);
  }
  const order = new Map(a.map((t, i) => [t, i]));
  pairs.sort((x, y) => order.get(x[0])! - order.get(y[0])!);
  return { pairs, onlyA, onlyB: b.filter((t) => !used.has(t)) };
}

const round = (s: number) => Math.round(s * 1000) / 1000;
const ratioOf = (a: number, b: number) => (a > 0 ? round(b / a) : null);

/** The comparison of two runs' task times. */
export function compareRuns(A: RunTimes, B: RunTimes, opts: CompareOptions): Comparison {
  const floor = opts.noiseFloorS ?? NOISE_FLOOR_S;
  const { pairs, onlyA, onlyB } = matchTasks(A.tasks, B.tasks);
  const tasks = pairs.map(([x, y]): TaskRow => {
    const ratio = ratioOf(x.seconds, y.seconds);
    const slower = ratio === null ? y.seconds > 0 : ratio > 1 + opts.threshold;
    const row: TaskRow = {
      name: x.name,
      n: x.n,
      handler: x.handler,
      pathA: x.path,
      pathB: y.path,
      a: x.seconds,
      b: y.seconds,
      delta: round(y.seconds - x.seconds),
      ratio,
      regression: slower && Math.max(x.seconds, y.seconds) >= floor,
    };
    return x.role !== undefined ? { role: x.role, ...row } : row;
  });
  const roleNames = [...new Set([...A.tasks, ...B.tasks].flatMap((t) => (t.role === undefined ? [] : [t.role])))];
  const sum = (list: TaskTime[], role: string) => round(list.filter((t) => t.role === role).reduce((s, t) => s + t.seconds, 0));
  const roles = roleNames.map((name) => total(name, sum(A.tasks, name), sum(B.tasks, name)));
  return {
    a: { id: A.id, playbook: A.playbook },
    b: { id: B.id, playbook: B.playbook },
    threshold: opts.threshold,
    noiseFloorS: floor,
    tasks,
    onlyA,
    onlyB,
    roles,
    run: total('run', round(A.durationMs / 1000), round(B.durationMs / 1000)),
    regressions: tasks.filter((t) => t.regression).length,
  };
}

function total(name: string, a: number, b: number): TotalRow {
  return { name, a, b, delta: round(b - a), ratio: ratioOf(a, b) };
}

/** `20%` or `20`: a percentage, as a fraction (0.2). */
export function parseThreshold(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  return m ? Number(m[1]) / 100 : undefined;
}
