/**
 * The plain presenter (CI, no TTY, `--ui plain`): what ansible-playbook
 * prints with the default, profile_tasks, profile_roles and timer callbacks,
 * without colour. Every line goes through `inert`, so nothing a target
 * printed can drive the terminal.
 */
import path from 'node:path';
import type { ConnectionInfo } from '../model/index.js';
import { formatDiff } from '../model/diff.js';
import { emptyProfile, stepProfile, type EventHandlers, type ProfileFeed, type EventOf, type Reporter, type RunEvent, type SortOrder, type TaskRef } from '../events/index.js';
import { banner, customStatsLines, engineLine, durationClock, filled, hostLabel, inert, stepPrompt, wallClock } from '../text/index.js';
import { dumpResult, itemLabel, viewResult, type ResultView, type ViewMemo } from './result-view.js';
import { profileLines, recapLines } from './summary.js';

export interface PlainOptions {
  /** Receives whole lines, each ending in `\n`. */
  write: (s: string) => void;
  /** Rows in TASKS RECAP (default 10). */
  profileLimit?: number;
  /** Order of TASKS RECAP and ROLE RECAP rows (default slowest first). */
  profileSort?: SortOrder;
  /** Print only what comes at the end (recaps, timings) and abort notices. */
  summaryOnly?: boolean;
  /**
   * ansible-playbook's `-v` count (0 to 4), as its default callback uses it:
   * 1 shows every result after `=>`; 2 adds each task's `task path:` and the
   * PLAYBOOK banner; 3 adds each command a module ran with its exit code and
   * time, and pretty-prints results; 4 adds how each host is connected to.
   */
  verbosity?: number;
  /** Show retries with the result they retried on at any verbosity (the run log does). */
  retryResults?: boolean;
  /** Add the TIMELINE section (role and task start offsets) to the end. */
  timeline?: boolean;
  /** Print `set_stats` data as ansible's CUSTOM STATS after PLAY RECAP (its `show_custom_stats`). */
  customStats?: boolean;
  /** Clock for the timestamp lines; by default each event's `wall` time. */
  now?: () => Date;
  /** IANA zone for the timestamp lines (`Europe/Helsinki`); the process's zone by default. */
  timezone?: string;
  /** Replaces the `%A %d %B %Y  %H:%M:%S %z` part entirely (tests, other locales). */
  formatClock?: (date: Date) => string;
  /**
   * What this presenter shares with the run's other views of the same
   * events (stdout's and run.log's presenters, summary.json): the profiler,
   * stepped once per event, and each result's view. Without it the
   * presenter keeps its own.
   */
  shared?: PlainShared;
}

/** See `PlainOptions.shared`: one per event stream, given to every view of it. */
export interface PlainShared {
  profile: ProfileFeed;
  views: ViewMemo;
}

/** Creates the plain presenter. */
export function createPlainPresenter(opts: PlainOptions): Reporter {
  return new PlainPresenter(opts);
}


/** How ansible names a task in banners and retries: `role : name`. */
export function taskTitle(task: TaskRef): string {
  return (task.role ? `${task.role} : ${task.name}` : task.name).trim();
}

class PlainPresenter implements Reporter {
  readonly name = 'plain';
  private profile = emptyProfile();
  private readonly limit: number;
  private readonly clock: (date: Date) => string;
  private runStartAt = 0;
  private lastTaskAt = 0;
  /** The task whose banner was printed last; a result of another task reprints its banner. */
  private bannerTask: number | undefined;
  private readonly verbosity: number;
  private playbook = '';
  /** `task id/host` pairs whose connection was described (-vvvv), once per task as ansible does. */
  private readonly described = new Set<string>();
  /** Async jobs started and not yet seen to end, by jid: at the end they are reported as not awaited. */
  private readonly openJobs = new Map<string, { host: string; title: string }>();

  constructor(private readonly opts: PlainOptions) {
    this.limit = opts.profileLimit ?? 10;
    this.verbosity = opts.verbosity ?? 0;
    this.clock = opts.formatClock ?? ((d) => wallClock(d, opts.timezone));
  }

