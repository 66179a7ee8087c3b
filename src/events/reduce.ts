/**
 * The run as the screen sees it, built from events alone: a pure
 * `reduce(state, event) → state`. The TUI keeps the latest state and renders
 * it; replay and tests feed the same function from `events.jsonl`.
 *
 * States are never mutated. Per-host and per-task lists are kept in small
 * persistent vectors (`Vec`), so one event costs a few dozen copied slots
 * even with thousands of hosts, instead of a copy of every host.
 */
import type { HostStats, ModuleResult } from '../model/index.js';
import { formatDiff } from '../model/diff.js';
import type { EngineInfo, EventOf, RunEvent, TaskRef } from './types.js';
import { emptyVec, transiently, vecGet, vecPush, vecSet, type Vec } from './vec.js';
import { emptyProfile, stepProfile, type ProfileState } from './profile.js';
import { addStats, statsDelta, sumStats, zeroStats } from './stats.js';

export { emptyVec, vecFrom, vecGet, vecPush, vecSet, vecToArray, type Vec } from './vec.js';

// ------------------------------------------------------------------- the state

/** What a host is doing, as the host table shows it. */
export type HostStatus = 'waiting' | 'running' | 'done' | 'failed' | 'unreachable' | 'skipped' | 'cancelled';

/** A group under a budget (`max_concurrent_per`), as its last `group.update` said. */
export interface GroupView {
  key: string;
  busy: number;
  allowed: number;
  done: number;
  failed: number;
  cancelled: number;
  waiting: number;
}

/** How one task ended on one host. */
export type ResultStatus = 'running' | 'ok' | 'changed' | 'failed' | 'ignored' | 'skipped' | 'unreachable';

/** One task on one host, for the drill-down. Output is capped (see `OUTPUT_CAP`). */
export interface HostTaskEntry {
  taskId: number;
  /** `role : name` or `name`. */
  title: string;
  status: ResultStatus;
  startAt: number;
  endAt?: number;
  rc?: number;
  /** First line of the module's message (or of stderr/stdout on a failure). */
  summary?: string;
  stdout: string;
  stderr: string;
  /** Until-loop retries seen so far. */
  retries: number;
  /** The host a delegated task ran on (`delegate_to`), and its address when that differs. */
  delegate?: string;
  delegateAddress?: string;
  /** A changed result's diff (under --diff), as ansible's default callback prints it. */
  diff?: string;
}

/** One host's row. */
export interface HostView {
  name: string;
  /** Position in the run's host list (inventory order). */
  order: number;
  status: HostStatus;
  /** The task running on the host now. */
  current?: { taskId: number; title: string; startAt: number };
  /** The current task runs longer than usual (`host.slow`): its p95 in earlier runs, ms. Cleared when the task ends. */
  slow?: { taskId: number; p95Ms: number };
  /** The last finished task's outcome. */
  last?: { status: ResultStatus; title: string; summary?: string; at: number };
  stats: HostStats;
  /** Ran at least one task. */
  touched: boolean;
  /** Every play it was in so far ended normally (no abort). */
  finished: boolean;
  failedFlag: boolean;
  unreachableFlag: boolean;
  /** `title: first line` of the first failure (a rescued one is taken back). */
  firstError?: string;
  /** The task whose failure set `firstError`. */
  firstErrorTask?: number;
  /** Failures a rescue handled so far. */
  rescues: number;
  /** Its group's key, when the play has a budget. */
  group?: string;
  tasks: Vec<HostTaskEntry>;
}

/** An async job on a host (the async panel). `limit` and `elapsed` in seconds, as the events give them. */
export interface AsyncJob {
  jid: string;
  host: string;
  title: string;
  startAt: number;
  limit: number;
  /** `poll:` of the starting task (0: nobody waits for it unless `async_status` reads it). */
  poll?: number;
  elapsed: number;
  polls: number;
  /** Event time (ms) of the next poll. */
  nextPollAt?: number;
  lastLine?: string;
  /** `reason` is set when the exit code is not known (rc -1): see `async.done`. */
  done?: { rc: number; timedOut: boolean; at: number; reason?: 'cleaned' | 'missing' | 'killed' };
  /** The run ended before anything saw the job end: started, not awaited (elapsed is frozen at the run's end). */
  notAwaited?: boolean;
}

