/**
 * The end of a plain run: PLAY RECAP (default callback), the closing
 * timestamp and TASKS RECAP (profile_tasks), ROLE RECAP (profile_roles),
 * the TIMELINE (run log only) and the total time (timer).
 */
import type { EventOf } from '../events/index.js';
import { banner, durationClock, filled, profileRow, recapLine, runTook, type RecapStats } from '../text/index.js';
import type { ProfileCollector, SortOrder, TaskProfile, TimelineEntry } from './profile.js';

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

/** How the TASKS RECAP names a task: `role | task` or `task` (seed 000). */
export function taskLabel(t: Pick<TaskProfile, 'name' | 'role'>): string {
  return t.role ? `${t.role} | ${t.name}` : t.name;
}

/** How the recaps at the end are cut and ordered. */
export interface ProfileLineOptions {
  /** Order of TASKS RECAP rows (profile_tasks' `sort_order`); ROLE RECAP follows it too. */
  order?: SortOrder;
  /** Add the TIMELINE section before the closing line. */
  timeline?: boolean;
}

/** TASKS RECAP (the `limit` slowest), ROLE RECAP, optionally TIMELINE, and the `Playbook run took` line. */
export function profileLines(
  profile: ProfileCollector,
  limit: number,
  durationMs: number,
  opts: ProfileLineOptions = {},
): string[] {
  const order = opts.order ?? 'descending';
  const lines = [filled('', '='), '', banner('TASKS RECAP')];
  for (const t of profile.tasks(order).slice(0, Math.max(0, limit))) lines.push(profileRow(taskLabel(t), t.seconds));
  const roles = profile.roles(order);
  if (roles.length > 0) {
    lines.push('', banner('ROLE RECAP'));
    let total = 0;
    for (const r of roles) {
      lines.push(profileRow(r.name, r.seconds));
      total += r.seconds;
    }
    lines.push(filled('', '~'), profileRow('total', total));
  }
  if (opts.timeline) lines.push(...timelineLines(profile.timeline()));
  lines.push(runTook(durationMs));
  return lines;
}

/**
 * The TIMELINE section: when each role and task started, as an offset from
 * the playbook start (seed 000's `0:01:21.990`), and how long it took. A
 * role's tasks are indented under it.
 */
export function timelineLines(entries: TimelineEntry[]): string[] {
  if (entries.length === 0) return [];
  const lines = ['', banner('TIMELINE')];
  for (const e of entries) {
    const at = durationClock(e.startOffsetMs);
    const took = `(${(e.durationMs / 1000).toFixed(2)}s)`;
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