  onEvent(event: RunEvent): void {
    this.profile = this.opts.shared ? this.opts.shared.profile.after(event) : stepProfile(this.profile, event);
    (this.handlers[event.type] as (e: RunEvent) => void)(event);
  }

  private out(...lines: string[]): void {
    if (this.opts.summaryOnly) return;
    this.print(lines);
  }

  private print(lines: string[]): void {
    if (lines.length === 0) return;
    // A line while a --step question waits (a warning, an abort) starts below the question.
    const open = this.stepOpen ? '\n' : '';
    this.stepOpen = false;
    this.opts.write(open + lines.map((l) => `${inert(l)}\n`).join(''));
  }

  /** A --step question is on screen, its line not ended. */
  private stepOpen = false;

  private readonly handlers: EventHandlers = {
    'run.start': (e) => {
      this.runStartAt = e.at;
      this.lastTaskAt = e.at;
      this.playbook = path.basename(e.playbook);
      if (e.engine) this.out(engineLine(e.engine));
      if (this.verbosity > 1) this.out('', banner(`PLAYBOOK: ${this.playbook}`));
    },
    'play.start': (e) => {
      if (this.verbosity > 1 && e.index === 0) this.out(`${e.total} plays in ${this.playbook}`);
      this.out('', banner(e.name.trim() ? `PLAY [${e.name.trim()}]` : 'PLAY'));
    },
    'batch.start': () => {},
    'task.start': (e) => this.taskStart(e),
    'handler.start': (e) => this.taskStart(e),
    'host.start': () => {},
    'host.ok': (e) => this.ok(e),
    'host.failed': (e) => this.failed(e),
    'host.skipped': (e) => {
      this.ensureBanner(e.task);
      // ansible leaves a trailing space after a skipped item; kept for byte-for-byte output.
      let line = e.item === undefined ? `skipping: [${e.host}]` : `skipping: [${e.host}] => (item=${itemLabel(e.item, e.result)}) `;
      if (this.verbosity > 0 && !e.loop) line += ` => ${this.dump(this.view(e))}`;
      this.out(line);
    },
    'host.unreachable': (e) => {
      this.ensureBanner(e.task);
      const view = this.view(e);
      this.out(`fatal: [${hostLabel(e)}]: UNREACHABLE! => ${this.dump(view)}`, ...(e.ignored ? ['...ignoring'] : []));
    },
    'host.retry': (e) => {
      const line = `FAILED - RETRYING: [${e.host}]: ${taskTitle(e.task)} (${e.retriesLeft} retries left).`;
      // ansible -vvv appends the result right after the full stop.
      const shown = this.verbosity > 2 || this.opts.retryResults === true;
      this.out(shown ? `${line}Result was: ${this.dump(this.view(e))}` : line);
    },
    'host.rescued': () => {},
    'host.output': () => {},
    'host.command': (e) => this.command(e),
    'async.start': (e) => void this.openJobs.set(e.jid, { host: e.host, title: taskTitle(e.task) }),
    'async.poll': (e) =>
      this.out(
        `ASYNC POLL on ${e.host}: jid=${e.jid} started=1 finished=0 elapsed=${Math.floor(e.elapsed)}s/${e.limit}s`,
      ),
    'async.done': (e) => this.asyncDone(e),
    'group.update': (e) =>
      this.out(
        `group ${e.key}: ${e.busy}/${e.allowed} busy, ${e.done} done, ${e.failed} failed${e.cancelled ? `, ${e.cancelled} cancelled` : ''}`,
      ),
    'host.cancelled': (e) => this.out(`cancelled: [${e.host}] (${e.reason})`),
    warning: (e) => this.out(`[WARNING]: ${e.message}`),
    'host.slow': (e) =>
      this.out(`SLOW: [${e.host}] ${taskTitle(e.task)} has run ${durationClock(e.elapsedMs).slice(0, -4)}: slower than usual (p95 ${durationClock(e.p95Ms).slice(0, -4)} over ${e.runs} earlier runs)`),
    'abort.requested': (e) =>
      this.print([
        '',
        e.mode === 'drain'
          ? `ABORT REQUESTED (drain, by ${e.source}): no new hosts or tasks will start; running tasks will finish`
          : `ABORT REQUESTED (kill, by ${e.source}): stopping running commands and async jobs now`,
      ]),
    // ansible-core's prompt, answered on the terminal (or piped stdin); then its banner of the question.
    'step.ask': (e) => {
      this.opts.write(inert(stepPrompt(e.label)));
      this.stepOpen = true;
    },
    'step.answer': (e) => {
      this.stepOpen = false;
      this.out('', banner(stepPrompt(e.label)));
    },
    'run.paused': (e) => this.print(['', `PAUSED (by ${e.source}): no new task or batch starts until the run is resumed`]),
    'run.resumed': (e) => this.print([`RESUMED (by ${e.source})`]),
    'abort.done': (e) => this.print([e.mode === 'drain' ? 'ABORT: drained' : 'ABORT: running work killed']),
    'play.end': () => {},
    'run.end': (e) => this.runEnd(e),
  };

