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
  const needle = needleOf(q);
  const rows = vecToArray(state.hosts).filter((h) => {
    if (q.failedOnly && h.status !== 'failed' && h.status !== 'unreachable') return false;
    return shownBy(h, needle, q.groups);
  });
  if (q.problemsFirst) rows.sort((a, b) => RANK[a.status] - RANK[b.status] || a.order - b.order);
  return rows;
}

/** The query's filter words as hosts are matched against them. */
function needleOf(q: HostQuery): string {
  return q.filter.trim().toLowerCase();
}

/** The host matches the filter words (its name, its budget group or one of its inventory groups). */
function shownBy(h: HostView, needle: string, groups: HostQuery['groups']): boolean {
  if (!needle) return true;
  if (h.name.toLowerCase().includes(needle)) return true;
  if (h.group?.toLowerCase().includes(needle)) return true;
  return (groups?.[h.name] ?? []).some((g) => g.toLowerCase().includes(needle));
}

/** Hosts per state, for the header. */
export function hostTally(state: RunState): Record<HostStatus, number> & { total: number; finished: number } {
  const t = emptyTally();
  for (const chunk of state.hosts.chunks) {
    for (const h of chunk) {
      t[h.status]++;
      t.total++;
    }
  }
  t.finished = finishedOf(t);
  return t;
}

type Tally = ReturnType<typeof hostTally>;

/**
 * `visibleHosts` and `hostTally` kept from frame to frame. A frame looks
 * again only at the hosts whose view changed since the last one (a chunk
 * of the host list that is the same object holds no change): each moves
 * between per-rank lists kept in inventory order, so no frame filters or
 * sorts the whole fleet; the list handed out is a copy of references, made
 * only when a shown host changed. The result equals `visibleHosts`.
 */
export class HostRows {
  /** The chunks of the host list last looked at. */
  private seen: ReadonlyArray<ReadonlyArray<HostView>> = [];
  /** Each host's latest view, by position. */
  private views: HostView[] = [];
  /** Each host's rank list (-1: not shown), by position. */
  private ranks: number[] = [];
  /** Positions of the shown hosts, ascending, per rank. */
  private lists: number[][] = [[], [], [], []];
  private counts: Tally = emptyTally();
  private query: HostQuery | undefined;
  private needle = '';
  private out: HostView[] = [];
  private stale = true;

  /** The hosts to show, as `visibleHosts(state, q)` gives them. */
  rows(state: RunState, q: HostQuery): HostView[] {
    const p = this.query;
    if (!p || p.problemsFirst !== q.problemsFirst || p.failedOnly !== q.failedOnly || p.filter !== q.filter || p.groups !== q.groups) {
      this.query = { ...q };
      this.needle = needleOf(q);
      this.reset();
    }
    this.update(state);
    if (this.stale) {
      this.out = this.lists.flatMap((l) => l.map((i) => this.views[i]!));
      this.stale = false;
    }
    return this.out;
  }

  /** Hosts per state, as `hostTally(state)` gives them. */
  tally(state: RunState): Tally {
    this.update(state);
    return { ...this.counts };
  }

  private reset(): void {
    this.seen = [];
    this.views = [];
    this.ranks = [];
    this.lists = [[], [], [], []];
    this.counts = emptyTally();
    this.stale = true;
  }

  private update(state: RunState): void {
    const chunks = state.hosts.chunks;
    let base = 0;
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c]!;
      const before = this.seen[c];
      if (chunk !== before) {
        for (let j = 0; j < chunk.length; j++) if (chunk[j] !== before?.[j]) this.place(base + j, chunk[j]!);
      }
      base += chunk.length;
    }
    if (this.seen !== chunks) this.seen = chunks;
  }

  /** Takes in the new view of the host at position `i`. */
  private place(i: number, h: HostView): void {
    const old = this.views[i];
    const t = this.counts;
    if (old) {
      t[old.status]--;
      t.total--;
    }
    t[h.status]++;
    t.total++;
    t.finished = finishedOf(t);
    this.views[i] = h;
    const rank = this.rankOf(h);
    const was = this.ranks[i] ?? -1;
    if (rank !== was) {
      if (was >= 0) this.lists[was]!.splice(indexIn(this.lists[was]!, i), 1);
      if (rank >= 0) this.lists[rank]!.splice(indexIn(this.lists[rank]!, i), 0, i);
      this.ranks[i] = rank;
    }
    if (rank >= 0 || was >= 0) this.stale = true;
  }

  /** The list a host goes in under the current query, or -1 when it is not shown. */
  private rankOf(h: HostView): number {
    const q = this.query!;
    if (q.failedOnly && h.status !== 'failed' && h.status !== 'unreachable') return -1;
    if (!shownBy(h, this.needle, q.groups)) return -1;
    return q.problemsFirst ? RANK[h.status] : 0;
  }
}

/** Hosts that are through: done, skipped, failed, unreachable or cancelled. */
function finishedOf(t: Tally): number {
  return t.done + t.skipped + t.failed + t.unreachable + t.cancelled;
}

function emptyTally(): Tally {
  return { running: 0, failed: 0, unreachable: 0, waiting: 0, done: 0, skipped: 0, cancelled: 0, total: 0, finished: 0 };
}

/** Where `i` is or would go in the ascending list `l` (binary search). */
function indexIn(l: readonly number[], i: number): number {
  let lo = 0;
  let hi = l.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (l[mid]! < i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
