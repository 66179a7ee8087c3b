/**
 * The runs directory as a list: one row per run (id, start, playbook,
 * inventory, hosts, duration, result, who ran it), newest last. A run
 * whose record is cut short or unreadable is still a row: `incomplete`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EVENTS_FILE, loadRun, type LoadedRun } from './load.js';
import { readFrom } from './replay.js';

/** How a run came out; `running` and `incomplete` have no `run.end` yet (or ever). */
export type RunResult = 'ok' | 'failed' | 'unreachable' | 'aborted' | 'running' | 'incomplete';

export interface RunRow {
  id: string;
  dir: string;
  /** ISO 8601 wall time of run.start (empty when unknown). */
  startedAt: string;
  playbook: string;
  inventory: string[];
  hosts: string[];
  durationMs: number;
  result: RunResult;
  exitCode?: number;
  user?: string;
  /** The record's last line was cut short. */
  truncated?: boolean;
  /** Why the record could not be read at all. */
  error?: string;
}

/** Run ids sort by start time: `20261203-092620-ab12`. */
export const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

/** The run directories under `runsDir` (those holding events.jsonl), oldest first. */
export function runDirs(runsDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch {
    return [];
  }
  const dirs = names
    .filter((n) => !n.startsWith('.'))
    .map((n) => path.join(runsDir, n))
    .filter((p) => isDir(p) && fs.existsSync(path.join(p, EVENTS_FILE)));
  // Ids carry the start to the second only: runs started within one second go by their recorded start.
  const walls = new Map<string, number>();
  const wall = (d: string): number => {
    if (!walls.has(d)) walls.set(d, startWall(d));
    return walls.get(d)!;
  };
  return dirs.sort((a, b) => {
    const sa = path.basename(a).slice(0, 15);
    const sb = path.basename(b).slice(0, 15);
    if (sa !== sb) return sa < sb ? -1 : 1;
    return wall(a) - wall(b) || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/** The wall time of a record's first event (run.start); 0 when unreadable. Read only for runs started in the same second. */
function startWall(dir: string): number {
  try {
    const line = readFrom(path.join(dir, EVENTS_FILE), 0).toString('utf8').split('\n')[0]!;
    const wall = (JSON.parse(line) as { wall?: unknown }).wall;
    return typeof wall === 'number' ? wall : 0;
  } catch {
    return 0;
  }
}

/** Every run in `runsDir`, oldest first. */
export function listRuns(runsDir: string, alive: (pid: number) => boolean = pidAlive): RunRow[] {
  return runDirs(runsDir).map((dir) => {
    try {
      return rowOf(loadRun(dir), alive);
    } catch (err) {
      return { id: path.basename(dir), dir, startedAt: '', playbook: '', inventory: [], hosts: [], durationMs: 0, result: 'incomplete', error: (err as Error).message };
    }
  });
}

/** A loaded run's row. */
export function rowOf(run: LoadedRun, alive: (pid: number) => boolean = pidAlive): RunRow {
  const { start, end } = run;
  const last = run.events.at(-1)!;
  const row: RunRow = {
    id: run.id,
    dir: run.dir,
    startedAt: new Date(start.wall).toISOString(),
    playbook: start.playbook,
    inventory: inventoriesOf(start.argv),
    hosts: start.hosts,
    durationMs: Math.round(end?.durationMs ?? last.at - start.at),
    result: resultOf(run, alive),
  };
  if (end) row.exitCode = end.exitCode;
  if (run.controller?.user) row.user = run.controller.user;
  // A live run's last line may be half written: torn only matters once nobody writes any more.
  if (run.truncated && row.result !== 'running') row.truncated = true;
  return row;
}

/** ok, failed, unreachable or aborted from run.end; without it, running while its controller lives, else incomplete. */
export function resultOf(run: LoadedRun, alive: (pid: number) => boolean = pidAlive): RunResult {
  const end = run.end;
  if (end) {
    if (end.aborted) return 'aborted';
    if (end.exitCode === 0) return 'ok';
    return end.exitCode === 4 ? 'unreachable' : 'failed';
  }
  const c = run.controller;
  const live = c ? c.host === os.hostname() && alive(c.pid) : run.serving;
  return live ? 'running' : 'incomplete';
}

/** The `-i` values of a recorded command line. */
export function inventoriesOf(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^(-i|--inventory|--inventory-file)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) continue;
    const v = m[2] ?? argv[++i];
    if (v !== undefined) out.push(v);
  }
  return out;
}

function isDir(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
