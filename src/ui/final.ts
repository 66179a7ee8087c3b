/**
 * The view that stays in the scrollback after the TUI closes: PLAY RECAP,
 * the slowest tasks and roles, the failed hosts with their first error, what
 * an abort left behind, and where the run record is. Plain text lines.
 */
import { profileRoles, profileTasks, vecToArray, type RunState } from '../events/index.js';
import { banner, customStatsLines, profileRecapLines, recapLine, runTook, type RecapStats } from '../text/index.js';
import { clock, oneLine } from './text.js';

/** What the final view needs besides the state. */
export interface FinalOptions {
  /** Rows of the slowest-task list (default 10). */
  profileLimit?: number;
  /** The run directory, printed as the run record's place. */
  runDir?: string;
  /**
   * Lines that tell how to resume after an abort (the rollout issue fills
   * this with `--limit @…/not-started` commands); printed under the abort summary.
   */
  resumeLines?: readonly string[];
  /** Show `set_stats` data as CUSTOM STATS under PLAY RECAP (ansible's `show_custom_stats`). */
  customStats?: boolean;
}

/** The final view, one string per line. */
export function finalLines(state: RunState, opts: FinalOptions = {}): string[] {
  const limit = opts.profileLimit ?? 10;
  const lines: string[] = [];
  const stats = state.end?.stats ?? Object.fromEntries(vecToArray(state.hosts).filter((h) => h.touched).map((h) => [h.name, h.stats]));
  const names = Object.keys(stats).sort();
  const withCancelled = names.some((h) => ((stats[h] as RecapStats).cancelled ?? 0) > 0);
  lines.push(banner('PLAY RECAP'));
  for (const h of names) lines.push(recapLine(oneLine(h), stats[h] as RecapStats, withCancelled));
  if (opts.customStats) lines.push(...customStatsLines(state.end?.custom).slice(0, -1));

  // The same rows, figures and order as the plain output and run.log: one profiler, one formatter.
  const tasks = profileTasks(state.profile);
  if (tasks.length) lines.push('', ...profileRecapLines(tasks, profileRoles(state.profile), limit));
  const failed = vecToArray(state.hosts).filter((h) => h.firstError !== undefined && (h.status === 'failed' || h.status === 'unreachable'));
  if (failed.length) {
    lines.push('', banner('FAILED HOSTS'));
    for (const h of failed) lines.push(`${oneLine(h.name)} (${h.status}): ${oneLine(h.firstError ?? '')}`);
  }
  lines.push(...asyncLines(state));
  if (state.end?.aborted || state.abort) {
    lines.push('', abortSummary(state), ...(opts.resumeLines ?? []));
  }
  lines.push('');
  if (state.end) lines.push(runTook(state.end.durationMs));
  const runDir = opts.runDir ?? state.runDir;
  if (runDir) lines.push(`Run record: ${runDir}`);
  return lines;
}

/** Async jobs whose end the run never saw, or saw without their exit code: what the recap cannot say. */
export function asyncLines(state: RunState): string[] {
  const rows: string[] = [];
  for (const j of Object.values(state.async)) {
    const what = j.notAwaited
      ? `started, not awaited: the run ended without checking it (limit ${clock(j.limit * 1000)})`
      : j.done?.reason === 'cleaned'
        ? 'cleaned up before it was seen to finish: exit status unknown'
        : j.done?.reason === 'missing'
          ? 'its status files disappeared: exit status unknown'
          : undefined;
    if (what) rows.push(`${oneLine(j.host)}  ${oneLine(j.title)}  ${oneLine(j.jid)}  ${what}`);
  }
  return rows.length ? ['', banner('ASYNC JOBS NOT SEEN TO END'), ...rows] : [];
}

/** `aborted (drain by tui): N hosts done, M touched but unfinished, K not started`. */
export function abortSummary(state: RunState): string {
  let done = 0;
  let unfinished = 0;
  let notStarted = 0;
  for (const h of vecToArray(state.hosts)) {
    if (!h.touched) notStarted++;
    else if (h.finished) done++;
    else unfinished++;
  }
  const how = state.abort ? ` (${state.abort.done ?? state.abort.mode}, by ${oneLine(state.abort.source)})` : '';
  return `aborted${how}: ${done} hosts done, ${unfinished} touched but unfinished, ${notStarted} not started`;
}
