/**
 * `summary.json` in the run directory: what a person (or the mail, or a
 * dashboard) needs to know about a finished run without reading the log:
 * stats per host, the hosts that failed with their first error, the slowest
 * tasks, role totals, the timeline, exit code, duration, whether aborted.
 * Everything comes from events.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  emptyProfile,
  profileRoles,
  profileTasks,
  profileTimeline,
  stepProfile,
  type ProfileFeed,
  type EventOf,
  type Reporter,
  type RoleTiming,
  type RunEvent,
  type TaskTiming,
  type TimelineEntry,
} from '../events/index.js';
import type { HostStats, ModuleResult } from '../model/index.js';
import { taskTitle } from './plain.js';
import { inert } from '../text/index.js';

/** The file name of the summary inside a run directory. */
export const SUMMARY_FILE = 'summary.json';

/** Slowest tasks kept in the summary, as in the run log. */
export const SUMMARY_TASK_LIMIT = 100;

/** Lines of output kept with each host's first failure. */
const TAIL_LINES = 20;

/** The first thing that went wrong on a host. */
export interface HostFailure {
  host: string;
  kind: 'failed' | 'unreachable';
  /** `role : task`, as in banners. */
  task: string;
  /** `file:line:col` of the task. */
  path: string;
  /** The one line that says what went wrong (for a subject line). */
  line: string;
  /** The last lines of the result's output (msg, stderr, stdout). */
  tail: string[];
  /** Milliseconds from the run's start. */
  atMs: number;
  /** The task's id in the run's events (`TaskRef.id`). */
  taskId: number;
}

export interface RunSummary {
  schema: 1;
  runId: string;
  playbook: string;
  runDir: string;
  argv: string[];
  check: boolean;
  /** ISO 8601 wall times. */
  startedAt: string;
  endedAt: string;
  durationMs: number;
  exitCode: number;
  aborted: boolean;
  /** How the run was aborted, when it was. */
  abort?: { mode: 'drain' | 'kill'; source: string; atMs: number };
  /** Hosts the run targeted. */
  hosts: string[];
  stats: Record<string, HostStats>;
  /** First failure of each host that ended failed or unreachable, in the order they happened. */
  failures: HostFailure[];
  /**
   * The slowest tasks (at most 100), slowest first: `seconds` is the longest
   * single-host run summed over batches, with the median host run, the wall
   * span and the batch count beside it (events/profile.ts).
   */
  tasks: TaskTiming[];
  /** Roles, each the sum of its tasks' `seconds`. */
  roles: RoleTiming[];
  /** Each task's run in each batch, in start order, led by role rows. */
  timeline: TimelineEntry[];
  warnings: number;
  /** `set_stats` data (run.end's `custom`), when a task set any. */
  custom?: Record<string, Record<string, unknown>>;
}

/** What the CLI knows when the engine never said `run.end` (it threw). */
export interface RunOutcome {
  exitCode: number;
  aborted?: boolean;
}

/**
 * Collects a run's summary from events. As a reporter it writes
 * `summary.json` (0600) when `run.end` arrives; `summary()` answers at any
 * time, with `outcome` filling in what a run that never ended lacks.
 */
export class SummaryCollector implements Reporter {
  readonly name = 'summary';
  private profile = emptyProfile();
  private start?: EventOf<'run.start'>;
  private end?: EventOf<'run.end'>;
  private last?: RunEvent;
  private abort?: RunSummary['abort'];
  private warnings = 0;
  /** Failures per host, newest last; a rescue takes the newest back. */
  private readonly failed = new Map<string, HostFailure[]>();
  private readonly pendingItem = new Map<string, HostFailure>();
  private readonly unreachable = new Map<string, HostFailure>();
  private written = false;

  constructor(private readonly opts: { runDir?: string; taskLimit?: number; redact?: (text: string) => string; profile?: ProfileFeed } = {}) {}

  onEvent(e: RunEvent): void {
    // The run's views share one profiler when given it (stepped once per event).
    this.profile = this.opts.profile ? this.opts.profile.after(e) : stepProfile(this.profile, e);
    this.last = e;
    switch (e.type) {
      case 'run.start':
        this.start = e;
        break;
      case 'host.failed':
        this.onFailed(e);
        break;
      case 'host.rescued':
        this.rescued(e);
        break;
      case 'host.unreachable':
        if (!e.ignored && !this.unreachable.has(e.host)) this.unreachable.set(e.host, this.failure(e, 'unreachable'));
        break;
      case 'abort.requested':
        this.abort ??= { mode: e.mode, source: e.source, atMs: this.offset(e) };
        if (e.mode === 'kill') this.abort.mode = 'kill';
        break;
      case 'warning':
        this.warnings++;
        break;
      case 'run.end':
        this.end = e;
        if (this.opts.runDir) this.write(this.opts.runDir);
        break;
      default:
        break;
    }
  }