/** The whole run as the UI sees it. */
export interface RunState {
  runId?: string;
  /** run.start's `engine`: set under ansible-core or when `--engine auto` chose. */
  engine?: EngineInfo;
  playbook?: string;
  runDir?: string;
  check: boolean;
  /** `at` of `run.start`. */
  startAt?: number;
  /** `at` of the latest event. */
  lastAt: number;
  end?: {
    at: number;
    exitCode: number;
    aborted: boolean;
    durationMs: number;
    stats: Record<string, HostStats>;
    /** `set_stats` data (run.end's `custom`). */
    custom?: Record<string, Record<string, unknown>>;
  };
  play?: { index: number; total: number; name: string; hosts: number };
  batch?: { index: number; total: number; hosts: number };
  counts: HostStats;
  hosts: Vec<HostView>;
  hostIndex: Readonly<Record<string, number>>;
  /** Hosts of the play now running. */
  playHosts: readonly string[];
  /** Task and role timings (the timeline, the final recaps): see `profile.ts`. */
  profile: ProfileState;
  /** Async jobs by jid, running and done. */
  async: Readonly<Record<string, AsyncJob>>;
  abort?: { mode: 'drain' | 'kill'; source: string; at: number; done?: 'drain' | 'kill' };
  /** Between `run.paused` and `run.resumed` (or an abort). */
  paused: boolean;
  /** `--step`: the task the engine is waiting to be told about (`step.ask` until `step.answer`, an abort or the end). */
  stepAsking?: string;
  /** The last few warnings. */
  warnings: readonly string[];
  /** Groups under a budget, by key. */
  groups: Readonly<Record<string, GroupView>>;
}

/** Characters of stdout/stderr kept per task and host (the tail). */
export const OUTPUT_CAP = 2048;
const WARNINGS_KEPT = 5;

/** The state before any event. */
export function initialState(): RunState {
  return {
    check: false,
    lastAt: 0,
    counts: zeroStats(),
    hosts: emptyVec(),
    hostIndex: {},
    playHosts: [],
    profile: emptyProfile(),
    async: {},
    paused: false,
    warnings: [],
    groups: {},
  };
}

/** `role : name` or `name`, as the screen names a task. */
export function taskTitle(task: Pick<TaskRef, 'name' | 'role'>): string {
  return task.role ? `${task.role} : ${task.name}` : task.name;
}

/** The next state. Pure: `state` is left as it was. */
export function reduce(state: RunState, event: RunEvent): RunState {
  return counted(apply(state, event), event);
}

/**
 * The state after all of `events`, as `reduce` one by one would give it,
 * but folded in one go: each touched chunk of the host and task lists is
 * copied once for the whole burst, not once per event (`transiently`).
 */
export function reduceAll(state: RunState, events: readonly RunEvent[]): RunState {
  if (events.length === 1) return reduce(state, events[0]!);
  return transiently(() => {
    let s = state;
    for (const e of events) s = reduce(s, e);
    return s;
  });
}

/** The live counts: the same tally the engine makes for `run.end` (events/stats.ts). */
function counted(s: RunState, e: RunEvent): RunState {
  const d = 'host' in e ? statsDelta(e) : undefined;
  if (!d || !('host' in e)) return s;
  const next = ensureHost(s, e.host);
  // One copy of the state for both tallies (this runs for most events).
  const i = next.hostIndex[e.host]!;
  const h = vecGet(next.hosts, i)!;
  return { ...next, counts: addStats(next.counts, d), hosts: vecSet(next.hosts, i, { ...h, stats: addStats(h.stats, d) }) };
}

