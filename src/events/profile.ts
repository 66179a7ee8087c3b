/**
 * The one profiler: how long each task and role took, from events alone.
 * Plain output, run.log, summary.json and the TUI (live timeline and final
 * view) all read it, so every view of a run shows the same figures.
 *
 * A task's row time is its longest single-host run (`host.start` to that
 * host's final event for the task: ok, failed or skipped without `item`,
 * or unreachable), summed over `serial` batches, with the batch count.
 * Beside it: the median host run and the wall span (first host start to
 * last host end, summed over batches). profile_tasks' figure, the gap
 * between two task starts, is exactly what not to use: under
 * `strategy: free` a trivial task run after another host's `sleep 3` would
 * read 3 s.
 *
 * A role's time is the sum of its tasks' row times, as ansible's
 * profile_roles sums. Under the linear strategy every host waits for the
 * slowest at each task, so the sum is the role's wall time; under `free` it
 * is what the role costs its slowest host at each step (an upper bound on
 * any one host's time in the role), never the idle gaps between tasks.
 *
 * Incremental and pure: `stepProfile(state, event)` returns a new state
 * and leaves the old one as it was, so `reduce` keeps it in the TUI's
 * `RunState`, and reporters fold the same events with the same function.
 *
 * Task identity: events carry `task.id`. From schema 2 on it is static (one
 * id for every host's run of a task, in every batch). Schema 1 engines gave
 * each run a new id (each serial batch, each host under `free`); there a
 * new id joins the earlier task with the same path, role and name unless
 * its host already ran that task in the current batch (then it is the same
 * file included again, a task of its own).
 *
 * Batches: each `play.start` and `batch.start` begins a new batch. A host
 * that runs a task again within one batch (a handler flushed twice) adds
 * the second run to its time for that batch.
 */
import { emptyVec, vecFrom, vecGet, vecPush, vecSet, vecToArray, type Vec } from './vec.js';
import type { RunEvent, TaskRef } from './types.js';

// ------------------------------------------------------------------- the state

/** One task's run in one batch, over its hosts. */
interface Round {
  /** Creation order over the whole run: breaks ties between equal starts. */
  seq: number;
  /** The batch it belongs to (see `ProfileState.batch`). */
  batch: number;
  /** `task.start` time when the task was announced in this batch. */
  announced?: number;
  firstStart?: number;
  lastEnd?: number;
  /** Hosts running it now. */
  open: number;
  /** Each host's time on the task in this batch, ms (a running host's time so far is added at query time). */
  hostMs: Vec<number>;
}

/** One task (one row), by id. */
interface TaskAcc {
  ref: TaskRef;
  handler: boolean;
  /** The latest `task.start`/`handler.start` time: where a host end without a start counts from. */
  announced?: number;
  rounds: readonly Round[];
}

/** What one host is doing, for the profiler. */
interface HostTrack {
  open?: { task: number; round: number; slot: number; start: number };
  lastEnd?: number;
  /** The batch `slots` belongs to. */
  batch: number;
  /** Task index → its slot in that task's round, for the tasks the host ran in `batch`. */
  slots: Readonly<Record<number, number>>;
}

/** The profiler's state: feed it with `stepProfile`, ask it with `profileTasks`, `profileRoles`, `profileTimeline`. */
export interface ProfileState {
  readonly schema: number;
  /** `at` of `run.start`: offsets count from it. */
  readonly origin: number;
  readonly lastAt: number;
  /** `at` of `run.end`: a task still open then lasts until it. */
  readonly endAt?: number;
  /** Batch counter: one more at each `play.start` and `batch.start`. */
  readonly batch: number;
  readonly rounds: number;
  readonly tasks: Vec<TaskAcc>;
  /** Task id → index in `tasks`. */
  readonly taskOf: Readonly<Record<number, number>>;
  /** Schema 1: path, role and name → the latest task index with them. */
  readonly byName: Readonly<Record<string, number>>;
  /** Schema 1: ids announced by `task.start` whose task is known once a host runs them. */
  readonly pending: Readonly<Record<number, { at: number; handler: boolean }>>;
  readonly hostOf: Readonly<Record<string, number>>;
  readonly hosts: Vec<HostTrack>;
}

/** The profiler before any event. */
export function emptyProfile(): ProfileState {
  return { schema: 1, origin: 0, lastAt: 0, batch: 0, rounds: 0, tasks: emptyVec(), taskOf: {}, byName: {}, pending: {}, hostOf: {}, hosts: emptyVec() };
}

/** The profile of a whole (or partial) event stream. */
export function profileOf(events: Iterable<RunEvent>): ProfileState {
  let p = emptyProfile();
  for (const e of events) p = stepProfile(p, e);
  return p;
}

// ------------------------------------------------------------------- stepping