  /** The summary so far; `outcome` stands in for a missing `run.end`. */
  summary(outcome?: RunOutcome): RunSummary {
    const start = this.start;
    const end = this.end;
    const startWall = start?.wall ?? this.last?.wall ?? Date.now();
    const endWall = end?.wall ?? this.last?.wall ?? startWall;
    const stats = end?.stats ?? {};
    const s: RunSummary = {
      schema: 1,
      runId: start?.runId ?? '',
      playbook: start?.playbook ?? '',
      runDir: start?.runDir ?? this.opts.runDir ?? '',
      argv: start?.argv ?? [],
      check: start?.check ?? false,
      startedAt: new Date(startWall).toISOString(),
      endedAt: new Date(endWall).toISOString(),
      durationMs: end?.durationMs ?? Math.max(0, (this.last?.at ?? 0) - (start?.at ?? 0)),
      exitCode: end?.exitCode ?? outcome?.exitCode ?? 250,
      aborted: end?.aborted ?? outcome?.aborted ?? this.abort !== undefined,
      hosts: start?.hosts ?? Object.keys(stats),
      stats,
      failures: this.failures(stats),
      tasks: profileTasks(this.profile).slice(0, this.opts.taskLimit ?? SUMMARY_TASK_LIMIT),
      roles: profileRoles(this.profile),
      timeline: profileTimeline(this.profile),
      warnings: this.warnings,
    };
    if (this.abort) s.abort = this.abort;
    if (end?.custom) s.custom = end.custom;
    return s;
  }

  /** Writes `summary.json` into `runDir` (0600). Called at `run.end`; the CLI may call it again after a crash. */
  write(runDir: string, outcome?: RunOutcome): string {
    const file = path.join(runDir, SUMMARY_FILE);
    const text = `${JSON.stringify(this.summary(outcome), null, 2)}\n`;
    fs.writeFileSync(file, this.opts.redact ? this.opts.redact(text) : text, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    this.written = true;
    return file;
  }

  /** True once `summary.json` has been written. */
  get done(): boolean {
    return this.written;
  }

  /** True once `run.end` has arrived (and with it the one attempt to write at run.end). */
  get ended(): boolean {
    return this.end !== undefined;
  }

  private onFailed(e: EventOf<'host.failed'>): void {
    if (e.item !== undefined) {
      // An item's message says more than the loop's "One or more items failed";
      // it counts once the loop itself fails for good.
      if (!e.ignored && !this.pendingItem.has(e.host)) this.pendingItem.set(e.host, this.failure(e, 'failed'));
      return;
    }
    const item = this.pendingItem.get(e.host);
    this.pendingItem.delete(e.host);
    if (e.ignored) return;
    const list = this.failed.get(e.host) ?? [];
    list.push(item ?? this.failure(e, 'failed'));
    this.failed.set(e.host, list);
  }

  /** A rescue handled the failure of `e.task`: it is not the host's error (a later real one is). */
  private rescued(e: EventOf<'host.rescued'>): void {
    const list = this.failed.get(e.host);
    if (!list) return;
    const i = list.map((f) => f.taskId).lastIndexOf(e.task.id);
    list.splice(i >= 0 ? i : list.length - 1, 1);
  }

  private failures(stats: Record<string, HostStats>): HostFailure[] {
    const ended = this.end !== undefined;
    const out: HostFailure[] = [...this.unreachable.values()];
    for (const [host, list] of this.failed) {
      if (list.length === 0 || this.unreachable.has(host)) continue;
      // With stats, only hosts the recap counts as failed; without (no run.end), every unrescued failure.
      if (ended && !(stats[host]?.failed ?? 0)) continue;
      out.push(list[0]!);
    }
    return out.sort((a, b) => a.atMs - b.atMs);
  }

  private failure(e: EventOf<'host.failed'> | EventOf<'host.unreachable'>, kind: HostFailure['kind']): HostFailure {
    return {
      host: e.host,
      kind,
      task: taskTitle(e.task),
      path: e.task.path,
      line: errorLine(e.result),
      tail: outputTail(e.result, TAIL_LINES),
      atMs: this.offset(e),
      taskId: e.task.id,
    };
  }

  private offset(e: RunEvent): number {
    return Math.max(0, e.at - (this.start?.at ?? 0));
  }
}

const GENERIC = /^(non-zero return code|MODULE FAILURE|One or more items failed)$/i;

/**
 * The line that best says what went wrong: the message, unless it is a
 * generic one ("non-zero return code"), then the first line of stderr, then
 * the last of stdout. Inert, at most 300 characters.
 */
export function errorLine(result: ModuleResult): string {
  const msg = firstLine(text(result.msg));
  const stderr = firstLine(text(result.stderr));
  const stdout = lastLine(text(result.stdout));
  let pick = msg && !GENERIC.test(msg) ? msg : stderr || stdout || msg || (result._ansible_no_log ? 'output hidden (no_log)' : '');
  // A bare "non-zero return code" says more with the code.
  if (pick === msg && GENERIC.test(msg) && typeof result.rc === 'number') pick = `${msg} (rc=${result.rc})`;
  const line = inert(pick).replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line || 'no error message';
}

/** The last `n` lines of what the result says: msg, then stderr, then stdout. Inert. */
export function outputTail(result: ModuleResult, n: number): string[] {
  const lines: string[] = [];
  const add = (label: string, v: unknown) => {
    const t = text(v).replace(/\s+$/, '');
    if (!t) return;
    lines.push(`${label}:`, ...inert(t).split('\n').map((l) => `  ${l}`));
  };
  add('msg', result.msg);
  add('stderr', result.stderr);
  add('stdout', result.stdout);
  if (lines.length === 0 && typeof result.censored === 'string') lines.push(result.censored);
  return lines.length > n ? ['…', ...lines.slice(-n)] : lines;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

function lastLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).filter((l) => l !== '').at(-1) ?? '';
}
