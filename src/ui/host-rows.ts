/** Which hosts the table shows, in which order. */
import { vecToArray, type HostStatus, type HostView, type RunState } from '../events/index.js';

/** How the host list is narrowed and ordered. */
export interface HostQuery {
  /** Failed and running hosts first (the default); otherwise inventory order. */
  problemsFirst: boolean;
  /** Only failed and unreachable hosts. */
  failedOnly: boolean;
  /** Substring of the host name or of one of its groups (case-insensitive). */
  filter: string;
  /** Host name → its groups, when the caller knows the inventory. */
  groups?: Readonly<Record<string, readonly string[]>>;
}

const RANK: Record<HostStatus, number> = { failed: 0, unreachable: 0, running: 1, waiting: 2, done: 3, skipped: 3, cancelled: 3 };

/** The hosts to show, filtered and sorted. */
export function visibleHosts(state: RunState, q: HostQuery): HostView[] {
  const needle = q.filter.trim().toLowerCase();
  const rows = vecToArray(state.hosts).filter((h) => {
    if (q.failedOnly && h.status !== 'failed' && h.status !== 'unreachable') return false;
    if (!needle) return true;
    if (h.name.toLowerCase().includes(needle)) return true;
    if (h.group?.toLowerCase().includes(needle)) return true;
    return (q.groups?.[h.name] ?? []).some((g) => g.toLowerCase().includes(needle));
  });
  if (q.problemsFirst) rows.sort((a, b) => RANK[a.status] - RANK[b.status] || a.order - b.order);
  return rows;
}

/** Hosts per state, for the header. */
export function hostTally(state: RunState): Record<HostStatus, number> & { total: number; finished: number } {
  const t = { running: 0, failed: 0, unreachable: 0, waiting: 0, done: 0, skipped: 0, cancelled: 0, total: 0, finished: 0 };
  for (const chunk of state.hosts.chunks) {
    for (const h of chunk) {
      t[h.status]++;
      t.total++;
    }
  }
  t.finished = t.done + t.skipped + t.failed + t.unreachable + t.cancelled;
  return t;
}
