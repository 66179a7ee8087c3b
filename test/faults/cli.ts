/**
 * The fault tests drive the real command line (`src/cli/main.ts` under tsx),
 * so each proves what an operator sees: exit code, stderr, the run record.
 * Nothing here imports playwatch's sources, so the same files run against
 * any commit (the findings' tests were run against round 1's code).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MAIN = path.join(ROOT, 'src/cli/main.ts');

/** A fresh project directory with these files (path → content). */
export function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-fault-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  pid: number;
}

export interface CliOptions {
  /** Once stdout (or stderr) matches, `act` is called with the child. */
  when?: RegExp;
  act?: (child: ChildProcess) => void;
  env?: Record<string, string>;
  /** Node flags before the script (`--import <hook>` for fault injection). */
  node?: string[];
  timeoutMs?: number;
}

/**
 * `playwatch <args>` in `dir`, HOME set to `dir` (so local hosts' deploy
 * locks and async jobs live there), no ansible.cfg, plain output.
 */
export function cli(dir: string, args: string[], o: CliOptions = {}): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), ...(o.node ?? []), MAIN, ...args], {
      cwd: dir,
      env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: dir, ...o.env },
    });
    let out = '';
    let err = '';
    let acted = false;
    const check = () => {
      if (!acted && o.when && (o.when.test(out) || o.when.test(err))) {
        acted = true;
        o.act?.(child);
      }
    };
    child.stdout!.on('data', (d) => ((out += d), check()));
    child.stderr!.on('data', (d) => ((err += d), check()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err, pid: child.pid! });
    });
  });
}

/** The run directories under `<dir>/.playwatch/runs`, oldest first. */
export function runDirs(dir: string): string[] {
  const runs = path.join(dir, '.playwatch', 'runs');
  if (!fs.existsSync(runs)) return [];
  return fs
    .readdirSync(runs)
    .filter((n) => fs.statSync(path.join(runs, n)).isDirectory())
    .sort()
    .map((n) => path.join(runs, n));
}

export type Ev = { type: string; [k: string]: unknown };

/** The events of one run directory (the last run's by default). */
export function events(dir: string, runDir = runDirs(dir).at(-1)!): Ev[] {
  return fs
    .readFileSync(path.join(runDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Ev);
}

/** A Node stack frame (`    at fn (file:1:2)`): what an operator must never be shown for a user error. */
export const STACK = /^\s+at .+:\d+:\d+\)?$/m;

/** Whether a process is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `check` holds (polling), or rejects after `ms`. */
export async function until(check: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
