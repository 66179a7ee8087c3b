/**
 * The run log, `<runDir>/run.log`: the plain presenter's output at `-v`, or
 * at the run's own verbosity when higher (every banner with its profile_tasks
 * timestamp line, every result with its output, retries with their results,
 * async polls; `-vvv` adds each command with its time), a header saying what
 * ran, and at the end PLAY RECAP (with CUSTOM STATS when set_stats set any), the 100 slowest tasks, ROLE RECAP, the
 * TIMELINE (seed 000's `role | task] 0:01:21.990` start offsets, then the
 * same runs by role with their wall times), and the total time. The
 * figures come from the one profiler (events/profile.ts), as everywhere.
 *
 * Each event's lines are written with one synchronous write, so a crash
 * loses at most the event being written; abort notices are events too, so
 * the log is complete after an abort.
 */
import fs from 'node:fs';
import { FileSink } from './file-sink.js';
import path from 'node:path';
import type { Reporter, RunEvent } from '../events/index.js';
import { inert, wallClock } from '../text/index.js';
import { createPlainPresenter, type PlainShared } from './plain.js';

/** The file name of the run log inside a run directory. */
export const RUN_LOG_FILE = 'run.log';

/** TASKS RECAP rows in the run log (seed 000: "the 100 slowest tasks in the archived log file"). */
export const RUN_LOG_PROFILE_LIMIT = 100;

export interface RunLogOptions {
  runDir: string;
  /** Rows in TASKS RECAP (default 100). */
  profileLimit?: number;
  /** IANA zone of the timestamp lines; the process's zone by default. */
  timezone?: string;
  /** Replaces the date part of timestamp lines (tests). */
  formatClock?: (date: Date) => string;
  /** `-v` count of the run; the log is written at least at 1 (every result with its output). */
  verbosity?: number;
  /** Applied to all text before it is written: hides values the engine does not know are secret (the SMTP password). */
  redact?: (text: string) => string;
  /** The profiler and result views shared with the run's other views (see `PlainOptions.shared`). */
  shared?: PlainShared;
}

/** Opens `<runDir>/run.log` (0600, appending) and returns the reporter that writes it. */
export function createRunLog(opts: RunLogOptions): Reporter {
  const file = path.join(opts.runDir, RUN_LOG_FILE);
  const sink = new FileSink(file);
  const write = (s: string): void => sink.write(opts.redact ? opts.redact(s) : s);
  const clock = opts.formatClock ?? ((d: Date) => wallClock(d, opts.timezone));
  const plain = createPlainPresenter({
    write,
    profileLimit: opts.profileLimit ?? RUN_LOG_PROFILE_LIMIT,
    verbosity: Math.max(1, opts.verbosity ?? 0),
    retryResults: true,
    timeline: true,
    // The record keeps set_stats data whatever the console shows.
    customStats: true,
    formatClock: clock,
    ...(opts.shared ? { shared: opts.shared } : {}),
  });
  return {
    name: 'run-log',
    onEvent(event: RunEvent) {
      if (event.type === 'run.start') write(header(event, clock));
      plain.onEvent(event);
      if (event.type === 'run.end') sink.flush();
    },
    close() {
      sink.close();
    },
  };
}

/** What ran, where and when: the lines above the first banner. */
function header(e: Extract<RunEvent, { type: 'run.start' }>, clock: (d: Date) => string): string {
  const lines = [
    `playwatch run ${e.runId}: ${e.playbook}${e.check ? ' (check mode)' : ''}`,
    `started ${clock(new Date(e.wall))}`,
    `command: playwatch ${e.argv.map(shellWord).join(' ')}`,
    `hosts (${e.hosts.length}): ${e.hosts.join(', ')}`,
  ];
  return lines.map((l) => `${inert(l)}\n`).join('');
}

/** An argument as a shell would need it, so the command line can be pasted back. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