  private taskStart(e: EventOf<'task.start'> | EventOf<'handler.start'>): void {
    this.printBanner(e.task, e.type === 'handler.start');
    this.out(this.timeLine(e));
  }

  /** profile_tasks' line: wall clock, time since the previous task started, time since the run started. */
  private timeLine(e: RunEvent): string {
    const date = this.opts.now ? this.opts.now() : new Date(e.wall);
    const sinceTask = durationClock(e.at - this.lastTaskAt);
    const sinceRun = durationClock(e.at - this.runStartAt);
    this.lastTaskAt = e.at;
    return filled(`${this.clock(date)} (${sinceTask})${' '.repeat(7)}${sinceRun}`);
  }

  private printBanner(task: TaskRef, handler = task.isHandler === true): void {
    this.bannerTask = task.id;
    this.out('', banner(`${handler ? 'RUNNING HANDLER' : 'TASK'} [${taskTitle(task)}]`));
    // ansible -vv: `file:line`, without the column.
    if (this.verbosity > 1) this.out(`task path: ${task.path.replace(/:\d+$/, '')}`);
  }

  /** -vvv: each command a module ran, as ansible's `<host> EXEC` line plus its exit code and time; -vvvv: the connection first. */
  private command(e: EventOf<'host.command'>): void {
    if (this.verbosity < 3) return;
    this.ensureBanner(e.task);
    const key = `${e.task.id}/${e.host}`;
    if (this.verbosity > 3 && e.connection && !this.described.has(key)) {
      this.described.add(key);
      this.out(...connectionLines(e.host, e.connection));
    }
    // The text `/bin/sh -c` ran, as is (ansible quotes it into one line; a readable command matters more here).
    const over = e.connection?.mode ? `, ${e.connection.mode} mode` : '';
    this.out(`<${e.host}> EXEC ${e.command} (rc=${e.rc}, ${commandTime(e.ms)}${over})`);
  }

  /** The event's result as shown (made once for all presenters sharing `views`). */
  private view(e: { task: TaskRef; result: EventOf<'host.ok'>['result'] }, loop?: boolean): ResultView {
    if (this.opts.shared) return this.opts.shared.views.of(e, loop === true);
    return viewResult(e.task, e.result, { loop: loop === true });
  }

  /** A result after `=>`: one line, or pretty-printed at -vvv as ansible does. */
  private dump(view: ResultView): string {
    return dumpResult(this.verbosity > 2 ? { ...view, verbose: true } : view);
  }

  /** Results of a task other than the last banner's (strategy free) get their banner again. */
  private ensureBanner(task: TaskRef): void {
    if (this.bannerTask !== task.id) this.printBanner(task);
  }

  private ok(e: EventOf<'host.ok'>): void {
    this.ensureBanner(e.task);
    // Includes print as ansible-core's: a line per included file (with its item), nothing for include_role.
    if (e.task.module === 'include_role' && Array.isArray(e.result.include)) return;
    if (Array.isArray(e.result.included)) {
      const lines = (e.result.included as Array<{ file: string; item?: string }>).map(
        (i) => `included: ${i.file} for ${hostLabel(e)}${i.item === undefined ? '' : ` => (item=${i.item})`}`,
      );
      return this.out(...lines);
    }
    const view = this.view(e, e.loop);
    // A loop's summary prints nothing: its items were shown one by one.
    if (e.loop) return this.out(...view.notes);
    let line = `${e.changed ? 'changed' : 'ok'}: [${hostLabel(e)}]`;
    if (e.item !== undefined) line += ` => (item=${itemLabel(e.item, e.result)})`;
    if (view.verbose || this.verbosity > 0) line += ` => ${this.dump(view)}`;
    this.out(...view.notes, ...diffLines(e), line);
  }

