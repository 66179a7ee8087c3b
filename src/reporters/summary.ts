/**
 * The end of a plain run: PLAY RECAP (default callback), the closing
 * timestamp and TASKS RECAP (profile_tasks), ROLE RECAP (profile_roles) and
 * the total time (timer).
 */
import type { EventOf } from '../events/index.js';
import { banner, filled, profileRow, recapLine, runTook, type RecapStats } from './format.js';
import type { ProfileCollector, TaskProfile } from './profile.js';

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

/** TASKS RECAP (the `limit` slowest), ROLE RECAP and the `Playbook run took` line. */
export function profileLines(profile: ProfileCollector, limit: number, durationMs: number): string[] {
  const lines = [filled('', '='), '', banner('TASKS RECAP')];
  for (const t of profile.tasks().slice(0, Math.max(0, limit))) lines.push(profileRow(taskLabel(t), t.seconds));
  const roles = profile.roles();
  if (roles.length > 0) {
    lines.push('', banner('ROLE RECAP'));
    let total = 0;
    for (const r of roles) {
      lines.push(profileRow(r.name, r.seconds));
      total += r.seconds;
    }
    lines.push(filled('', '~'), profileRow('total', total));
  }
  lines.push(runTook(durationMs));
  return lines;
}

/** `cancelled` is not in every HostStats; read it defensively. */
function cancelled(s: unknown): number {
  const n = (s as { cancelled?: unknown } | undefined)?.cancelled;
  return typeof n === 'number' ? n : 0;
}
