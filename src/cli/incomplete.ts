/**
 * Runs that never ended: a controller killed outright (SIGKILL, the OOM
 * killer, a power cut) writes no `run.end`, releases no lock and stops no
 * async job. Each run directory records its controller (`controller`: pid
 * and host name); the next run on the same machine finds earlier runs
 * whose record has no `run.end` and whose controller is gone, and says what
 * they may have left behind and how to clean it up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pasteWord } from './resume.js';

const CONTROLLER_FILE = 'controller';
/** Written by `playwatch cleanup`: the run's leftovers were dealt with. */
export const CLEANED_FILE = 'cleaned';

/** Records this process as the run's controller (`<pid> <host> <user>`; `playwatch history` shows the user). */
export function recordController(runDir: string): void {
  fs.writeFileSync(path.join(runDir, CONTROLLER_FILE), `${process.pid} ${os.hostname()} ${userName()}\n`, { mode: 0o600 });
}

/** What an unfinished run may have left on its hosts. */
export interface Incomplete {
  runId: string;
  runDir: string;
  pid: number;
  /** The command line the run was started with. */
  argv: string[];
  /** Hosts it had started work on (a lock may still be held there). */
  touched: string[];
  /** Async jobs started and never seen to end. */
  jobs: Array<{ host: string; jid: string }>;
  /** Wall time of its last recorded event. */
  lastAt?: number;
}

type Ev = { type: string; host?: string; jid?: string; wall?: number; argv?: string[]; runId?: string };

/** Earlier runs in `runsDir` without `run.end` whose controller on this machine is gone. */
export function findIncomplete(runsDir: string, except: string, alive: (pid: number) => boolean = pidAlive): Incomplete[] {
  if (!fs.existsSync(runsDir)) return [];
  const found: Incomplete[] = [];
  for (const name of fs.readdirSync(runsDir).sort()) {
    const runDir = path.join(runsDir, name);
    if (runDir === except || fs.existsSync(path.join(runDir, CLEANED_FILE))) continue;
    const controller = readController(runDir);
    if (!controller || controller.host !== os.hostname() || alive(controller.pid)) continue;
    const evs = readEvents(path.join(runDir, 'events.jsonl'));
    if (evs.length === 0 || evs.some((e) => e.type === 'run.end')) continue;
    found.push(summarize(name, runDir, controller.pid, evs));
  }
  return found;
}

function summarize(runId: string, runDir: string, pid: number, evs: Ev[]): Incomplete {
  const touched = new Set<string>();
  const jobs = new Map<string, string>();
  let argv: string[] = [];
  for (const e of evs) {
    if (e.type === 'run.start') argv = e.argv ?? [];
    if (e.type === 'host.start' && e.host) touched.add(e.host);
    if (e.type === 'async.start' && e.jid && e.host) jobs.set(e.jid, e.host);
    if (e.type === 'async.done' && e.jid) jobs.delete(e.jid);
  }
  const byHost = (x: { host: string; jid: string }, y: { host: string; jid: string }) => x.host.localeCompare(y.host) || x.jid.localeCompare(y.jid);
  return { runId, runDir, pid, argv, touched: [...touched].sort(), jobs: [...jobs].map(([jid, host]) => ({ host, jid })).sort(byHost), lastAt: evs.at(-1)?.wall };
}

/** The warning for one unfinished run, with the command that cleans up after it. */
export function incompleteWarning(run: Incomplete, shownDir: string): string {
  const when = run.lastAt ? new Date(run.lastAt).toISOString().replace(/\.\d+Z$/, 'Z') : '?';
  const jobs = run.jobs.length ? `; async jobs it started may still be running: ${run.jobs.map((j) => `${j.host} ${j.jid}`).join(', ')}` : '';
  const hosts = run.touched.length ? `; deploy locks it took on ${run.touched.join(', ')} are stale` : '';
  return (
    `run ${run.runId} did not end: its controller (pid ${run.pid}) is gone, its record stops at ${when}${hosts}${jobs}. ` +
    `To stop its jobs and release its locks: ${cleanupCommand(run, shownDir)}`
  );
}

/** `playwatch cleanup <run dir> -i <the run's inventories>`. */
export function cleanupCommand(run: Incomplete, shownDir: string): string {
  const inv: string[] = [];
  for (let i = 0; i < run.argv.length; i++) {
    const a = run.argv[i]!;
    const m = /^(-i|--inventory|--inventory-file)(?:=(.*))?$/.exec(a);
    if (!m) continue;
    const value = m[2] ?? run.argv[++i];
    if (value !== undefined) inv.push('-i', value);
  }
  return ['playwatch', 'cleanup', shownDir, ...inv].map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : pasteWord(w))).join(' ');
}

function userName(): string {
  try {
    return os.userInfo().username.replace(/\s/g, '_') || String(process.getuid?.() ?? '?');
  } catch {
    return String(process.getuid?.() ?? '?');
  }
}

function readController(runDir: string): { pid: number; host: string } | undefined {
  try {
    const [pid, host] = fs.readFileSync(path.join(runDir, CONTROLLER_FILE), 'utf8').trim().split(' ');
    return Number(pid) > 0 && host ? { pid: Number(pid), host } : undefined;
  } catch {
    return undefined;
  }
}

/** The events of a record; a torn last line (the process died mid-write) is skipped. */
export function readEvents(file: string): Ev[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: Ev[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Ev);
    } catch {
      // a line cut short by the kill
    }
  }
  return out;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
