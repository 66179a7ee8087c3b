import { constants as osConstants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { OutputCap } from './output.js';
import { MarkerFilter } from './ssh-command.js';
import { EscalationFilter, type EscalationStep } from './escalation.js';
import { UnreachableError, type ExecOptions, type ExecResult } from './types.js';

const DEFAULT_MAX_BYTES = 1024 * 1024;

/** What a running command needs from its connection. */
export interface ExecHooks {
  /** Sends `kill -<signal> -<pgid>` over a second channel; never throws. */
  killGroup(pgid: number, signal: 'TERM' | 'KILL'): Promise<void>;
  /** After SIGTERM, how long before SIGKILL. */
  killGraceMs: number;
  /** After SIGKILL, how long to wait for the channel before giving up on it. */
  drainMs: number;
  /** For messages. */
  host: string;
}

type StopReason = 'timeout' | 'abort';

/**
 * What ChannelRun needs of a channel: an ssh2 exec channel, or a shell
 * session's command (shell-session.ts) that behaves as one.
 */
export interface RunChannel {
  on(event: 'data', listener: (b: Buffer) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal?: string) => void): unknown;
  on(event: 'close', listener: (code?: number | null, signal?: string) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  stderr: {
    on(event: 'data', listener: (b: Buffer) => void): unknown;
    on(event: 'error', listener: (err: Error) => void): unknown;
  };
  write(data: string): unknown;
  end(data?: string): unknown;
  close(): unknown;
}

/**
 * One command on one exec channel, from open to result. Resolves with the
 * result (failures are data); rejects with UnreachableError only when the
 * channel closed without an exit status, which means the connection was lost.
 */
export class ChannelRun {
  readonly result: Promise<ExecResult>;
  private resolve!: (r: ExecResult) => void;
  private reject!: (e: Error) => void;
  private readonly out: OutputCap;
  private readonly err: OutputCap;
  private readonly marker = new MarkerFilter();
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private exit?: { code: number | null; signal?: string };
  private stopping?: StopReason;
  private exitedFirst = false;
  private finished = false;
  private termSent = false;
  private timers: NodeJS.Timeout[] = [];
  private readonly onAbort = () => this.stop('abort');
  private readonly escalation?: EscalationFilter;
  private stdinEnded = false;

  constructor(
    private readonly channel: RunChannel,
    private readonly opts: ExecOptions,
    private readonly hooks: ExecHooks,
  ) {
    this.result = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.out = new OutputCap(max);
    this.err = new OutputCap(max);
    channel.on('data', (b: Buffer) => this.onData('stdout', b));
    channel.stderr.on('data', (b: Buffer) => this.onStderr(b));
    channel.on('exit', (code: number | null, signal?: string) => this.onExit(code, signal));
    // ssh2 repeats the exit status on 'close'; take it from there if 'exit' came first unheard.
    channel.on('close', (code?: number | null, signal?: string) => {
      if (!this.exit && (typeof code === 'number' || signal)) this.onExit(code ?? null, signal);
      this.onClose();
    });
    channel.on('error', () => {}); // a write after the peer closed: the close handler decides
    channel.stderr.on('error', () => {});
    this.escalation = opts.escalation ? new EscalationFilter(opts.escalation) : undefined;
    // EOF at once unless the command is fed; with a become handshake, nothing before sudo asks or the command runs.
    if (!this.escalation) this.endStdin(opts.stdin);
    if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
      this.timers.push(setTimeout(() => this.stop('timeout'), opts.timeoutMs));
    }
    if (opts.signal?.aborted) queueMicrotask(() => this.stop('abort'));
    else opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** True once a timeout or an abort began to end the command. */
  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  /** The group id the command reported, once known. */
  get pgid(): number | undefined {
    return this.marker.pgid;
  }

  /** Ends the command's group: TERM now (or as soon as the pgid is known), KILL after the grace. */
  stop(reason: StopReason): void {
    if (this.finished || this.stopping) return;
    this.stopping = reason;
    this.sendTerm();
    this.timers.push(
      setTimeout(() => {
        if (this.marker.pgid !== undefined) void this.hooks.killGroup(this.marker.pgid, 'KILL');
        // The group is gone or unreachable: stop waiting for the channel.
        this.timers.push(setTimeout(() => this.giveUp(), this.hooks.drainMs));
      }, this.hooks.killGraceMs),
    );
  }

  /** The connection died: the command's fate is unknown. */
  lost(message: string): void {
    if (this.finished) return;
    this.cleanup();
    this.reject(new UnreachableError(message));
  }

  private sendTerm(): void {
    if (this.termSent || this.marker.pgid === undefined) return;
    this.termSent = true;
    void this.hooks.killGroup(this.marker.pgid, 'TERM');
  }

  private onData(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    if (chunk.length === 0) return;
    (stream === 'stdout' ? this.out : this.err).push(chunk);
    if (this.opts.onOutput) {
      const text = this.decoders[stream].write(chunk);
      if (text) this.opts.onOutput(stream, text);
    }
  }

  private onStderr(chunk: Buffer): void {
    const hadPgid = this.marker.pgid !== undefined;
    let out = this.marker.push(chunk);
    if (!hadPgid && this.marker.pgid !== undefined && this.stopping) this.sendTerm();
    if (this.escalation && out.length > 0) {
      const pushed = this.escalation.push(out);
      for (const step of pushed.steps) this.escalate(step);
      out = pushed.out;
    }
    this.onData('stderr', out);
  }

  private escalate(step: EscalationStep): void {
    if (this.stdinEnded) return;
    if (step === 'password') this.channel.write(`${this.opts.escalation!.password}\n`);
    else this.endStdin(step === 'stdin' ? this.opts.stdin : undefined);
  }

  private endStdin(data?: string): void {
    if (this.stdinEnded) return;
    this.stdinEnded = true;
    this.channel.end(data ?? undefined);
  }

  private onExit(code: number | null, signal?: string): void {
    this.exit = { code, ...(signal ? { signal } : {}) };
    this.exitedFirst = !this.stopping;
  }

  private onClose(): void {
    if (this.finished) return;
    if (!this.exit && !this.stopping) {
      this.lost(`connection to ${this.hooks.host} was lost while a command was running`);
      return;
    }
    this.finish();
  }

  private giveUp(): void {
    try {
      this.channel.close();
    } catch {
      // already closed
    }
    this.finish();
  }

  private cleanup(): void {
    this.finished = true;
    for (const t of this.timers) clearTimeout(t);
    this.opts.signal?.removeEventListener('abort', this.onAbort);
  }

  private finish(): void {
    if (this.finished) return;
    this.cleanup();
    const unmarked = this.marker.flush();
    this.onData('stderr', this.escalation && unmarked.length > 0 ? this.escalation.push(unmarked).out : unmarked);
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
    const killed = this.stopping !== undefined && !this.exitedFirst;
    const result: ExecResult = {
      rc: killed ? -1 : exitCode(this.exit),
      stdout: this.out.text(),
      stderr: this.err.text(),
      truncated: stdoutTruncated || stderrTruncated,
      stdoutTruncated,
      stderrTruncated,
      timedOut: killed && this.stopping === 'timeout',
    };
    if (this.marker.pgid !== undefined) result.pgid = this.marker.pgid;
    if (killed && this.stopping === 'abort') result.aborted = true;
    if (this.exit?.signal) result.signal = this.exit.signal;
    return result;
  }
}

/** ssh2 gives `SIGTERM`-style names for exit-signal; Python's convention is -<number>. */
function exitCode(exit: { code: number | null; signal?: string } | undefined): number {
  if (!exit) return -1;
  if (exit.code !== null && exit.code !== undefined) return exit.code;
  const n = exit.signal ? osConstants.signals[exit.signal as NodeJS.Signals] : undefined;
  return n ? -n : -1;
}
