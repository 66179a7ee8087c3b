/**
 * Whole-process measurements of a command: wall time, CPU of the process
 * tree (bash's `times` after the command: every child the command waited
 * for is in it), peak RSS (Node programs only, from a preload) and the most
 * file descriptors it held at once (sampled every 100 ms).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { atCleanup, killGroup } from './cleanup.js';

const rusage = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rusage.mjs');

export interface Measured {
  ok: boolean;
  wallMs: number;
  /** user + system of the command and the children it waited for. */
  cpuMs: number;
  rssMB?: number;
  fds?: number;
  /** The end of its output, for a failure's message. */
  tail: string;
}

export interface MeasureOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** `cmd` is a Node script: run it with process.execPath and the RSS preload. */
  node?: boolean;
  /** Sample the descriptors the command holds. */
  fds?: boolean;
  /** Run in a tmux pseudo terminal of this size instead of pipes. */
  tty?: { columns: number; rows: number };
}

const WRAP = '"$@"; rc=$?; times > "$PW_BENCH_TIMES"; exit $rc';
const WRAP_TTY = '"$@" 2>"$PW_BENCH_ERR"; rc=$?; times > "$PW_BENCH_TIMES"; echo $rc > "$PW_BENCH_DONE.tmp"; mv "$PW_BENCH_DONE.tmp" "$PW_BENCH_DONE"';

/** The children's user and system seconds from `times` output ("0m1.234s 0m0.100s" on its second line), in ms. */
export function parseTimes(text: string): number | undefined {
  const line = text.trim().split('\n')[1];
  const m = line?.match(/^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/);
  if (!m) return undefined;
  return (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
}

function childOf(pid: number): number | undefined {
  try {
    const first = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

function fdCount(pid: number): number {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

let ttyCount = 0;

export async function measure(cmd: string, args: string[], o: MeasureOptions = {}): Promise<Measured> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-bench-m-'));
  const removeTmp = atCleanup(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const files = { times: path.join(tmp, 'times'), rusage: path.join(tmp, 'rusage'), done: path.join(tmp, 'done'), err: path.join(tmp, 'err') };
  const argv = o.node ? [process.execPath, '--import', rusage, cmd, ...args] : [cmd, ...args];
  const env = { ...process.env, ...o.env, PW_BENCH_TIMES: files.times, PW_BENCH_RUSAGE: files.rusage, PW_BENCH_DONE: files.done, PW_BENCH_ERR: files.err };
  try {
    const t0 = performance.now();
    const run = o.tty ? await inTmux(argv, env, o, files) : await piped(argv, env, o);
    const wallMs = performance.now() - t0;
    const cpuMs = fs.existsSync(files.times) ? parseTimes(fs.readFileSync(files.times, 'utf8')) : undefined;
    const ru = fs.existsSync(files.rusage) ? (JSON.parse(fs.readFileSync(files.rusage, 'utf8')) as { maxRssKB: number }) : undefined;
    return {
      ok: run.ok && cpuMs !== undefined,
      wallMs,
      cpuMs: cpuMs ?? NaN,
      ...(ru ? { rssMB: ru.maxRssKB / 1024 } : {}),
      ...(run.fds ? { fds: run.fds } : {}),
      tail: run.tail,
    };
  } finally {
    removeTmp();
  }
}

async function piped(argv: string[], env: NodeJS.ProcessEnv, o: MeasureOptions): Promise<{ ok: boolean; tail: string; fds: number }> {
  // A process group of its own, so an interrupted suite can stop it and all it started.
  const child = spawn('bash', ['-c', WRAP, 'bash', ...argv], { env, cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const forget = atCleanup(() => killGroup(child.pid));
  let tail = '';
  const keep = (d: Buffer) => (tail = (tail + d.toString('utf8')).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let fds = 0;
  const timer = o.fds
    ? setInterval(() => {
        const pid = childOf(child.pid!);
        if (pid) fds = Math.max(fds, fdCount(pid));
      }, 100)
    : undefined;
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (timer) clearInterval(timer);
  forget();
  return { ok: code === 0, tail: tail.trim().split('\n').slice(-8).join('\n'), fds };
}

/** The command in a detached tmux session on a server of its own; done when the wrapper writes its exit code. */
async function inTmux(argv: string[], env: NodeJS.ProcessEnv, o: MeasureOptions, files: { done: string; err: string }): Promise<{ ok: boolean; tail: string; fds: number }> {
  const socket = `playwatch-bench-${process.pid}-${++ttyCount}`;
  const tty = o.tty!;
  const cd = o.cwd ? ['-c', o.cwd] : [];
  const r = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', String(tty.columns), '-y', String(tty.rows), ...cd, 'bash', '-c', WRAP_TTY, 'bash', ...argv], { env, encoding: 'utf8' });
  const kill = atCleanup(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    // A server whose last session ended can leave its socket file behind.
    fs.rmSync(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
  });
  if (r.status !== 0) {
    kill();
    return { ok: false, tail: `tmux failed: ${r.stderr}`, fds: 0 };
  }
  try {
    const deadline = Date.now() + 30 * 60_000;
    while (!fs.existsSync(files.done)) {
      if (Date.now() > deadline) return { ok: false, tail: 'no exit after 30 minutes', fds: 0 };
      await new Promise((res) => setTimeout(res, 50));
    }
    const code = Number(fs.readFileSync(files.done, 'utf8').trim());
    const err = fs.existsSync(files.err) ? fs.readFileSync(files.err, 'utf8').trim().split('\n').slice(-8).join('\n') : '';
    return { ok: code === 0, tail: code === 0 ? '' : `exit ${code}${err ? `: ${err}` : ''}`, fds: 0 };
  } finally {
    kill();
  }
}
