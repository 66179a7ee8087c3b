/**
 * `playwatch history` (one line per run, `--json`, `-n N`, `--prune`,
 * `--keep N`) and `playwatch show <run>` (recap, slowest tasks, failures
 * and where the run's files are), read from the runs directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { addStats, profileOf, statsDelta, zeroStats, type RunEvent } from '../events/index.js';
import type { HostStats } from '../model/index.js';
import { UserError } from '../model/index.js';
import { loadConfig } from '../config/index.js';
import { listRuns, rowOf, type RunRow } from '../history/runs.js';
import { openRun } from '../history/resolve.js';
import type { LoadedRun } from '../history/load.js';
import { SummaryCollector } from '../reporters/run-summary.js';
import { profileLines, recapLines } from '../reporters/summary.js';
import { archiveName, pruneRuns } from '../reporters/archive.js';
import { durationClock, inert } from '../text/index.js';
import { EXIT } from '../engine/index.js';

export interface HistoryFlags {
  runsDir?: string;
  json?: boolean;
  /** `-n`: only the newest N runs. */
  number?: number;
  prune?: boolean;
  keep?: number;
}

/** The runs directory: `--runs-dir`, else the config's (`runs_dir`, default .playwatch/runs). */
export function runsDirOf(flag: string | undefined, cwd = process.cwd()): string {
  if (flag) return path.resolve(cwd, flag);
  return loadConfig({ cwd, env: process.env, cli: {} }).settings.runsDir;
}

const write = (s: string) => void process.stdout.write(s);

export async function historyCommand(flags: HistoryFlags): Promise<number> {
  const cwd = process.cwd();
  if (flags.keep !== undefined && !(Number.isInteger(flags.keep) && flags.keep >= 0)) throw new UserError('--keep must be a whole number');
  if (flags.prune || flags.keep !== undefined) return prune(flags, cwd);
  const runsDir = runsDirOf(flags.runsDir, cwd);
  let rows = listRuns(runsDir);
  if (flags.number !== undefined) {
    if (!(Number.isInteger(flags.number) && flags.number > 0)) throw new UserError('-n must be a positive whole number');
    rows = rows.slice(-flags.number);
  }
  if (flags.json) {
    write(`${JSON.stringify(rows.map((r) => ({ ...r, playbook: shown(cwd, r.playbook) })), null, 2)}\n`);
    return EXIT.ok;
  }
  if (rows.length === 0) {
    process.stderr.write(`no runs in ${shown(cwd, runsDir)}\n`);
    return EXIT.ok;
  }
  write(historyTable(rows, cwd));
  return EXIT.ok;
}

/** The table `history` prints: one run a line, oldest first. */
export function historyTable(rows: RunRow[], cwd: string): string {
  const head = ['RUN', 'STARTED', 'RESULT', 'DURATION', 'HOSTS', 'USER', 'PLAYBOOK', 'INVENTORY'];
  const cells = rows.map((r) => [
    r.id,
    r.startedAt ? r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '?',
    r.result + (r.truncated ? '*' : ''),
    clock(r.durationMs),
    String(r.hosts.length),
    r.user ?? '?',
    r.playbook ? shown(cwd, r.playbook) : '?',
    r.inventory.join(',') || '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => inert(c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ')).trimEnd();
  const notes = rows.some((r) => r.truncated) ? ['* the record ends in a torn line (the run died mid-write)'] : [];
  return [line(head), ...cells.map(line), ...notes].join('\n') + '\n';
}

/** `--prune`: the runs beyond runs_keep / runs_max_mb (or `--keep N`) go; runs still going are kept. */
function prune(flags: HistoryFlags, cwd: string): number {
  const settings = loadConfig({ cwd, env: process.env, cli: flags.runsDir ? { runsDir: flags.runsDir } : {} }).settings;
  const runsDir = flags.runsDir ? path.resolve(cwd, flags.runsDir) : settings.runsDir;
  const live = listRuns(runsDir)
    .filter((r) => r.result === 'running')
    .map((r) => r.id);
  const keep = flags.keep ?? settings.runsKeep;
  const removed = pruneRuns(runsDir, { keep: Math.max(keep, 0), maxMb: flags.keep !== undefined ? undefined : settings.runsMaxMb, protect: live });
  for (const id of [...removed].sort()) write(`removed ${id}\n`);
  write(`${removed.length} run${removed.length === 1 ? '' : 's'} removed, keeping at most ${keep}${live.length ? ` (${live.length} running, kept)` : ''}\n`);
  return EXIT.ok;
}

