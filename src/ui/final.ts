/**
 * The view that stays in the scrollback after the TUI closes: PLAY RECAP,
 * the slowest tasks and roles, the failed hosts with their first error, what
 * an abort left behind, and where the run record is. Plain text lines.
 */
import { vecToArray, type RunState } from '../events/index.js';
import { banner, profileRow, recapLine, runTook, type RecapStats } from '../text/index.js';
import { slowestRoles, slowestTasks } from './slowest.js';
import { oneLine } from './text.js';

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

  const tasks = slowestTasks(state).slice(0, Math.max(0, limit));
  if (tasks.length) {
    lines.push('', banner(`TASKS RECAP (${tasks.length} slowest)`));
    for (const t of tasks) lines.push(profileRow(oneLine(t.role ? `${t.role} | ${t.name}` : t.name), t.ms / 1000));
  }
  const roles = slowestRoles(state);
  if (roles.length) {
    lines.push('', banner('ROLE RECAP'));
    for (const r of roles) lines.push(profileRow(oneLine(r.name), r.ms / 1000));
  }
  const failed = vecToArray(state.hosts).filter((h) => h.firstError !== undefined && (h.status === 'failed' || h.status === 'unreachable'));
  if (failed.length) {
    lines.push('', banner('FAILED HOSTS'));
    for (const h of failed) lines.push(`${oneLine(h.name)} (${h.status}): ${oneLine(h.firstError ?? '')}`);
  }
  if (state.end?.aborted || state.abort) {
    lines.push('', abortSummary(state), ...(opts.resumeLines ?? []));
  }
  lines.push('');
  if (state.end) lines.push(runTook(state.end.durationMs));
  const runDir = opts.runDir ?? state.runDir;
  if (runDir) lines.push(`Run record: ${runDir}`);
  return lines;
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
