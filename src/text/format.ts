/**
 * Line formats of ansible-playbook's default callback and of the
 * profile_tasks, profile_roles and timer callbacks, as printed without a TTY
 * (79 columns, no colour).
 */
import type { HostStats } from '../model/index.js';
import { inert } from './sanitize.js';

/** ansible's `display.columns` when stdout is not a terminal. */
export const COLUMNS = 79;

/** `display.banner`: `PLAY [x] ****` padded to 80 characters, at least 3 stars. */
export function banner(msg: string): string {
  const text = msg.trim();
  return `${text} ${'*'.repeat(Math.max(COLUMNS - text.length, 3))}`;
}

/** profile_tasks' `filled()`: the message, a space, fill to column 79, and a trailing space. */
export function filled(msg: string, fill = '*'): string {
  const text = msg.length === 0 ? '' : `${msg} `;
  const width = msg.length === 0 ? COLUMNS : COLUMNS - text.length;
  return `${text}${fill.repeat(Math.max(width, 3))} `;
}

/** profile_tasks' `secondsToStr`: `H:MM:SS.mmm`, milliseconds truncated. */
export function durationClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor(total / 60_000) % 60;
  const s = Math.floor(total / 1000) % 60;
  const milli = total % 1000;
  return `${h}:${pad(m, 2)}:${pad(s, 2)}.${pad(milli, 3)}`;
}

/** One profile row: `name ------ 12.34s`, the way profile_tasks pads it. */
export function profileRow(name: string, seconds: number): string {
  return `${name} `.padEnd(COLUMNS - 9, '-') + ` ${seconds.toFixed(2)}s`.padStart(9, '-');
}

/** What a recap row needs of a task's timing (`TaskTiming` from events/profile). */
export interface RecapTask {
  name: string;
  role?: string;
  seconds: number;
  medianSeconds: number;
  spanSeconds: number;
  batches: number;
  hosts: number;
}

/** How the recaps name a task: `role | task` or `task` (seed 000), on one inert line. */
export function taskLabel(t: Pick<RecapTask, 'name' | 'role'>): string {
  return label(t.role ? `${t.role} | ${t.name}` : t.name);
}

function label(s: string): string {
  return inert(s).replace(/[\n\t]+/g, ' ').trim();
}

/**
 * A TASKS RECAP row: profile_tasks' `role | task ---- 3.01s`, then, when the
 * task ran on more than one host or in more than one batch, the median host
 * run, the wall span and the batch count: `(median 0.02s, span 3.05s, 2 batches)`.
 */
export function taskRecapRow(t: RecapTask): string {
  const extra: string[] = [];
  if (t.hosts > 1) extra.push(`median ${t.medianSeconds.toFixed(2)}s`, `span ${t.spanSeconds.toFixed(2)}s`);
  if (t.batches > 1) extra.push(`${t.batches} batches`);
  const row = profileRow(taskLabel(t), t.seconds);
  return extra.length ? `${row}  (${extra.join(', ')})` : row;
}

/**
 * TASKS RECAP (the `limit` first rows) and ROLE RECAP with its total: the
 * same lines in the plain output, run.log and the TUI's final view.
 */
export function profileRecapLines(tasks: readonly RecapTask[], roles: ReadonlyArray<{ name: string; seconds: number }>, limit: number): string[] {
  const lines = [banner('TASKS RECAP')];
  for (const t of tasks.slice(0, Math.max(0, limit))) lines.push(taskRecapRow(t));
  if (roles.length > 0) {
    lines.push('', banner('ROLE RECAP'));
    let ms = 0;
    for (const r of roles) {
      lines.push(profileRow(label(r.name), r.seconds));
      ms += Math.round(r.seconds * 1000);
    }
    lines.push(filled('', '~'), profileRow('total', ms / 1000));
  }
  return lines;
}

/** Seed 000's timeline line: `app_deploy_edge_static | Create sha1 folder] 0:01:21.990`. */
export function startOffsetLine(t: Pick<RecapTask, 'name' | 'role'>, startMs: number): string {
  return `${taskLabel(t)}] ${durationClock(startMs)}`;
}