function apply(state: RunState, event: RunEvent): RunState {
  const s: RunState = { ...state, lastAt: Math.max(state.lastAt, event.at), profile: stepProfile(state.profile, event) };
  switch (event.type) {
    case 'run.start':
      return runStart(s, event);
    case 'play.start':
      return playStart(s, event);
    case 'batch.start':
      return { ...s, batch: { index: event.index, total: event.total, hosts: event.hosts.length } };
    case 'task.start':
    case 'handler.start':
      return s;
    case 'host.start':
      return hostStart(s, event);
    case 'host.ok':
      return event.item !== undefined ? s : hostEnd(s, event, event.changed ? 'changed' : 'ok');
    case 'host.failed':
      return event.item !== undefined ? s : hostEnd(s, event, event.ignored ? 'ignored' : 'failed');
    case 'host.skipped':
      return event.item !== undefined ? s : hostEnd(s, event, 'skipped');
    case 'host.unreachable':
      return hostEnd(s, event, event.ignored ? 'ignored' : 'unreachable');
    case 'host.retry':
      return updateEntry(s, event.host, event.task.id, (e) => ({ ...e, retries: e.retries + 1 }));
    case 'host.rescued':
      return hostRescued(s, event);
    case 'host.output':
      return updateEntry(s, event.host, event.task.id, (e) =>
        event.stream === 'stdout' ? { ...e, stdout: tail(e.stdout + event.chunk) } : { ...e, stderr: tail(e.stderr + event.chunk) },
      );
    case 'host.command':
      // A command's text and timing are a detail of plain output and run.log at -vvv.
      return s;
    case 'async.start':
    case 'async.poll':
    case 'async.done':
      return asyncEvent(s, event);
    case 'group.update':
      return groupUpdate(s, event);
    case 'host.cancelled':
      return updateHost(s, event.host, (h) => ({ ...h, status: 'cancelled', current: undefined, firstError: h.firstError ?? event.reason }));
    case 'host.slow':
      return updateHost(s, event.host, (h) => (h.current?.taskId === event.task.id ? { ...h, slow: { taskId: event.task.id, p95Ms: event.p95Ms } } : h));
    case 'warning':
      return { ...s, warnings: [...s.warnings, event.message].slice(-WARNINGS_KEPT) };
    case 'step.ask':
      return { ...s, stepAsking: event.label };
    case 'step.answer':
      return { ...s, stepAsking: undefined };
    case 'run.paused':
      return { ...s, paused: true };
    case 'run.resumed':
      return { ...s, paused: false };
    case 'abort.requested':
      return { ...s, paused: false, stepAsking: undefined, abort: { mode: event.mode, source: event.source, at: event.at } };
    case 'abort.done':
      return { ...s, abort: { ...(s.abort ?? { mode: event.mode, source: 'engine', at: event.at }), done: event.mode } };
    case 'play.end':
      return playEnd(s);
    case 'run.end':
      return runEnd(s, event);
  }
}

function runStart(s: RunState, e: EventOf<'run.start'>): RunState {
  const next: RunState = { ...s, runId: e.runId, playbook: e.playbook, runDir: e.runDir, check: e.check, startAt: e.at, ...(e.engine ? { engine: e.engine } : {}) };
  return ensureHosts(next, e.hosts);
}

function playStart(s: RunState, e: EventOf<'play.start'>): RunState {
  let next: RunState = {
    ...s,
    play: { index: e.index, total: e.total, name: e.name, hosts: e.hosts.length },
    batch: undefined,
    playHosts: e.hosts,
  };
  for (const h of e.hosts) {
    next = ensureHost(next, h);
    next = updateHost(next, h, (v) => ({ ...v, finished: false, status: statusOf({ ...v, finished: false }) }));
  }
  return next;
}

function playEnd(s: RunState): RunState {
  // After an abort the play did not run to its end: its hosts are unfinished.
  if (s.abort) return s;
  let next = s;
  for (const h of s.playHosts) next = updateHost(next, h, (v) => ({ ...v, finished: true, status: statusOf({ ...v, finished: true }) }));
  return next;
}

function runEnd(s: RunState, e: EventOf<'run.end'>): RunState {
  let next: RunState = {
    ...unawaitedJobs(s, e.at),
    end: { at: e.at, exitCode: e.exitCode, aborted: e.aborted, durationMs: e.durationMs, stats: e.stats, ...(e.custom ? { custom: e.custom } : {}) },
    counts: sumStats(Object.values(e.stats)),
  };
  for (const [name, st] of Object.entries(e.stats)) {
    next = ensureHost(next, name);
    next = updateHost(next, name, (v) => {
      const h: HostView = { ...v, stats: st, failedFlag: st.failed > 0, unreachableFlag: st.unreachable > 0, current: undefined };
      return { ...h, status: statusOf(h) };
    });
  }
  return next;
}

function hostStart(s: RunState, e: EventOf<'host.start'>): RunState {
  const next = ensureHost(s, e.host);
  const title = taskTitle(e.task);
  const entry: HostTaskEntry = { taskId: e.task.id, title, status: 'running', startAt: e.at, stdout: '', stderr: '', retries: 0 };
  return updateHost(next, e.host, (h) => {
    const v: HostView = { ...h, touched: true, current: { taskId: e.task.id, title, startAt: e.at }, tasks: vecPush(h.tasks, entry) };
    v.status = statusOf(v);
    return v;
  });
}

type EndEvent = EventOf<'host.ok'> | EventOf<'host.failed'> | EventOf<'host.skipped'> | EventOf<'host.unreachable'>;

