import * as os from 'node:os';
import * as path from 'node:path';
import type { SshEnvironment } from './ssh-config.js';
import type { ConnectSettings } from './ssh-connect.js';
import type { ConnectionSpec } from './types.js';

/** Everything about SSH that is not in the host's vars; every wait is injectable. */
export interface SshOptions {
  /** Home, `.ssh` directory and config file of the controller (tests use temp dirs). */
  env?: SshEnvironment;
  /** ssh2's protocol trace, a line per message (what `ssh -vvv` shows of OpenSSH's). */
  debug?: (line: string) => void;
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
  /**
   * `shell`: commands run in long-lived `sh` sessions, one exec channel each
   * (one round trip per command); `exec`: one exec channel per command.
   */
  mode?: SshMode;
}

export type SshMode = 'exec' | 'shell';

/** The default `--ssh-mode`. */
export const DEFAULT_SSH_MODE: SshMode = 'shell';

/** The connection settings for one host: its spec, then the run's options, then the defaults. */
export function connectSettings(spec: ConnectionSpec, o: SshOptions): ConnectSettings {
  const home = o.env?.home ?? os.homedir();
  const sshDir = o.env?.sshDir ?? path.join(home, '.ssh');
  const agent = o.agentSocket === null ? undefined : o.agentSocket ?? process.env.SSH_AUTH_SOCK;
  return {
    knownHostsFile: o.knownHostsFile ?? spec.knownHostsFile ?? path.join(sshDir, 'known_hosts'),
    hostKeyChecking: o.hostKeyChecking ?? true,
    acceptNewHostKeys: o.acceptNewHostKeys ?? false,
    connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
    keepaliveIntervalMs: o.keepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: o.keepaliveCountMax ?? 3,
    ...(agent ? { agentSocket: agent } : {}),
    ...(spec.password !== undefined ? { password: spec.password } : {}),
    ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}),
    ...(o.debug ? { debug: o.debug } : {}),
  };
}
