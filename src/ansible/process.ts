import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { parseRecord, type CallbackRecord } from './records.js';

/** The callback's records come on this descriptor of ansible-playbook, never its stdout. */
export const RECORD_FD = 3;

export interface SpawnSpec {
  program: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** ansible-playbook's own stdout and stderr go here (the run record), never to the terminal. */
  logPath: string;
  onRecord: (r: CallbackRecord) => void;
  /** Each whole line ansible-playbook writes to stderr. */
  onStderrLine?: (line: string) => void;
}

/** A running ansible-playbook in its own session and process group. */
export interface AnsibleProcess {
  child: ChildProcess;
  /** Signals the whole process group (ansible-playbook, its workers, local commands). */
  signal(sig: NodeJS.Signals): void;
  /** Resolves with the exit code (or 128 + signal) once the process ended and its records were read. */
  exited: Promise<number>;
  /** The last of its stderr (and stdout), for error messages. */
  tail(): string;
  readonly alive: boolean;
}

const TAIL_MAX = 64 * 1024;

/**
 * Starts ansible-playbook `detached` (setsid: its own session and process
 * group), so the terminal's Ctrl-C and hangup reach playwatch only. Its
 * stdout and stderr are written to `logPath` (0600); the plugin's JSON
 * lines arrive on descriptor 3.
 */
export function startAnsible(spec: SpawnSpec): AnsibleProcess {
  const log = fs.openSync(spec.logPath, 'a', 0o600);
  let tail = '';
  const keep = (chunk: Buffer) => {
    fs.writeSync(log, chunk);
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_MAX);
  };
  const child = spawn(spec.program, spec.args, {
    cwd: spec.cwd,
    env: { ...spec.env, PLAYWATCH_CALLBACK_FD: String(RECORD_FD) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let alive = true;
  const streamsDone: Promise<void>[] = [];
  if (child.stderr && spec.onStderrLine) {
    const lines = readline.createInterface({ input: child.stderr, crlfDelay: Infinity });
    lines.on('line', spec.onStderrLine);
  }
  for (const s of [child.stdout, child.stderr]) {
    s?.on('data', keep);
    streamsDone.push(new Promise((resolve) => (s ? s.once('close', () => resolve()) : resolve())));
  }
  const records = child.stdio[RECORD_FD] as NodeJS.ReadableStream | null;
  if (records) {
    const lines = readline.createInterface({ input: records, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const r = parseRecord(line);
      if (r) spec.onRecord(r);
    });
    streamsDone.push(new Promise((resolve) => lines.once('close', () => resolve())));
  }
  const exited = new Promise<number>((resolve) => {
    const done = (code: number) => {
      alive = false;
      // A process it left behind (a daemonized job) may hold a pipe open: wait a moment, not forever.
      const grace = new Promise<void>((r) => setTimeout(r, 1000).unref());
      void Promise.race([Promise.all(streamsDone), grace]).then(() => {
        fs.closeSync(log);
        resolve(code);
      });
    };
    child.once('error', (err) => {
      keep(Buffer.from(`${err.message}\n`));
      done(127);
    });
    child.once('exit', (code, sig) => done(code ?? 128 + signalNumber(sig)));
  });
  return {
    child,
    exited,
    tail: () => tail,
    get alive() {
      return alive;
    },
    signal(sig) {
      if (!alive || child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is gone already.
      }
    },
  };
}

function signalNumber(sig: NodeJS.Signals | null): number {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return sig ? (table[sig] ?? 0) : 0;
}