function hostEnd(s: RunState, e: EndEvent, status: ResultStatus): RunState {
  const next = ensureHost(s, e.host);
  const title = taskTitle(e.task);
  const summary = summarize(e.result, status);
  const started: HostTaskEntry = { taskId: e.task.id, title, status: 'running', startAt: e.at, stdout: '', stderr: '', retries: 0 };
  // The row and its task entry in one update of the host (the hottest event of a run).
  return updateHost(next, e.host, (h) => {
    const v: HostView = {
      ...h,
      touched: true,
      current: h.current?.taskId === e.task.id ? undefined : h.current,
      slow: h.slow?.taskId === e.task.id ? undefined : h.slow,
      last: { status, title, at: e.at, ...(summary !== undefined ? { summary } : {}) },
      failedFlag: h.failedFlag || status === 'failed',
      unreachableFlag: h.unreachableFlag || status === 'unreachable',
      tasks: entriesWith(h.tasks, e.task.id, (entry) => endedEntry(entry, e, status, summary), started),
    };
    if ((status === 'failed' || status === 'unreachable') && v.firstError === undefined) {
      v.firstError = summary ? `${title}: ${summary}` : title;
      v.firstErrorTask = e.task.id;
    }
    v.status = statusOf(v);
    return v;
  });
}

/** A host's task entry once the task ended on it. */
function endedEntry(entry: HostTaskEntry, e: EndEvent, status: ResultStatus, summary: string | undefined): HostTaskEntry {
  const done: HostTaskEntry = {
    ...entry,
    status,
    endAt: e.at,
    stdout: typeof e.result.stdout === 'string' && e.result.stdout !== '' ? tail(e.result.stdout) : entry.stdout,
    stderr: typeof e.result.stderr === 'string' && e.result.stderr !== '' ? tail(e.result.stderr) : entry.stderr,
  };
  if (typeof e.result.rc === 'number') done.rc = e.result.rc;
  if (summary !== undefined) done.summary = summary;
  if (e.delegate) Object.assign(done, { delegate: e.delegate }, e.delegateAddress ? { delegateAddress: e.delegateAddress } : {});
  if (e.type === 'host.ok' && e.changed && e.result.diff) done.diff = tail(formatDiff(e.result.diff));
  return done;
}

/**
 * A rescue section starts for the host: the failure it handles is not the
 * host's, so the host is running again (its rescue), not failed.
 */
function hostRescued(s: RunState, e: EventOf<'host.rescued'>): RunState {
  return updateHost(s, e.host, (h) => {
    const v: HostView = { ...h, failedFlag: false, rescues: h.rescues + 1 };
    if (h.firstErrorTask === e.task.id) {
      delete v.firstError;
      delete v.firstErrorTask;
    }
    return { ...v, status: statusOf(v) };
  });
}

function asyncEvent(s: RunState, e: EventOf<'async.start'> | EventOf<'async.poll'> | EventOf<'async.done'>): RunState {
  const prev: AsyncJob = s.async[e.jid] ?? {
    jid: e.jid,
    host: e.host,
    title: taskTitle(e.task),
    startAt: e.at,
    limit: 0,
    elapsed: 0,
    polls: 0,
  };
  let job: AsyncJob;
  if (e.type === 'async.start') {
    job = { ...prev, limit: e.limit, poll: e.poll, startAt: e.at };
    if (e.poll > 0) job.nextPollAt = e.at + e.poll * 1000;
  } else if (e.type === 'async.poll') {
    job = { ...unplanned(prev), elapsed: e.elapsed, limit: e.limit, polls: e.polls };
    // 0: no next read is planned (a status read outside an until loop, or the last one).
    if (e.nextPollIn > 0) job.nextPollAt = e.at + e.nextPollIn * 1000;
    if (e.lastLine !== undefined) job.lastLine = e.lastLine;
  } else {
    job = { ...unplanned(prev), elapsed: e.duration, done: { rc: e.rc, timedOut: e.timedOut, at: e.at, ...(e.reason ? { reason: e.reason } : {}) } };
  }
  return { ...s, async: { ...s.async, [e.jid]: job } };
}

/** The job without a next poll planned. */
function unplanned(j: AsyncJob): AsyncJob {
  const { nextPollAt: _, ...rest } = j;
  return rest;
}