/** The next profiler state. Pure: `p` is left as it was. */
export function stepProfile(p: ProfileState, e: RunEvent): ProfileState {
  const s: ProfileState = e.at > p.lastAt ? { ...p, lastAt: e.at } : p;
  switch (e.type) {
    case 'run.start':
      return withHosts({ ...s, schema: e.schema, origin: e.at }, e.hosts);
    case 'play.start':
    case 'batch.start':
      return { ...s, batch: s.batch + 1 };
    case 'task.start':
    case 'handler.start':
      return announce(s, e.task, e.at, e.type === 'handler.start');
    case 'host.start':
      return hostStart(s, e.task, e.host, e.at);
    case 'host.ok':
    case 'host.failed':
    case 'host.skipped':
      return e.item === undefined ? hostEnd(s, e.task, e.host, e.at) : s;
    case 'host.unreachable':
      return hostEnd(s, e.task, e.host, e.at);
    case 'run.end':
      return { ...s, endAt: e.at };
    default:
      return s;
  }
}

function nameKey(ref: TaskRef): string {
  return `${ref.path}\u0000${ref.role ?? ''}\u0000${ref.name}`;
}

function announce(s: ProfileState, ref: TaskRef, at: number, handler: boolean): ProfileState {
  let i = s.taskOf[ref.id];
  if (i === undefined) {
    // Schema 1: which task a new id belongs to is known only once a host runs it.
    if (s.schema < 2 && s.byName[nameKey(ref)] !== undefined) return { ...s, pending: { ...s.pending, [ref.id]: { at, handler } } };
    ({ s, i } = addTask(s, ref, handler));
  }
  const t = vecGet(s.tasks, i)!;
  const rounds = [...t.rounds];
  const last = rounds.at(-1);
  if (last?.batch === s.batch) rounds[rounds.length - 1] = { ...last, announced: last.announced ?? at };
  else rounds.push(newRound(s, at));
  return { ...setTask(s, i, { ...t, announced: at, rounds }), rounds: last?.batch === s.batch ? s.rounds : s.rounds + 1 };
}

function newRound(s: ProfileState, announced?: number): Round {
  const r: Round = { seq: s.rounds, batch: s.batch, open: 0, hostMs: emptyVec() };
  if (announced !== undefined) r.announced = announced;
  return r;
}

function addTask(s: ProfileState, ref: TaskRef, handler: boolean): { s: ProfileState; i: number } {
  const i = s.tasks.length;
  const t: TaskAcc = { ref, handler: handler || ref.isHandler === true, rounds: [] };
  return {
    i,
    s: { ...s, tasks: vecPush(s.tasks, t), taskOf: { ...s.taskOf, [ref.id]: i }, byName: { ...s.byName, [nameKey(ref)]: i } },
  };
}

function setTask(s: ProfileState, i: number, t: TaskAcc): ProfileState {
  return { ...s, tasks: vecSet(s.tasks, i, t) };
}

/** Tracks for all of `names` at once: one copy of the index, not one per host. */
function withHosts(s: ProfileState, names: readonly string[]): ProfileState {
  const fresh = [...new Set(names)].filter((n) => s.hostOf[n] === undefined);
  if (fresh.length === 0) return s;
  const hostOf = { ...s.hostOf, ...Object.fromEntries(fresh.map((n, i) => [n, s.hosts.length + i])) };
  const tracks = fresh.map((): HostTrack => ({ batch: s.batch, slots: {} }));
  return { ...s, hostOf, hosts: vecFrom([...vecToArray(s.hosts), ...tracks]) };
}

/** The host's track, added when new; its slots reset when a new batch began. */
function track(s: ProfileState, host: string): { s: ProfileState; h: number; track: HostTrack } {
  let h = s.hostOf[host];
  if (h === undefined) {
    h = s.hosts.length;
    const fresh: HostTrack = { batch: s.batch, slots: {} };
    return { h, track: fresh, s: { ...s, hosts: vecPush(s.hosts, fresh), hostOf: { ...s.hostOf, [host]: h } } };
  }
  let t = vecGet(s.hosts, h)!;
  if (t.batch !== s.batch) t = { ...t, batch: s.batch, slots: {} };
  return { s, h, track: t };
}

/** The task index an event's id stands for; resolves a schema-1 pending id on its first host. */
function taskFor(s: ProfileState, ref: TaskRef, host: HostTrack): { s: ProfileState; i: number } {
  const known = s.taskOf[ref.id];
  if (known !== undefined) return { s, i: known };
  const pending = s.pending[ref.id];
  let next = s;
  if (pending) {
    const { [ref.id]: _, ...rest } = s.pending;
    next = { ...s, pending: rest };
  }
  const same = s.schema < 2 ? s.byName[nameKey(ref)] : undefined;
  let i: number;
  if (same !== undefined && host.slots[same] === undefined) {
    i = same;
    next = { ...next, taskOf: { ...next.taskOf, [ref.id]: i } };
  } else ({ s: next, i } = addTask(next, ref, pending?.handler ?? false));
  if (pending) next = announce(next, ref, pending.at, pending.handler);
  return { s: next, i };
}