  private failed(e: EventOf<'host.failed'>): void {
    this.ensureBanner(e.task);
    const view = this.view(e, e.loop);
    if (e.item !== undefined) {
      this.out(...view.notes, `failed: [${hostLabel(e)}] (item=${itemLabel(e.item, e.result)}) => ${this.dump(view)}`);
      return;
    }
    this.out(...view.notes, `fatal: [${hostLabel(e)}]: FAILED! => ${this.dump(view)}`, ...(e.ignored ? ['...ignoring'] : []));
  }

  private asyncDone(e: EventOf<'async.done'>): void {
    this.openJobs.delete(e.jid);
    if (e.reason) return this.out(`ASYNC ${e.reason.toUpperCase()} on ${e.host}: jid=${e.jid} ${LOST[e.reason]}`);
    const ok = e.rc === 0 && !e.timedOut;
    const tail = `jid=${e.jid} rc=${e.rc} elapsed=${Math.floor(e.duration)}s${e.timedOut ? ' (timeout exceeded)' : ''}`;
    this.out(`ASYNC ${ok ? 'OK' : 'FAILED'} on ${e.host}: ${tail}`);
  }

  private runEnd(e: EventOf<'run.end'>): void {
    const order = this.opts.profileSort;
    const unawaited = [...this.openJobs].map(([jid, j]) => `ASYNC NOT AWAITED on ${j.host}: jid=${jid} (${j.title}): started, never checked before the run ended`);
    this.print([
      ...(e.fatal === undefined ? [] : ['', e.exitCode === 250 ? `FATAL: internal error, the run was stopped: ${e.fatal}` : `ERROR! ${e.fatal} (the run was stopped)`]),
      ...unawaited,
      ...recapLines(e.stats),
      ...(this.opts.customStats ? customStatsLines(e.custom) : []),
      this.timeLine(e),
      ...profileLines(this.profile, this.limit, e.durationMs, { ...(order ? { order } : {}), timeline: this.opts.timeline === true }),
    ]);
  }
}

/**
 * A changed result's `diff` (under --diff) as ansible's default callback
 * prints it above the result line; a `no_log` result was censored and has none.
 */
function diffLines(e: EventOf<'host.ok'>): string[] {
  if (!e.changed || !e.result.diff) return [];
  const text = formatDiff(e.result.diff);
  return text ? text.replace(/\n$/, '').split('\n') : [];
}

/** What an `async.done` without an exit code means, by its reason. */
const LOST: Record<NonNullable<EventOf<'async.done'>['reason']>, string> = {
  cleaned: 'cleaned up before it was seen to finish (exit status unknown)',
  missing: 'status files disappeared (exit status unknown)',
  killed: 'killed by the operator',
};

/** -vvvv: how a host is reached, in the words of ansible's ESTABLISH lines. */
function connectionLines(host: string, c: ConnectionInfo): string[] {
  if (c.connection === 'local') {
    return [`<${host}> ESTABLISH LOCAL CONNECTION FOR USER: ${c.user}${c.root ? ` (host root ${c.root})` : ''}`];
  }
  const details = [
    `${c.user}@${c.address}:${c.port}`,
    ...(c.jumps?.length ? [`via ${c.jumps.join(', ')}`] : []),
    ...(c.keys?.length ? [`keys ${c.keys.join(', ')}`] : []),
    ...(c.knownHosts ? [`known_hosts ${c.knownHosts}`] : []),
  ];
  return [`<${host}> ESTABLISH SSH CONNECTION FOR USER: ${c.user}`, `<${host}> SSH: ${details.join(', ')}`];
}

/** A command's time: milliseconds under a second, else seconds. */
function commandTime(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
