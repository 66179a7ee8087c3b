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
 * The rows, role totals and timeline are read from it in `profile-view.ts`.
 *
 * Task identity: events carry `task.id`. From schema 2 on it is static (one
 * id for every host's run of a task occurrence, in every batch). Schema 1
 * engines gave each run a new id (each serial batch, each host under
 * `free`); so a new id joins the earlier task of the same play with the
 * same path, role and name, unless its host already ran that task in the
 * current batch: then it is another occurrence (a file included again), a
 * row of its own. Under schema 2 a new id with a known name is always such
 * an occurrence (a host counts its own arrivals), so the rule holds for both.
 *
 * Batches: each `play.start` and `batch.start` begins a new batch. A host
 * that runs a task again within one batch (a handler flushed twice) adds
 * the second run to its time for that batch.
 */
import { emptyVec, vecFrom, vecGet, vecPush, vecSet, vecToArray, type Vec } from './vec.js';
import type { RunEvent, TaskRef } from './types.js';

// ------------------------------------------------------------------- the state

/** One task's run in one batch, over its hosts. */
export interface Round {
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
  /** The largest of `hostMs`. */
  maxMs: number;
}

/** One task (one row), by id. */
export interface TaskAcc {
  ref: TaskRef;
  handler: boolean;
  /** The latest `task.start`/`handler.start` time: where a host end without a start counts from. */
  announced?: number;
  rounds: readonly Round[];
}

/** What one host is doing, for the profiler. */
export interface HostTrack {
  open?: { task: number; round: number; slot: number; start: number };
  lastEnd?: number;
  /** The batch `slots` belongs to. */
  batch: number;
  /** Task index → its slot in that task's round, for the tasks the host ran in `batch`. */
  slots: Readonly<Record<number, number>>;
}

/** The profiler's state: feed it with `stepProfile`, ask it with `profileTasks`, `profileRoles`, `profileTimeline`. */
export interface ProfileState {
  /** Index of the play now running (from `play.start`). */
  readonly play: number;
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
  /** Play, path, role and name → the latest task index with them. */
  readonly byName: Readonly<Record<string, number>>;
  /** New ids with a known name, announced by `task.start`: which task they are is known once a host runs them. */
  readonly pending: Readonly<Record<number, { at: number; handler: boolean }>>;
  readonly hostOf: Readonly<Record<string, number>>;
  readonly hosts: Vec<HostTrack>;
}

/** The profiler before any event. */
export function emptyProfile(): ProfileState {
  return { play: -1, origin: 0, lastAt: 0, batch: 0, rounds: 0, tasks: emptyVec(), taskOf: {}, byName: {}, pending: {}, hostOf: {}, hosts: emptyVec() };
}

/** The profile of a whole (or partial) event stream. */
export function profileOf(events: Iterable<RunEvent>): ProfileState {
  let p = emptyProfile();
  for (const e of events) p = stepProfile(p, e);
  return p;
}

/**
 * One profiler state for several views of one event stream (the plain
 * presenter, run.log's presenter, summary.json): the first view handed an
 * event steps the state, the others read the result, so the profiler runs
 * once per event however many views read it. Every view must be fed the
 * same stream; the bus hands each event (one object) to all of them. The
 * last few events are remembered, not just one: a reporter may emit while
 * the bus is handing out another event, so views later on the bus see the
 * two in the other order (each is still stepped once, in the order the
 * first view saw them).
 */
export class ProfileFeed {
  private state: ProfileState = emptyProfile();
  private readonly recent: RunEvent[] = [];

  /** The profile with `e` in it. */
  after(e: RunEvent): ProfileState {
    if (this.recent.includes(e)) return this.state;
    this.state = stepProfile(this.state, e);
    if (this.recent.length === RECENT) this.recent.shift();
    this.recent.push(e);
    return this.state;
  }

  /** The profile so far. */
  get current(): ProfileState {
    return this.state;
  }
}

/** Events a feed remembers as stepped: deeper than any nesting of emits. */
const RECENT = 8;

// ------------------------------------------------------------------- stepping

/** The next profiler state. Pure: `p` is left as it was. */
export function stepProfile(p: ProfileState, e: RunEvent): ProfileState {
  const next = stepped(p, e);
  if (!(e.at > p.lastAt)) return next;
  if (next === p) return { ...p, lastAt: e.at };
  // `next` is this step's own new object (no one else holds it yet): one copy of the state, not two.
  (next as { lastAt: number }).lastAt = e.at;
  return next;
}

/** The next state but for `lastAt`: `p` itself when the event changes nothing. */
function stepped(s: ProfileState, e: RunEvent): ProfileState {
  switch (e.type) {
    case 'run.start':
      return withHosts({ ...s, origin: e.at }, e.hosts);
    case 'play.start':
      return { ...s, play: e.index, batch: s.batch + 1 };
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

/** A task's name within the play: a new id with a known name may be another host's (or batch's) run of it. */
function nameKey(s: ProfileState, ref: TaskRef): string {
  return `${s.play}\u0000${ref.path}\u0000${ref.role ?? ''}\u0000${ref.name}`;
}

function announce(s: ProfileState, ref: TaskRef, at: number, handler: boolean): ProfileState {
  let i = s.taskOf[ref.id];
  if (i === undefined) {
    // A new id with a known name: which task it is is known only once a host runs it.
    if (s.byName[nameKey(s, ref)] !== undefined) return { ...s, pending: { ...s.pending, [ref.id]: { at, handler } } };
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
  const r: Round = { seq: s.rounds, batch: s.batch, open: 0, hostMs: emptyVec(), maxMs: 0 };
  if (announced !== undefined) r.announced = announced;
  return r;
}

function addTask(s: ProfileState, ref: TaskRef, handler: boolean): { s: ProfileState; i: number } {
  const i = s.tasks.length;
  const t: TaskAcc = { ref, handler: handler || ref.isHandler === true, rounds: [] };
  return {
    i,
    s: { ...s, tasks: vecPush(s.tasks, t), taskOf: { ...s.taskOf, [ref.id]: i }, byName: { ...s.byName, [nameKey(s, ref)]: i } },
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

/** The task index an event's id stands for; a new id with a known name is resolved on its first host. */
function taskFor(s: ProfileState, ref: TaskRef, host: HostTrack): { s: ProfileState; i: number } {
  const known = s.taskOf[ref.id];
  if (known !== undefined) return { s, i: known };
  const pending = s.pending[ref.id];
  let next = s;
  if (pending) {
    const { [ref.id]: _, ...rest } = s.pending;
    next = { ...s, pending: rest };
  }
  const same = s.byName[nameKey(s, ref)];
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

/**
 * The host's slot in the round (its time for this task in this batch), added
 * when new; `also` changes the round in the same copy (one copy per event).
 */
function slotFor(
  s: ProfileState,
  i: number,
  r: number,
  h: number,
  tr: HostTrack,
  also: (round: Round) => Round,
): { s: ProfileState; slot: number; track: HostTrack } {
  const have = tr.slots[i];
  if (have !== undefined) return { s: updateRound(s, i, r, also), slot: have, track: tr };
  const slot = vecGet(s.tasks, i)!.rounds[r]!.hostMs.length;
  const next = updateRound(s, i, r, (round) => also({ ...round, hostMs: vecPush(round.hostMs, 0) }));
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
  ({ s, slot, track: tr } = slotFor(s, i, r, h, tr, (round) => ({ ...round, open: round.open + 1, firstStart: Math.min(round.firstStart ?? at, at) })));
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
  ({ s, slot, track: tr } = slotFor(s, i, r, h, tr, (round) => ({ ...round, firstStart: Math.min(round.firstStart ?? from, from) })));
  return finish(s, h, tr, { task: i, round: r, slot, start: from }, at, false);
}

function closeRun(s: ProfileState, h: number, tr: HostTrack, at: number): ProfileState {
  return finish(s, h, tr, tr.open!, at, true);
}

function finish(s: ProfileState, h: number, tr: HostTrack, run: NonNullable<HostTrack['open']>, at: number, wasOpen: boolean): ProfileState {
  const ms = Math.max(0, at - run.start);
  const next = updateRound(s, run.task, run.round, (round) => {
    const hostMs = vecGet(round.hostMs, run.slot)! + ms;
    return {
      ...round,
      open: wasOpen ? Math.max(0, round.open - 1) : round.open,
      lastEnd: Math.max(round.lastEnd ?? at, at),
      hostMs: vecSet(round.hostMs, run.slot, hostMs),
      maxMs: Math.max(round.maxMs, hostMs),
    };
  });
  // The track without `open` (spelled out: an object rest is V8's slow path, and this runs for every result).
  const ended: HostTrack = { batch: tr.batch, slots: tr.slots, lastEnd: at };
  return { ...next, hosts: vecSet(next.hosts, h, ended) };
}