/** The task's round for the current batch, created when missing. */
function currentRound(s: ProfileState, i: number): { s: ProfileState; r: number } {
  const t = vecGet(s.tasks, i)!;
  const last = t.rounds.at(-1);
  if (last?.batch === s.batch) return { s, r: t.rounds.length - 1 };
  const next = setTask(s, i, { ...t, rounds: [...t.rounds, newRound(s)] });
  return { s: { ...next, rounds: s.rounds + 1 }, r: t.rounds.length };
}

function updateRound(s: ProfileState, i: number, r: number, fn: (round: Round) => Round): ProfileState {
  const t = vecGet(s.tasks, i)!;
  const rounds = [...t.rounds];
  rounds[r] = fn(rounds[r]!);
  return setTask(s, i, { ...t, rounds });
}

/** The host's slot in the round (its time for this task in this batch), added when new. */
function slotFor(s: ProfileState, i: number, r: number, h: number, tr: HostTrack): { s: ProfileState; slot: number; track: HostTrack } {
  const have = tr.slots[i];
  if (have !== undefined) return { s, slot: have, track: tr };
  const slot = vecGet(s.tasks, i)!.rounds[r]!.hostMs.length;
  const next = updateRound(s, i, r, (round) => ({ ...round, hostMs: vecPush(round.hostMs, 0) }));
  return { s: next, slot, track: { ...tr, slots: { ...tr.slots, [i]: slot } } };
}

function hostStart(s0: ProfileState, ref: TaskRef, host: string, at: number): ProfileState {
  let { s, h, track: tr } = track(s0, host);
  // A host runs one task at a time: one still open ends where the next starts.
  if (tr.open) {
    s = closeRun(s, h, tr, at);
    tr = vecGet(s.hosts, h)!;
  }
  let i: number;
  ({ s, i } = taskFor(s, ref, tr));
  let r: number;
  ({ s, r } = currentRound(s, i));
  let slot: number;
  ({ s, slot, track: tr } = slotFor(s, i, r, h, tr));
  s = updateRound(s, i, r, (round) => ({ ...round, open: round.open + 1, firstStart: Math.min(round.firstStart ?? at, at) }));
  return { ...s, hosts: vecSet(s.hosts, h, { ...tr, open: { task: i, round: r, slot, start: at } }) };
}

function hostEnd(s0: ProfileState, ref: TaskRef, host: string, at: number): ProfileState {
  let { s, h, track: tr } = track(s0, host);
  let i: number;
  ({ s, i } = taskFor(s, ref, tr));
  if (tr.open?.task === i) return closeRun(s, h, tr, at);
  // An end without a start (a host skipped before it began): it counts from
  // the task's announcement or the host's previous end, whichever is later.
  const t = vecGet(s.tasks, i)!;
  const from = Math.min(at, Math.max(t.announced ?? at, tr.lastEnd ?? -Infinity));
  let r: number;
  ({ s, r } = currentRound(s, i));
  let slot: number;
  ({ s, slot, track: tr } = slotFor(s, i, r, h, tr));
  s = updateRound(s, i, r, (round) => ({ ...round, firstStart: Math.min(round.firstStart ?? from, from) }));
  return finish(s, h, tr, { task: i, round: r, slot, start: from }, at, false);
}

function closeRun(s: ProfileState, h: number, tr: HostTrack, at: number): ProfileState {
  return finish(s, h, tr, tr.open!, at, true);
}

function finish(s: ProfileState, h: number, tr: HostTrack, run: NonNullable<HostTrack['open']>, at: number, wasOpen: boolean): ProfileState {
  const ms = Math.max(0, at - run.start);
  const next = updateRound(s, run.task, run.round, (round) => ({
    ...round,
    open: wasOpen ? Math.max(0, round.open - 1) : round.open,
    lastEnd: Math.max(round.lastEnd ?? at, at),
    hostMs: vecSet(round.hostMs, run.slot, vecGet(round.hostMs, run.slot)! + ms),
  }));
  const { open: _, ...rest } = tr;
  return { ...next, hosts: vecSet(next.hosts, h, { ...rest, lastEnd: at }) };
}

// -------------------------------------------------------------------- queries

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
  const runs: Array<{ ref: TaskRef; seq: number; start: number; end: number; running: boolean }> = [];
  for (const t of vecToArray(p.tasks)) {
    for (const r of t.rounds) runs.push({ ref: t.ref, seq: r.seq, ...roundSpan(r, now, ended) });
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
    const entry: TimelineEntry = { kind: 'task', name: run.ref.name, startMs, durationMs: Math.round(run.end - run.start), running: run.running };
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