export interface ShowFlags {
  runsDir?: string;
  json?: boolean;
  profileLimit?: number;
}

/** `playwatch show <run|@last|@prev>`. */
export async function showCommand(arg: string, flags: ShowFlags): Promise<number> {
  const cwd = process.cwd();
  const named = await openRun(arg, runsDirOf(flags.runsDir, cwd));
  if (named.kind === 'summary') {
    // Only a summary.json: it says what it says.
    write(`${JSON.stringify(named.summary, null, 2)}\n`);
    return EXIT.ok;
  }
  const run = named.run;
  const row = rowOf(run);
  const summary = summaryOf(run.events);
  if (flags.json) {
    write(`${JSON.stringify({ ...row, summary }, null, 2)}\n`);
    return EXIT.ok;
  }
  write(`${showLines(run, row, cwd, flags.profileLimit ?? 10).join('\n')}\n`);
  return EXIT.ok;
}

function summaryOf(events: RunEvent[]) {
  const c = new SummaryCollector();
  for (const e of events) c.onEvent(e);
  return c.summary();
}

/** What `show` prints: the run's line, PLAY RECAP, the slowest tasks and roles, failures with their output, and paths. */
export function showLines(run: LoadedRun, row: RunRow, cwd: string, limit: number): string[] {
  const summary = summaryOf(run.events);
  const stats = run.end?.stats ?? statsFrom(run.events);
  const head = [
    `run ${row.id}: ${row.result}${row.exitCode !== undefined ? ` (exit ${row.exitCode})` : ''}${run.truncated ? ', record cut short (the run died mid-write)' : ''}`,
    `playbook: ${shown(cwd, row.playbook)}${row.inventory.length ? `  inventory: ${row.inventory.join(', ')}` : ''}${row.user ? `  user: ${row.user}` : ''}`,
    `started: ${row.startedAt}  took ${clock(row.durationMs)}`,
    `hosts (${row.hosts.length}): ${row.hosts.join(', ')}`,
  ];
  const failures = summary.failures.flatMap((f) => [`${f.kind}: [${f.host}] ${f.task} (${f.path}): ${f.line}`, ...f.tail.map((l) => `    ${l}`)]);
  // A run read from its archive is that one file.
  const fromArchive = fs.existsSync(run.dir) && fs.statSync(run.dir).isFile();
  const files = fromArchive ? [run.dir] : ['events.jsonl', 'run.log', 'summary.json', 'hosts'].map((f) => path.join(run.dir, f)).filter((f) => fs.existsSync(f));
  const archive = path.join(path.dirname(run.dir), archiveName(path.basename(run.dir)));
  if (!fromArchive && fs.existsSync(archive)) files.push(archive);
  const lines = [
    ...head,
    ...recapLines(stats),
    ...profileLines(profileOf(run.events), limit, row.durationMs).slice(1),
    ...(failures.length ? ['', 'FAILURES', ...failures] : []),
    '',
    'FILES',
    ...files.map((f) => `  ${shown(cwd, f)}`),
  ];
  return lines.map((l) => inert(l));
}

/** Host stats from the events, for a run that has no run.end. */
function statsFrom(events: RunEvent[]): Record<string, HostStats> {
  const stats: Record<string, HostStats> = {};
  for (const e of events) {
    if (!('host' in e)) continue;
    const d = statsDelta(e);
    if (d) stats[e.host] = addStats(stats[e.host] ?? zeroStats(), d);
  }
  return stats;
}

/** `H:MM:SS`. */
export function clock(ms: number): string {
  return durationClock(ms).replace(/\.\d+$/, '');
}

/** A path as the user would type it: relative when under cwd, else absolute. */
export function shown(cwd: string, p: string): string {
  if (!p) return p;
  const rel = path.relative(cwd, p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}
