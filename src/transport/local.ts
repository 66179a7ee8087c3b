import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as osConstants, homedir, userInfo } from 'node:os';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { OutputCap } from './output.js';
import { EscalationFilter, type EscalationStep } from './escalation.js';
import type { ConnectionInfo, ConnectionSpec, ExecOptions, ExecResult, Transport } from './types.js';

const DEFAULT_MAX_BYTES = 1024 * 1024;

/** Waits that tests shorten. */
export interface LocalTimings {
  /** After SIGTERM to the group, how long before SIGKILL (default 2000 ms). */
  killGraceMs?: number;
  /**
   * After the shell exits, how long to wait for its pipes to close (default
   * 2000 ms). A background process that inherited stdout keeps them open;
   * past this wait we stop reading and return, leaving that process alone.
   */
  drainMs?: number;
}

/**
 * Runs commands on this machine with `/bin/sh -c`. Each command is the leader
 * of its own process group (`detached`), so a timeout or an abort ends the
 * command and everything it started.
 *
 * Results of commands ended by playwatch (timeout or abort) have `rc: -1`, as
 * ansible-core reports a command it had to kill; `timedOut` or `aborted` says
 * which. A command killed by some other signal reports `rc: -<signal number>`
 * (Python's convention, which ansible's results carry).
 */
export class LocalTransport implements Transport {
  readonly host: string;
  private readonly root?: string;
  private readonly startDir?: string;
  private readonly killGraceMs: number;
  private readonly drainMs: number;
  private readonly running = new Set<RunningCommand>();

  constructor(spec: ConnectionSpec, timings: LocalTimings = {}) {
    this.host = spec.host;
    this.root = spec.root ? path.resolve(spec.root) : undefined;
    this.startDir = spec.cwd ? path.resolve(spec.cwd) : undefined;
    this.killGraceMs = timings.killGraceMs ?? 2000;
    this.drainMs = timings.drainMs ?? 2000;
  }

  async connect(): Promise<void> {
    if (this.root) await fs.mkdir(this.root, { recursive: true });
  }

  describe(): ConnectionInfo {
    return { connection: 'local', user: userInfo().username, ...(this.root ? { root: this.root } : {}) };
  }

