/**
 * PLAY RECAP counts, from events alone: the one place a run's stats are
 * counted. The engine tallies what it emits for `run.end`; `reduce` tallies
 * the live counts; the summary and the recaps read `run.end`. The rules are
 * ansible-core 2.14's (`StrategyBase._process_pending_results`):
 *
 * - ok: `ok=1`, and `changed=1` when it changed;
 * - a failure: `failed=1`; when a rescue then handles it (`host.rescued`)
 *   it moves to `rescued`; an ignored failure is `ok` + `ignored` (+
 *   `changed` when it changed);
 * - unreachable: `unreachable=1`; an ignored one is `ok` + `ignored`;
 * - skipped: `skipped=1`;
 * - an include_tasks counts one `ok` per file it included (one per loop
 *   item); an include_role counts nothing (ansible-core's strategy counts
 *   included task files when it loads them, and roles never);
 * - `meta` tasks count nothing (ansible-core runs them outside the stats);
 * - per-item events count nothing: the loop's own result counts once;
 * - a host a group budget cancelled: `cancelled=1` (playwatch's column).
 */
import type { HostStats } from '../model/index.js';
import type { RunEvent } from './types.js';

/** All counts at zero. */
export function zeroStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

/** What one event adds to its host's counts; undefined when it counts nothing. */
export function statsDelta(e: RunEvent): Partial<HostStats> | undefined {
  if ('item' in e && e.item !== undefined) return undefined;
  if ('task' in e && e.task.module === 'meta') return undefined;
  switch (e.type) {
    case 'host.ok': {
      const included = e.result.include;
      const ok = !Array.isArray(included) ? 1 : e.task.module === 'include_role' ? 0 : included.length;
      return e.changed ? { ok, changed: 1 } : { ok };
    }
    case 'host.failed':
      if (!e.ignored) return { failed: 1 };
      return e.result.changed === true ? { ok: 1, ignored: 1, changed: 1 } : { ok: 1, ignored: 1 };
    case 'host.rescued':
      return { failed: -1, rescued: 1 };
    case 'host.unreachable':
      return e.ignored ? { ok: 1, ignored: 1 } : { unreachable: 1 };
    case 'host.skipped':
      return { skipped: 1 };
    case 'host.cancelled':
      return { cancelled: 1 };
    default:
      return undefined;
  }
}

/** `st` with `delta` added (a new object; `st` is left as it was). */
export function addStats(st: HostStats, delta: Partial<HostStats>): HostStats {
  const n: HostStats = { ...st };
  for (const [k, v] of Object.entries(delta) as Array<[keyof HostStats, number]>) n[k] = (n[k] ?? 0) + v;
  return n;
}

/** One host's counts after `e` (the same object when `e` counts nothing for it). */
export function tallyHost(st: HostStats, e: RunEvent): HostStats {
  const d = statsDelta(e);
  return d ? addStats(st, d) : st;
}

/** The run's per-host counts after `e`. Pure: returns `stats` itself when `e` counts nothing. */
export function tally(stats: Readonly<Record<string, HostStats>>, e: RunEvent): Record<string, HostStats> {
  const d = 'host' in e ? statsDelta(e) : undefined;
  if (!d || !('host' in e)) return stats;
  return { ...stats, [e.host]: addStats(stats[e.host] ?? zeroStats(), d) };
}

/**
 * `tally` in place, for a run's own running count: one host's entry is
 * replaced (never changed, so counts read earlier stay as they were) instead
 * of copying every host's for each event, which on 500 hosts made the tally
 * quadratic.
 */
export function tallyInto(stats: Record<string, HostStats>, e: RunEvent): void {
  const d = 'host' in e ? statsDelta(e) : undefined;
  if (d && 'host' in e) stats[e.host] = addStats(stats[e.host] ?? zeroStats(), d);
}

/** Counts of every host added up. */
export function sumStats(all: Iterable<HostStats>): HostStats {
  let t = zeroStats();
  for (const st of all) t = addStats(t, st);
  return t;
}
