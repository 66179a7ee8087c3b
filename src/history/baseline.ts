/**
 * How long each task usually takes, from earlier runs of the same
 * playbook: the hang detector's baseline. A task is known by role + name
 * + n-th occurrence (as compare matches it); its samples are each host's
 * run of it (`host.start` to the host's final event for it) in each
 * earlier run. A threshold exists only for tasks seen in at least
 * `minRuns` earlier runs (3): two runs say too little about "usual".
 */
import path from 'node:path';
import type { RunEvent, TaskRef } from '../events/index.js';
import { loadRun } from './load.js';
import { runDirs } from './runs.js';

export interface SlowRule {
  /** Runs of the playbook needed before anything is called slow. */
  minRuns: number;
  /** A host is slow past max(factor x p95, p95 + floorMs). */
  factor: number;
  floorMs: number;
  /** Earlier runs read at most (the newest). */
  maxRuns: number;
}

export const DEFAULT_SLOW_RULE: SlowRule = { minRuns: 3, factor: 3, floorMs: 30_000, maxRuns: 20 };

/** A task's usual time: p95 of its samples, the threshold past which a host is slow, and how many runs it is from. */
export interface Usual {
  p95Ms: number;
  thresholdMs: number;
  runs: number;
}

export const taskKey = (t: Pick<TaskRef, 'role' | 'name' | 'n' | 'isHandler'>) => `${t.role ?? ''}\u0000${t.name}\u0000${t.n ?? 1}\u0000${t.isHandler ? 'h' : ''}`;

/** Each task's host runs in one record, ms, by task key. */
export function hostDurations(events: readonly RunEvent[]): Map<string, number[]> {
  const open = new Map<string, number>();
  const out = new Map<string, number[]>();
  for (const e of events) {
    if (!('task' in e) || !('host' in e)) continue;
    const at = `${e.task.id}\u0000${e.host}`;
    if (e.type === 'host.start') open.set(at, e.at);
    const final = e.type === 'host.unreachable' || ((e.type === 'host.ok' || e.type === 'host.failed' || e.type === 'host.skipped') && e.item === undefined);
    if (!final) continue;
    const start = open.get(at);
    if (start === undefined) continue;
    open.delete(at);
    const k = taskKey(e.task);
    out.set(k, [...(out.get(k) ?? []), e.at - start]);
  }
  return out;
}

/** p95 by nearest rank. */
export function p95(samples: readonly number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(0.95 * s.length) - 1)] ?? 0;
}

/** Each task's usual time from earlier records (one duration map per run). */
export function usualTimes(runs: ReadonlyArray<Map<string, number[]>>, rule: SlowRule = DEFAULT_SLOW_RULE): Map<string, Usual> {
  const out = new Map<string, Usual>();
  if (runs.length < rule.minRuns) return out;
  const keys = new Set(runs.flatMap((r) => [...r.keys()]));
  for (const k of keys) {
    const having = runs.filter((r) => r.has(k));
    if (having.length < rule.minRuns) continue;
    const p = p95(having.flatMap((r) => r.get(k)!));
    out.set(k, { p95Ms: Math.round(p), thresholdMs: Math.round(Math.max(rule.factor * p, p + rule.floorMs)), runs: having.length });
  }
  return out;
}

/**
 * The usual times for `playbook` from the newest earlier runs of it in
 * `runsDir` (records that cannot be read are passed over), `except` the
 * run now going.
 */
export function baselineFor(runsDir: string, playbook: string, except: string, rule: SlowRule = DEFAULT_SLOW_RULE): Map<string, Usual> {
  const runs: Array<Map<string, number[]>> = [];
  for (const dir of runDirs(runsDir).reverse()) {
    if (runs.length >= rule.maxRuns) break;
    if (path.resolve(dir) === path.resolve(except)) continue;
    try {
      const run = loadRun(dir);
      if (run.start.playbook === playbook) runs.push(hostDurations(run.events));
    } catch {
      // an unreadable record says nothing about usual times
    }
  }
  return usualTimes(runs, rule);
}