  /** Expands `~` to the host's home (its root when set) and resolves relative paths against the root (or the start directory). */
  resolvePath(p: string): string {
    const home = this.root ?? homedir();
    if (p === '~') return home;
    if (p.startsWith('~/')) return path.join(home, p.slice(2));
    return path.resolve(this.root ?? this.startDir ?? process.cwd(), p);
  }

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (opts.signal?.aborted) {
      return Promise.resolve({ rc: -1, stdout: '', stderr: '', truncated: false, timedOut: false, aborted: true });
    }
    const env: NodeJS.ProcessEnv = { ...process.env, ...(opts.env ?? {}) };
    if (this.root) env.HOME = this.root;
    const cwd = opts.cwd !== undefined ? this.resolvePath(opts.cwd) : (this.root ?? this.startDir);
    // spawn reports a missing cwd as "spawn /bin/sh ENOENT", which points at the wrong thing.
    if (cwd !== undefined && !existsSync(cwd)) {
      const stderr = `playwatch: cannot change to directory '${cwd}': No such file or directory`;
      return Promise.resolve({ rc: 1, stdout: '', stderr, truncated: false, timedOut: false });
    }
    const child = spawn('/bin/sh', ['-c', command], {
      cwd,
      env,
      detached: true,
      stdio: [opts.stdin !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const run = new RunningCommand(child, opts, this.killGraceMs, this.drainMs);
    this.running.add(run);
    return run.result.finally(() => this.running.delete(run));
  }

  async put(content: string | Buffer, remotePath: string, mode?: number): Promise<void> {
    const dest = this.resolvePath(remotePath);
    // Write beside the target and rename, so a reader never sees half a file.
    const tmp = `${dest}.playwatch-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await fs.writeFile(tmp, content, mode !== undefined ? { mode } : {});
      if (mode !== undefined) await fs.chmod(tmp, mode); // writeFile's mode is masked by umask
      await fs.rename(tmp, dest);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  get(remotePath: string): Promise<Buffer> {
    return fs.readFile(this.resolvePath(remotePath));
  }

  /** Ends commands still running (their whole groups) and waits for them. */
  async close(): Promise<void> {
    const pending = [...this.running];
    for (const run of pending) run.stop('abort');
    await Promise.all(pending.map((r) => r.result));
  }
}

type StopReason = 'timeout' | 'abort';

/** One command from spawn to its result. */
class RunningCommand {
  readonly result: Promise<ExecResult>;
  private resolve!: (r: ExecResult) => void;
  private readonly out: OutputCap;
  private readonly err: OutputCap;
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private exit?: { code: number | null; signal: NodeJS.Signals | null };
  private spawnError?: Error;
  private stopping?: StopReason;
  /** The shell exited on its own before any stop; its status stands. */
  private exitedFirst = false;
  private finished = false;
  private timers: NodeJS.Timeout[] = [];
  private killTimer?: NodeJS.Timeout;
  private readonly onAbort = () => this.stop('abort');
  private readonly escalation?: EscalationFilter;

  constructor(
    private readonly child: ChildProcess,
    private readonly opts: ExecOptions,
    private readonly killGraceMs: number,
    private readonly drainMs: number,
  ) {
    this.result = new Promise((res) => (this.resolve = res));
    const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.out = new OutputCap(max);
    this.err = new OutputCap(max);
    this.escalation = opts.escalation ? new EscalationFilter(opts.escalation) : undefined;
    child.stdout!.on('data', (b: Buffer) => this.onData('stdout', b));
    child.stderr!.on('data', (b: Buffer) => this.onStderr(b));
    child.on('error', (e) => {
      this.spawnError = e;
      this.finish();
    });
    child.on('exit', (code, signal) => this.onExit(code, signal));
    child.on('close', () => this.finish());
    if (child.stdin) {
      child.stdin.on('error', () => {}); // the command may exit without reading: EPIPE is not our failure
      // With a become handshake, nothing is written before sudo asks or the command runs.
      if (!this.escalation) child.stdin.end(opts.stdin);
    }
    if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
      this.timers.push(setTimeout(() => this.stop('timeout'), opts.timeoutMs));
    }
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** SIGTERM to the group now, SIGKILL after the grace, then resolve even if pipes stay open. */
  stop(reason: StopReason): void {
    if (this.finished || this.stopping) return;
    this.stopping = reason;
    this.killGroup('SIGTERM');
    this.killTimer = setTimeout(() => {
      this.killGroup('SIGKILL');
      // Give the pipes a moment to report the last output, then stop waiting.
      this.timers.push(setTimeout(() => this.finish(), 100));
    }, this.killGraceMs);
  }

  private onData(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    (stream === 'stdout' ? this.out : this.err).push(chunk);
    if (this.opts.onOutput) {
      const text = this.decoders[stream].write(chunk);
      if (text) this.opts.onOutput(stream, text);
    }
  }

  private onStderr(chunk: Buffer): void {
    if (!this.escalation) return this.onData('stderr', chunk);
    const { out, steps } = this.escalation.push(chunk);
    for (const step of steps) this.escalate(step);
    if (out.length > 0) this.onData('stderr', out);
  }

  private escalate(step: EscalationStep): void {
    const stdin = this.child.stdin;
    if (!stdin || stdin.writableEnded) return;
    if (step === 'password') stdin.write(`${this.opts.escalation!.password}\n`);
    else if (step === 'stdin') stdin.end(this.opts.stdin);
    else stdin.end();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exit = { code, signal };
    this.exitedFirst = !this.stopping;
    this.timers.push(setTimeout(() => this.finish(), this.drainMs));
  }

  private killGroup(sig: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, sig);
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.timers) clearTimeout(t);
    // Once stopping, the SIGKILL sweep still runs for members that ignored SIGTERM.
    if (this.killTimer) this.killTimer.unref();
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    this.child.stdin?.destroy();
    const held = this.escalation?.flush();
    if (held?.length) this.onData('stderr', held);
    if (this.opts.onOutput) {
      for (const stream of ['stdout', 'stderr'] as const) {
        const rest = this.decoders[stream].end();
        if (rest) this.opts.onOutput(stream, rest);
      }
    }
    this.resolve(this.buildResult());
  }

  private buildResult(): ExecResult {
    const stdoutTruncated = this.out.truncated;
    const stderrTruncated = this.err.truncated;
    const result: ExecResult = {
      rc: this.exitCode(),
      stdout: this.out.text(),
      stderr: this.err.text(),
      truncated: stdoutTruncated || stderrTruncated,
      stdoutTruncated,
      stderrTruncated,
      pgid: this.child.pid,
      timedOut: this.stopping === 'timeout' && !this.exitedFirst,
    };
    if (this.stopping === 'abort' && !this.exitedFirst) result.aborted = true;
    if (this.exit?.signal) result.signal = this.exit.signal;
    if (this.spawnError) result.stderr += `${result.stderr ? '\n' : ''}${this.spawnError.message}`;
    return result;
  }

  private exitCode(): number {
    if (this.stopping && !this.exitedFirst) return -1;
    if (this.spawnError) return 127;
    if (!this.exit) return -1;
    if (this.exit.code !== null) return this.exit.code;
    const n = this.exit.signal ? osConstants.signals[this.exit.signal] : undefined;
    return n ? -n : -1;
  }
}
