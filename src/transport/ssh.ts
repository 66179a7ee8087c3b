import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { killCommand, remoteCommand } from './ssh-command.js';
import { resolveSsh, type SshEndpoint } from './ssh-config.js';

export { DEFAULT_SSH_MODE, type SshMode, type SshOptions } from './ssh-options.js';
import { ConnectError, openConnection, type ConnectSettings } from './ssh-connect.js';
import { connectSettings, DEFAULT_SSH_MODE, type SshMode, type SshOptions } from './ssh-options.js';
import { ChannelRun, type ExecHooks } from './ssh-exec.js';
import { SESSION_COMMAND, type StdinMode } from './shell-script.js';
import { ShellSession } from './shell-session.js';
import { SessionPool } from './shell-pool.js';
import { sftpGet, sftpPut } from './ssh-sftp.js';
import { Slots } from './ssh-slots.js';
import { UnreachableError, type ConnectionInfo, type ConnectionSpec, type ExecOptions, type ExecResult, type Transport } from './types.js';

/**
 * Runs commands on one host over one persistent ssh2 connection (through
 * ProxyJump hosts when the ssh config says so). Commands run at most
 * `maxChannels` at once in FIFO order: in shell mode each in one of the
 * host's long-lived `sh` sessions (shell-session.ts; one round trip per
 * command), in exec mode each on its own exec channel (two). Files go over
 * one SFTP session. The command contract is in `ssh-command.ts`: a timeout or an
 * abort ends the remote process group with a second command, because
 * OpenSSH ignores channel signals.
 *
 * A connection that fails or drops makes every pending and later call
 * reject with UnreachableError; it is not reopened (the engine takes the
 * host out of the play).
 */
export class SshTransport implements Transport {
  readonly host: string;
  private readonly slots: Slots;
  /** Kill commands bypass the cap, one at a time, so a full host can still be stopped. */
  private readonly killLane = new Slots(1);
  private readonly running = new Set<ChannelRun>();
  private clients: Client[] = [];
  private client?: Client;
  private connecting?: Promise<void>;
  private lostReason?: string;
  private sftp?: Promise<SFTPWrapper>;
  private closed = false;
  private generation = 0;
  private described?: ConnectionInfo;
  /** Shell mode: the host's sessions. */
  private readonly pool = new SessionPool((retry) => this.openSession(retry));
  /** Shell mode could not start a session here: why (commands use exec channels then). */
  private shellRefused?: string;

  constructor(private readonly spec: ConnectionSpec, private readonly opts: SshOptions = {}) {
    this.host = spec.host;
    this.slots = new Slots(opts.maxChannels ?? 8);
  }

  /** Where the connection goes once ~/.ssh/config is applied; no password, no passphrase. */
  describe(): ConnectionInfo {
    this.described ??= this.where();
    return { ...this.described, mode: this.mode };
  }

  private where(): ConnectionInfo {
    const { target, jumps } = resolveSsh(this.spec, this.opts.env);
    const hop = (e: SshEndpoint) => `${e.user}@${e.address}:${e.port}`;
    return {
      connection: 'ssh',
      user: target.user,
      address: target.address,
      port: target.port,
      ...(jumps.length ? { jumps: jumps.map(hop) } : {}),
      keys: target.identityFiles,
      knownHosts: this.settings().knownHostsFile,
    };
  }

  /** The mode commands use now: shell falls back to exec where a session cannot start. */
  get mode(): SshMode {
    return (this.opts.mode ?? DEFAULT_SSH_MODE) === 'shell' && this.shellRefused === undefined ? 'shell' : 'exec';
  }

  /** The most exec channels this transport ever had open at once. */
  get peakChannels(): number {
    return this.slots.peak;
  }

