import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import { RecordScanner, type Piece } from './shell-records.js';
import { commandScript, initScript, recordPrefix, relayFrame, RELAY_END, type StdinMode } from './shell-script.js';
import type { RunChannel } from './ssh-exec.js';

export interface SessionHooks {
  host: string;
  /** True when the whole connection is gone (then a command's fate is unknown: unreachable). */
  isLost(): boolean;
}

/**
 * One long-lived `sh` on one exec channel (shell mode): runs one command at
 * a time. The protocol is in shell-script.ts. A session that ends while a
 * command runs fails that command (never ok, never run again); the
 * transport then opens another for later commands.
 */
export class ShellSession {
  /** Resolves once the session printed its ready records; rejects if it ended first. */
  readonly ready: Promise<void>;
  private readonly nonce = randomBytes(16).toString('hex');
  private readonly scanners: Record<'stdout' | 'stderr', RecordScanner>;
  private readyOn = { stdout: false, stderr: false };
  private settleReady!: (err?: Error) => void;
  private current?: ShellCommand;
  private ended?: string;

  constructor(private readonly channel: ClientChannel, private readonly hooks: SessionHooks) {
    const prefix = recordPrefix(this.nonce);
    this.scanners = { stdout: new RecordScanner(prefix), stderr: new RecordScanner(prefix) };
    this.ready = new Promise((resolve, reject) => {
      this.settleReady = (err) => (err ? reject(err) : resolve());
    });
    this.ready.catch(() => {}); // the transport awaits it; never an unhandled rejection
    channel.on('data', (b: Buffer) => this.onData('stdout', b));
    channel.stderr.on('data', (b: Buffer) => this.onData('stderr', b));
    // 'exit' comes as soon as the sh is gone; 'close' may wait for processes that still hold its streams.
    channel.on('exit', () => this.onEnd(`the shell session on ${hooks.host} ended`));
    channel.on('close', () => this.onEnd(`the shell session on ${hooks.host} was closed`));
    channel.on('error', () => {});
    channel.stderr.on('error', () => {});
    channel.write(initScript(this.nonce));
  }

  /** Open and not running a command gone wrong. */
  get alive(): boolean {
    return this.ended === undefined;
  }

  /** Starts a command; the returned channel-like object is what ChannelRun drives. */
  run(command: string, stdin: StdinMode): ShellCommand {
    if (this.current) throw new Error('a shell session runs one command at a time');
    const cmd = new ShellCommand(this, stdin.kind === 'relay');
    this.current = cmd;
    this.channel.write(commandScript(command, stdin));
    return cmd;
  }

  /** Ends the session (the channel closes; the sh sees the end of its input). */
  destroy(): void {
    this.ended ??= 'closed by playwatch';
    try {
      this.channel.close();
    } catch {
      // already closed
    }
  }

  /** @internal for ShellCommand */
  send(data: string): void {
    if (this.alive && data) this.channel.write(data);
  }

  /** @internal for ShellCommand */
  done(cmd: ShellCommand): void {
    if (this.current === cmd) this.current = undefined;
  }

  private onData(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    for (const piece of this.scanners[stream].push(chunk)) this.onPiece(stream, piece);
  }

  private onPiece(stream: 'stdout' | 'stderr', piece: Piece): void {
    const cmd = this.current;
    if ('bytes' in piece) {
      // Before the ready records: the login's own noise (a motd), no command's output.
      if (cmd) cmd.output(stream, piece.bytes);
      return;
    }
    const { type, payload } = piece.record;
    if (type === 'r') {
      this.readyOn[stream] = true;
      if (this.readyOn.stdout && this.readyOn.stderr) this.settleReady();
    } else if (type === ':' && stream === 'stdout') {
      const [rc, signal] = payload.split(' ');
      cmd?.stdoutEnd(Number(rc), signal || undefined);
    }
    else if (type === '.' && stream === 'stderr') cmd?.stderrEnd();
    else if (type === 'x' && stream === 'stderr') cmd?.exited();
  }

  private onEnd(reason: string): void {
    if (this.ended === undefined) this.ended = reason;
    this.settleReady(new Error(reason));
    const cmd = this.current;
    if (!cmd) return;
    this.current = undefined;
    // ssh2 closes every channel before it reports the connection lost: decide once that news is in.
    setImmediate(() => cmd.sessionEnded(reason, this.hooks.isLost()));
  }
}

/**
 * A command in a session, looking to ChannelRun like an exec channel:
 * `data` on it and on `stderr`, `exit` with the status, then `close`;
 * `write`/`end` feed the stdin relay (become with a password), `close`
 * ends the whole session (the command is being given up).
 */
export class ShellCommand extends EventEmitter implements RunChannel {
  readonly stderr = new EventEmitter();
  /** Both end records came: the session is ready for the next command. */
  completed = false;
  private outDone = false;
  private errDone = false;
  private closed = false;
  private stdinEnded: boolean;

  constructor(private readonly session: ShellSession, relay: boolean) {
    super();
    this.stdinEnded = !relay;
  }

  write(data: string): boolean {
    if (!this.stdinEnded) this.session.send(relayFrame(data));
    return true;
  }

  end(data?: string): this {
    if (this.stdinEnded) return this;
    this.stdinEnded = true;
    this.session.send(relayFrame(data ?? '') + RELAY_END);
    return this;
  }

  close(): void {
    this.session.destroy();
    this.emitClose();
  }

  /** @internal */
  output(stream: 'stdout' | 'stderr', bytes: Buffer): void {
    if (this.closed || bytes.length === 0) return;
    if (stream === 'stdout') this.emit('data', bytes);
    else this.stderr.emit('data', bytes);
  }

  /** @internal */
  stdoutEnd(rc: number, signal?: string): void {
    this.outDone = true;
    // A killed command: as ssh2 reports sshd's exit-signal (`SIGTERM`), so both modes give rc -N.
    if (signal && /^[A-Z0-9+-]+$/.test(signal)) this.emit('exit', null, `SIG${signal}`);
    else this.emit('exit', Number.isInteger(rc) ? rc : null);
    this.maybeDone();
  }

  /** @internal */
  stderrEnd(): void {
    this.errDone = true;
    this.maybeDone();
  }

  /** @internal The command exited: a relay still waiting for stdin is ended, so the session can go on. */
  exited(): void {
    this.end();
  }

  /** @internal */
  sessionEnded(reason: string, connectionLost: boolean): void {
    if (this.closed) return;
    if (!connectionLost) {
      // A failed command, not an unreachable host: the connection is fine.
      this.output('stderr', Buffer.from(`playwatch: ${reason} while the command was running\n`));
      if (!this.outDone) this.emit('exit', null);
    }
    this.emitClose();
  }

  private maybeDone(): void {
    if (!this.outDone || !this.errDone) return;
    this.completed = true;
    this.session.done(this);
    this.emitClose();
  }

  private emitClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}