/** The timer callback's closing line. */
export function runTook(ms: number): string {
  const secs = Math.floor(Math.max(0, ms) / 1000);
  const days = Math.floor(secs / 86_400);
  const rest = secs % 86_400;
  return (
    `Playbook run took ${days} days, ${Math.floor(rest / 3600)} hours, ` +
    `${Math.floor(rest / 60) % 60} minutes, ${rest % 60} seconds`
  );
}

/** Host stats, with the `cancelled` count some runs add. */
export type RecapStats = HostStats & { cancelled?: number };

/**
 * ansible's recap line: `"%-26s" % host`, then `name=%-4s` columns.
 * `cancelled` is appended only when the run cancelled something.
 */
export function recapLine(host: string, s: RecapStats, withCancelled: boolean): string {
  const col = (name: string, n: number | undefined) => `${name}=${String(n ?? 0).padEnd(4)}`;
  const cols = [
    col('ok', s.ok),
    col('changed', s.changed),
    col('unreachable', s.unreachable),
    col('failed', s.failed),
    col('skipped', s.skipped),
    col('rescued', s.rescued),
    col('ignored', s.ignored),
  ];
  if (withCancelled) cols.push(col('cancelled', s.cancelled));
  return `${host.padEnd(26)} : ${cols.join(' ')}`;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * `strftime('%A %d %B %Y  %H:%M:%S %z')` in the C locale, in `timeZone`
 * (an IANA name; the process's zone when omitted).
 */
export function wallClock(date: Date, timeZone?: string): string {
  const f = numericParts(date, timeZone);
  const localAsUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  const offsetMin = Math.round((localAsUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const weekday = DAYS[new Date(Date.UTC(f.year, f.month - 1, f.day)).getUTCDay()];
  return (
    `${weekday} ${pad(f.day, 2)} ${MONTHS[f.month - 1]} ${f.year}  ` +
    `${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)} ${sign}${pad(Math.floor(abs / 60), 2)}${pad(abs % 60, 2)}`
  );
}

function numericParts(date: Date, timeZone?: string) {
  // The process's own zone needs no Intl formatter, whose first use costs 10–20 ms of start-up.
  if (timeZone === undefined) {
    return {
      year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate(),
      hour: date.getHours(), minute: date.getMinutes(), second: date.getSeconds(),
    };
  }
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(date)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year!, month: parts.month!, day: parts.day!,
    hour: parts.hour! % 24, minute: parts.minute!, second: parts.second!,
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The host as ansible's default callback labels a result: `w1`, or `w1 -> lb1(10.0.0.5)` when delegated. */
export function hostLabel(e: { host: string; delegate?: string; delegateAddress?: string }): string {
  if (!e.delegate) return e.host;
  return `${e.host} -> ${delegateLabel(e)}`;
}

/** The delegated host alone: `lb1`, or `lb1(10.0.0.5)` when its address differs from its name. */
export function delegateLabel(e: { delegate?: string; delegateAddress?: string }): string {
  return `${e.delegate ?? ''}${e.delegateAddress ? `(${e.delegateAddress})` : ''}`;
}

/** Which engine runs the playbook, and why (`--engine auto`): the plain output's first line. */
export function engineLine(e: { name: 'native' | 'ansible'; version?: string; reason?: string }): string {
  const who = e.name === 'ansible' ? `ansible-core${e.version ? ` ${e.version}` : ''}` : "playwatch's engine";
  return `ENGINE: ${who}${e.reason ? ` (${e.reason})` : ''}`;
}

/** The engine as the TUI's header names it; empty for the native default. */
export function engineTag(e: { name: 'native' | 'ansible'; version?: string } | undefined): string {
  if (!e || e.name === 'native') return '';
  return `ansible-core${e.version ? ` ${e.version}` : ''}`;
}

/** ansible-core's `--step` question (strategy `_take_step`); `task` is `TASK: name` or `HANDLER: name`. */
export function stepPrompt(task: string): string {
  return `Perform task: ${task} (N)o/(y)es/(c)ontinue: `;
}
