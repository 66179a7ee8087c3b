import * as path from 'node:path';
import * as os from 'node:os';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { killCommand, remoteCommand } from './ssh-command.js';
import { resolveSsh, type SshEndpoint, type SshEnvironment } from './ssh-config.js';
import { ConnectError, openConnection, type ConnectSettings } from './ssh-connect.js';
import { ChannelRun } from './ssh-exec.js';
import { sftpGet, sftpPut } from './ssh-sftp.js';
import { Slots } from './ssh-slots.js';
import { UnreachableError, type ConnectionInfo, type ConnectionSpec, type ExecOptions, type ExecResult, type Transport } from './types.js';

/** Everything about SSH that is not in the host's vars; every wait is injectable. */
export interface SshOptions {
  /** Home, `.ssh` directory and config file of the controller (tests use temp dirs). */
  env?: SshEnvironment;
  /** Overrides the spec's and the default `~/.ssh/known_hosts`. */
  knownHostsFile?: string;
  /** false turns host key checking off (`host_key_checking: false`). Default true. */
  hostKeyChecking?: boolean;
  /** Record unknown host keys (`--accept-new-host-keys`); changed keys still fail. */
  acceptNewHostKeys?: boolean;
  /** Connect + handshake + auth deadline, ms (default 10 000; `--timeout`). */
  connectTimeoutMs?: number;
  /** Keepalive interval, ms (default 15 000); 0 turns keepalives off. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as dead (default 3). */
  keepaliveCountMax?: number;
  /** Connection attempts for network errors (default 3); auth and host key failures are never retried. */
  connectAttempts?: number;
  /** Waits before the 2nd, 3rd … attempt, ms (default [500, 1000]; the last repeats). */
  retryDelaysMs?: number[];
  /** Exec channels open at once per host (default 8; OpenSSH's MaxSessions is 10 and SFTP and kills need one each). */
  maxChannels?: number;
  /** Waits before retrying a refused channel open (sshd's MaxSessions backpressure); [] never retries. */
  channelRetryDelaysMs?: number[];
  /** After TERM to a command's group, how long before KILL (default 2000 ms). */
  killGraceMs?: number;
  /** After KILL, how long to wait for the channel to close (default 2000 ms). */
  drainMs?: number;
  /** Agent socket; default `SSH_AUTH_SOCK`; null for no agent. */
  agentSocket?: string | null;
  /** Passphrase for encrypted private keys. */
  passphrase?: string;
}

/**
 * Runs commands on one host over one persistent ssh2 connection (through
 * ProxyJump hosts when the ssh config says so). Commands use exec channels,
 * at most `maxChannels` at once in FIFO order; files go over one SFTP
 * session. The command contract is in `ssh-command.ts`: a timeout or an
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

  constructor(private readonly spec: ConnectionSpec, private readonly opts: SshOptions = {}) {
    this.host = spec.host;
    this.slots = new Slots(opts.maxChannels ?? 8);
  }

  /** Where the connection goes once ~/.ssh/config is applied; no password, no passphrase. */
  describe(): ConnectionInfo {
    if (this.described) return this.described;
    const { target, jumps } = resolveSsh(this.spec, this.opts.env);
    const hop = (e: SshEndpoint) => `${e.user}@${e.address}:${e.port}`;
    return (this.described = {
      connection: 'ssh',
      user: target.user,
      address: target.address,
      port: target.port,
      ...(jumps.length ? { jumps: jumps.map(hop) } : {}),
      keys: target.identityFiles,
      knownHosts: this.settings().knownHostsFile,
    });
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
      const hooks = {
        host: this.host,
        killGroup: (pgid: number, sig: 'TERM' | 'KILL') => this.killGroup(pgid, sig),
        killGraceMs: this.opts.killGraceMs ?? 2000,
        drainMs: this.opts.drainMs ?? 2000,
      };
      // Built inside ssh2's callback: exit-status may be parsed from the same packet batch.
      const run = await this.openExec(remoteCommand(command, opts.stdin !== undefined || opts.escalation !== undefined), (ch) => new ChannelRun(ch, opts, hooks));
      this.running.add(run);
      if (this.lostReason) run.lost(this.lostReason);
      try {
        return await run.result;
      } finally {
        this.running.delete(run);
      }
    } finally {
      release();
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
    const o = this.opts;
    const home = o.env?.home ?? os.homedir();
    const sshDir = o.env?.sshDir ?? path.join(home, '.ssh');
    const agent = o.agentSocket === null ? undefined : o.agentSocket ?? process.env.SSH_AUTH_SOCK;
    return {
      knownHostsFile: o.knownHostsFile ?? this.spec.knownHostsFile ?? path.join(sshDir, 'known_hosts'),
      hostKeyChecking: o.hostKeyChecking ?? true,
      acceptNewHostKeys: o.acceptNewHostKeys ?? false,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      keepaliveIntervalMs: o.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: o.keepaliveCountMax ?? 3,
      ...(agent ? { agentSocket: agent } : {}),
      ...(this.spec.password !== undefined ? { password: this.spec.password } : {}),
      ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}),
    };
  }

  private onLost(reason: string): void {
    if (this.lostReason) return;
    this.lostReason = reason;
    this.sftp = undefined;
    for (const run of this.running) run.lost(reason);
  }

  /**
   * Opens an exec channel and hands it to `use` synchronously, before any
   * later packet is parsed. A refusal on a live connection is a plain Error
   * (the task fails), on a dead one UnreachableError.
   */
  private async openExec<T>(command: string, use: (channel: ClientChannel) => T): Promise<T> {
    // sshd frees a session slot only once it has reaped the session's child,
    // which can trail the channel's close: a refusal right after others
    // closed is backpressure, so it is retried for a short while.
    const delays = this.opts.channelRetryDelaysMs ?? [25, 50, 100, 200, 400, 800];
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