/** At the run's end, jobs nothing saw end are started, not awaited: no longer running as far as the run can tell. */
function unawaitedJobs(s: RunState, at: number): RunState {
  const open = Object.values(s.async).filter((j) => !j.done && !j.notAwaited);
  if (open.length === 0) return s;
  const async = { ...s.async };
  for (const j of open) {
    async[j.jid] = { ...unplanned(j), notAwaited: true, elapsed: Math.max(j.elapsed, (at - j.startAt) / 1000) };
  }
  return { ...s, async };
}

// ---------------------------------------------------------------------- helpers

function groupUpdate(s: RunState, e: EventOf<'group.update'>): RunState {
  const { key, busy, allowed, done, failed, cancelled, waiting } = e;
  let next: RunState = { ...s, groups: { ...s.groups, [key]: { key, busy, allowed, done, failed, cancelled, waiting } } };
  for (const h of e.hosts) {
    next = ensureHost(next, h);
    if (vecGet(next.hosts, next.hostIndex[h]!)!.group !== key) next = updateHost(next, h, (v) => ({ ...v, group: key }));
  }
  return next;
}

function ensureHost(s: RunState, name: string): RunState {
  return ensureHosts(s, [name]);
}

/** Adds the hosts not seen yet, copying the name index once (run.start names them all: not once per host). */
function ensureHosts(s: RunState, names: readonly string[]): RunState {
  let hosts = s.hosts;
  let index: Record<string, number> | undefined;
  for (const name of names) {
    if ((index ?? s.hostIndex)[name] !== undefined) continue;
    index ??= { ...s.hostIndex };
    index[name] = hosts.length;
    hosts = vecPush(hosts, newHostView(name, hosts.length));
  }
  return index ? { ...s, hosts, hostIndex: index } : s;
}

function newHostView(name: string, order: number): HostView {
  return {
    name,
    order,
    status: 'waiting',
    stats: zeroStats(),
    touched: false,
    finished: false,
    failedFlag: false,
    unreachableFlag: false,
    rescues: 0,
    tasks: emptyVec(),
  };
}

function updateHost(s: RunState, name: string, fn: (h: HostView) => HostView): RunState {
  const i = s.hostIndex[name];
  return i === undefined ? s : { ...s, hosts: vecSet(s.hosts, i, fn(vecGet(s.hosts, i)!)) };
}

/** Updates the host's latest entry for `taskId`; adds `fallback` first when there is none. */
function updateEntry(
  s: RunState,
  host: string,
  taskId: number,
  fn: (e: HostTaskEntry) => HostTaskEntry,
  fallback?: HostTaskEntry,
): RunState {
  return updateHost(s, host, (h) => {
    const tasks = entriesWith(h.tasks, taskId, fn, fallback);
    return tasks === h.tasks ? h : { ...h, tasks };
  });
}

/** `tasks` with the latest entry for `taskId` updated; `fallback` added first when there is none (else `tasks` itself). */
function entriesWith(tasks: Vec<HostTaskEntry>, taskId: number, fn: (e: HostTaskEntry) => HostTaskEntry, fallback?: HostTaskEntry): Vec<HostTaskEntry> {
  const i = tasks.length - 1;
  const last = vecGet(tasks, i);
  if (last && last.taskId === taskId) return vecSet(tasks, i, fn(last));
  return fallback ? vecPush(tasks, fn(fallback)) : tasks;
}

/** Status from the flags: running beats everything, then failures, then finished. */
function statusOf(h: HostView): HostStatus {
  if (h.current) return 'running';
  if (h.unreachableFlag) return 'unreachable';
  if (h.failedFlag) return 'failed';
  if (h.finished && h.touched) return h.stats.ok === 0 && h.stats.skipped > 0 ? 'skipped' : 'done';
  return 'waiting';
}

/** A one-line summary of a result: the failure reason or the module's message. */
function summarize(r: ModuleResult, status: ResultStatus): string | undefined {
  const first = (v: unknown) => (typeof v === 'string' ? v.split('\n').find((l) => l.trim() !== '')?.trim() : undefined);
  if (status === 'failed' || status === 'unreachable' || status === 'ignored') {
    const detail = first(r.stderr) ?? first(r.msg) ?? first(r.stdout);
    const rc = typeof r.rc === 'number' && r.rc !== 0 ? `rc=${r.rc}` : undefined;
    return [rc, detail].filter(Boolean).join(' ') || undefined;
  }
  if (status === 'skipped') return first(r.skip_reason) ?? first(r.skipped_reason);
  return first(r.msg) ?? first(r.stdout);
}

function tail(s: string): string {
  return s.length <= OUTPUT_CAP ? s : s.slice(s.length - OUTPUT_CAP);
}
