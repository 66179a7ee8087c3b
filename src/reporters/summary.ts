/**
 * The end of a plain run: PLAY RECAP (default callback), the closing
 * timestamp and TASKS RECAP (profile_tasks), ROLE RECAP (profile_roles),
 * the TIMELINE (run log only) and the total time (timer).
 */
import { profileRoles, profileTasks, profileTimeline, type ProfileState, type SortOrder, type TimelineEntry } from '../events/index.js';
import type { EventOf } from '../events/index.js';
import { banner, durationClock, filled, profileRecapLines, recapLine, runTook, startOffsetLine, type RecapStats } from '../text/index.js';

export { taskLabel } from '../text/index.js';

/** PLAY RECAP lines: hosts sorted by name, and the blank line ansible ends it with. */
export function recapLines(stats: EventOf<'run.end'>['stats']): string[] {
  const hosts = Object.keys(stats).sort();
  const withCancelled = hosts.some((h) => cancelled(stats[h]) > 0);
  return [
    '',
    banner('PLAY RECAP'),
    ...hosts.map((h) => recapLine(h, stats[h] as RecapStats, withCancelled)),
    '',
  ];
}

/** How the recaps at the end are cut and ordered. */
export interface ProfileLineOptions {
  /** Order of TASKS RECAP rows (profile_tasks' `sort_order`); ROLE RECAP follows it too. */
  order?: SortOrder;
  /** Add the TIMELINE section before the closing line. */
  timeline?: boolean;
}

/** TASKS RECAP (the `limit` slowest), ROLE RECAP, optionally the timelines, and the `Playbook run took` line. */
export function profileLines(profile: ProfileState, limit: number, durationMs: number, opts: ProfileLineOptions = {}): string[] {
  const order = opts.order ?? 'descending';
  const lines = [filled('', '='), '', ...profileRecapLines(profileTasks(profile, { order }), profileRoles(profile, { order }), limit)];
  if (opts.timeline) lines.push(...timelineLines(profileTimeline(profile)));
  lines.push(runTook(durationMs));
  return lines;
}

/**
 * The timelines: first seed 000's lines, each task's `role | task]` and its
 * start offset from the playbook start (`0:01:21.990`), one per task and
 * batch in start order; then the same runs aligned by offset, each role's
 * tasks indented under it, with the role's wall span and each run's
 * slowest host (and its wall span when several hosts ran it).
 */
export function timelineLines(entries: TimelineEntry[]): string[] {
  if (entries.length === 0) return [];
  const lines = ['', banner('TIMELINE')];
  for (const e of entries) if (e.kind === 'task') lines.push(startOffsetLine(e, e.startMs));
  lines.push('', banner('TIMELINE BY ROLE'));
  const s = (ms: number) => `${(ms / 1000).toFixed(2)}s`;
  for (const e of entries) {
    const at = durationClock(e.startMs);
    // A role's figure is its wall span; a task's is its slowest host, as in the recap, with the span beside it when they can differ.
    const took = e.kind === 'role' || (e.hosts ?? 0) <= 1 ? `(${s(e.durationMs)})` : `(${s(e.longestMs ?? 0)}, span ${s(e.durationMs)})`;
    if (e.kind === 'role') lines.push(`${at}  ROLE ${e.name} ${took}`);
    else if (e.role !== undefined) lines.push(`${at}    ${e.role} | ${e.name} ${took}`);
    else lines.push(`${at}  ${e.name} ${took}`);
  }
  lines.push('');
  return lines;
}

/** `cancelled` is not in every HostStats; read it defensively. */
function cancelled(s: unknown): number {
  const n = (s as { cancelled?: unknown } | undefined)?.cancelled;
  return typeof n === 'number' ? n : 0;
}