  /**
   * Opens the connection once; later calls share it. Throws UnreachableError.
   * After the connection was lost, calling it again opens a new one (async
   * polls ride out a dropped link this way); calls in between keep failing.
   */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new UnreachableError(this.lostReason ?? `connection to ${this.host} was closed`));
    if (this.lostReason && this.connecting) {
      this.generation++; // the old clients' late 'close' events must not mark the new link lost
      for (const c of this.clients) c.end();
      this.connecting = undefined;
      this.sftp = undefined;
      this.lostReason = undefined;
    }
    this.connecting ??= this.open().catch((err: unknown) => {
      this.lostReason = (err as Error).message;
      throw err instanceof UnreachableError ? err : new UnreachableError(String((err as Error).message));
    });
    return this.connecting;
  }

  /** The open connection; a lost one stays lost until `connect()` is called again. */
  private live(): Promise<void> {
    if (this.lostReason) return Promise.reject(new UnreachableError(this.lostReason));
    return this.connect();
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (opts.signal?.aborted) return notRun();
    await this.live();
    const release = await this.slots.acquire(opts.signal);
    if (!release) return notRun();
    try {
      const session = this.mode === 'shell' ? await this.takeSession() : undefined;
      if (session) return await this.runInSession(session, command, opts);
      // Built inside ssh2's callback: exit-status may be parsed from the same packet batch.
      const run = await this.openExec(remoteCommand(command, opts.stdin !== undefined || opts.escalation !== undefined), (ch) => new ChannelRun(ch, opts, this.hooks()));
      return await this.follow(run);
    } finally {
      release();
    }
  }

  private hooks(): ExecHooks {
    return {
      host: this.host,
      killGroup: (pgid: number, sig: 'TERM' | 'KILL') => this.killGroup(pgid, sig),
      killGraceMs: this.opts.killGraceMs ?? 2000,
      drainMs: this.opts.drainMs ?? 2000,
    };
  }

  private async follow(run: ChannelRun): Promise<ExecResult> {
    this.running.add(run);
    if (this.lostReason) run.lost(this.lostReason);
    try {
      return await run.result;
    } finally {
      this.running.delete(run);
    }
  }

  /** A session for a command; undefined when this host cannot keep one (exec channels then, as `-vvv` shows). */
  private async takeSession(): Promise<ShellSession | undefined> {
    try {
      return await this.pool.take();
    } catch (err) {
      if ((err as { shellRefused?: boolean }).shellRefused) return undefined;
      throw err;
    }
  }

  private async openSession(retry: boolean): Promise<ShellSession> {
    const refused = (why: string) => Object.assign(new Error(why), { shellRefused: true });
    if (this.shellRefused) throw refused(this.shellRefused);
    const hooks = { host: this.host, isLost: () => this.lostReason !== undefined };
    const session = await this.openExec(SESSION_COMMAND, (ch) => new ShellSession(ch, hooks), retry);
    try {
      await session.ready;
      return session;
    } catch (err) {
      session.destroy();
      if (this.lostReason) throw new UnreachableError(this.lostReason);
      // Nothing of the command ran (it is sent only to a ready session): exec mode runs it.
      this.shellRefused = (err as Error).message;
      throw refused(this.shellRefused);
    }
  }

  /** One command in a session; the session is kept only when the command ended on its own. */
  private async runInSession(session: ShellSession, command: string, opts: ExecOptions): Promise<ExecResult> {
    const stdin: StdinMode = opts.escalation ? { kind: 'relay' } : opts.stdin !== undefined ? { kind: 'literal', data: opts.stdin } : { kind: 'closed' };
    const cmd = session.run(command, stdin);
    const run = new ChannelRun(cmd, opts, this.hooks());
    try {
      return await this.follow(run);
    } finally {
      this.pool.give(session, cmd.completed && !run.stopped && !this.closed);
      // The session died under the command: its group may live on, unobserved.
      if (!cmd.completed && !run.stopped && run.pgid !== undefined && !this.lostReason) void this.killGroup(run.pgid, 'KILL');
    }
  }

  /**
   * Sends `kill -<signal> -<pgid>` to the host over its own channel (not
   * counted in the cap). Never throws: a host that is gone has nothing left
   * to kill.
   */
  async killGroup(pgid: number, signal: 'TERM' | 'KILL' = 'TERM'): Promise<void> {
    const release = await this.killLane.acquire();
    try {
      const closed = await this.openExec(killCommand(pgid, signal), (channel) => new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.drainMs ?? 2000);
        channel.on('error', () => {});
        channel.on('close', () => {
          clearTimeout(timer);
          resolve();
        });
        channel.resume();
        channel.stderr.resume();
        channel.end();
      }));
      await closed;
    } catch {
      // the connection is gone
    } finally {
      release!();
    }
  }

  async put(content: string | Buffer, remotePath: string, mode?: number): Promise<void> {
    const sftp = await this.session();
    try {
      await sftpPut(sftp, content, remotePath, mode);
    } catch (err) {
      throw this.fileError(err, `cannot write ${remotePath}`);
    }
  }

  async get(remotePath: string): Promise<Buffer> {
    const sftp = await this.session();
    try {
      return await sftpGet(sftp, remotePath);
    } catch (err) {
      throw this.fileError(err, `cannot read ${remotePath}`);
    }
  }

  /** Ends running commands (their whole groups on the host), then the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pending = [...this.running];
    for (const run of pending) run.stop('abort');
    await Promise.allSettled(pending.map((r) => r.result));
    this.pool.clear();
    await this.connecting?.catch(() => undefined);
    this.lostReason ??= `connection to ${this.host} was closed`;
    for (const c of [...this.clients].reverse()) c.end();
  }

  private async open(): Promise<void> {
    const resolved = resolveSsh(this.spec, this.opts.env);
    const settings = this.settings();
    const attempts = Math.max(1, this.opts.connectAttempts ?? 3);
    const delays = this.opts.retryDelaysMs ?? [500, 1000];
    for (let attempt = 1; ; attempt++) {
      try {
        this.clients = [];
        this.client = await this.openChain(resolved.jumps, resolved.target, settings);
        break;
      } catch (err) {
        for (const c of this.clients) c.end();
        const retry = err instanceof ConnectError && err.failure === 'network' && attempt < attempts;
        if (!retry) throw err;
        await new Promise((r) => setTimeout(r, delays[Math.min(attempt - 1, delays.length - 1)] ?? 0));
      }
    }
    const gen = this.generation;
    for (const c of this.clients) {
      // Errors after the handshake (ECONNRESET, keepalive timeout) end in 'close'; never let them throw.
      c.on('error', (err: Error) => gen === this.generation && this.onLost(`connection to ${this.host} failed: ${err.message}`));
      c.on('close', () => gen === this.generation && this.onLost(`connection to ${this.host} was lost`));
    }
  }

  /** Connects through each jump host in turn, then to the target. */
  private async openChain(jumps: SshEndpoint[], target: SshEndpoint, settings: ConnectSettings): Promise<Client> {
    let previous: Client | undefined;
    for (const ep of [...jumps, target]) {
      const sock = previous ? await forward(previous, ep) : undefined;
      previous = await openConnection(ep, settings, sock);
      this.clients.push(previous);
    }
    return previous!;
  }

  private settings(): ConnectSettings {
    return connectSettings(this.spec, this.opts);
  }

  private onLost(reason: string): void {
    if (this.lostReason) return;
    this.lostReason = reason;
    this.sftp = undefined;
    this.pool.clear();
    for (const run of this.running) run.lost(reason);
  }

  /**
   * Opens an exec channel and hands it to `use` synchronously, before any
   * later packet is parsed. A refusal on a live connection is a plain Error
   * (the task fails), on a dead one UnreachableError.
   */
  private async openExec<T>(command: string, use: (channel: ClientChannel) => T, retry = true): Promise<T> {
    // sshd frees a session slot only once it has reaped the session's child,
    // which can trail the channel's close: a refusal right after others
    // closed is backpressure, so it is retried for a short while.
    const delays = retry ? this.opts.channelRetryDelaysMs ?? [25, 50, 100, 200, 400, 800] : [];
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.openExecOnce(command, use);
      } catch (err) {
        if (err instanceof UnreachableError || attempt >= delays.length) throw err;
        await new Promise((r) => setTimeout(r, delays[attempt]));
      }
    }
  }

  private openExecOnce<T>(command: string, use: (channel: ClientChannel) => T): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.lostReason || !this.client) {
        reject(new UnreachableError(this.lostReason ?? `not connected to ${this.host}`));
        return;
      }
      this.client.exec(command, (err, channel) => {
        if (!err) resolve(use(channel));
        else if (this.lostReason) reject(new UnreachableError(this.lostReason));
        else reject(new Error(`cannot open a channel on ${this.host}: ${err.message}`));
      });
    });
  }

  /** The one SFTP session, opened on first use. */
  private async session(): Promise<SFTPWrapper> {
    await this.live();
    this.sftp ??= new Promise<SFTPWrapper>((resolve, reject) => {
      this.client!.sftp((err, sftp) => {
        if (err) {
          this.sftp = undefined;
          reject(this.lostReason ? new UnreachableError(this.lostReason) : new Error(`cannot start SFTP on ${this.host}: ${err.message}`));
          return;
        }
        sftp.on('error', () => {});
        sftp.on('close', () => (this.sftp = undefined));
        resolve(sftp);
      });
    });
    return this.sftp;
  }

  private fileError(err: unknown, what: string): Error {
    if (this.lostReason) return new UnreachableError(this.lostReason);
    return new Error(`${what} on ${this.host}: ${(err as Error).message}`);
  }
}

/** A TCP stream to `ep` opened by the jump host `via` (ProxyJump). */
function forward(via: Client, ep: SshEndpoint): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, ep.address, ep.port, (err, stream) => {
      if (err) reject(new ConnectError(`jump host cannot reach ${ep.label} (${ep.address}:${ep.port}): ${err.message}`, 'network'));
      else resolve(stream);
    });
  });
}

function notRun(): ExecResult {
  return { rc: -1, stdout: '', stderr: '', truncated: false, timedOut: false, aborted: true };
}
