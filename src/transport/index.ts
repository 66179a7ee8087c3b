import * as os from 'node:os';
import * as path from 'node:path';
import { LOCALHOST_NAMES, UserError, type Vars } from '../model/index.js';
import { LocalTransport } from './local.js';
import { SshTransport, type SshOptions } from './ssh.js';
import type { ConnectionSpec, Transport } from './types.js';

export * from './types.js';
export { LocalTransport, type LocalTimings } from './local.js';
export { SshTransport, type SshOptions } from './ssh.js';
export type { SshEnvironment } from './ssh-config.js';
export { shellQuote, quoteAlways, wrapCommand, splitShellWords, type WrapOptions } from './command.js';

/**
 * Builds the transport for one host. Nothing connects here: the engine calls
 * `connect()` on first use. `ssh` holds the run-wide SSH settings (host key
 * policy, timeouts, channel cap) from the CLI and config.
 */
export function createTransport(spec: ConnectionSpec, ssh: SshOptions = {}): Transport {
  if (spec.connection === 'local') return new LocalTransport(spec);
  return new SshTransport(spec, ssh);
}

/** Every var `connectionSpecFromVars` reads: what a host's transport is built from. */
export const CONNECTION_VARS = [
  'ansible_connection',
  'ansible_host',
  'ansible_port',
  'ansible_ssh_port',
  'ansible_user',
  'ansible_password',
  'ansible_ssh_pass',
  'ansible_ssh_private_key_file',
  'ansible_private_key_file',
  'playwatch_local_root',
  'playwatch_known_hosts',
  'playwatch_play_dir',
] as const;

/** Host names that mean this machine: local unless their vars say otherwise. */
export const LOCAL_NAMES: ReadonlySet<string> = new Set(LOCALHOST_NAMES);

/**
 * Reads a host's connection settings from its vars: `ansible_connection`
 * (default `local` for localhost, else `ssh`), `ansible_host`,
 * `ansible_port`, `ansible_user`, for local hosts `playwatch_local_root`,
 * and for ssh hosts `ansible_ssh_private_key_file` (or
 * `ansible_private_key_file`), `ansible_password` (or `ansible_ssh_pass`)
 * and `playwatch_known_hosts` (a known_hosts file); paths are resolved
 * against `baseDir` after `~` expansion.
 */
export function connectionSpecFromVars(host: string, vars: Vars, baseDir: string): ConnectionSpec {
  const declared = vars.ansible_connection;
  const connection = declared === undefined || declared === null || declared === ''
    ? (LOCAL_NAMES.has(host) ? 'local' : 'ssh')
    : String(declared);
  if (connection !== 'local' && connection !== 'ssh' && connection !== 'paramiko' && connection !== 'smart') {
    throw new UserError(`host '${host}': unsupported ansible_connection '${connection}' (use local or ssh)`);
  }
  const spec: ConnectionSpec = { host, connection: connection === 'local' ? 'local' : 'ssh' };
  if (vars.ansible_host !== undefined && vars.ansible_host !== null) spec.address = String(vars.ansible_host);
  // `ansible_ssh_port` is the older name (add_host's `name: host:port` still sets it).
  const portVar = firstSet(vars.ansible_port, vars.ansible_ssh_port);
  if (portVar !== undefined) {
    const port = Number(portVar);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new UserError(`host '${host}': ansible_port must be a port number, got '${String(portVar)}'`);
    }
    spec.port = port;
  }
  if (vars.ansible_user !== undefined && vars.ansible_user !== null) spec.user = String(vars.ansible_user);
  const root = vars.playwatch_local_root;
  if (spec.connection === 'local' && typeof root === 'string' && root !== '') {
    spec.root = path.resolve(baseDir, root);
  }
  // Set by the engine for local connections: the play's playbook directory, where ansible-core runs local commands.
  const playDir = vars.playwatch_play_dir;
  if (spec.connection === 'local' && !spec.root && typeof playDir === 'string' && playDir !== '') spec.cwd = playDir;
  if (spec.connection === 'ssh') {
    const key = firstSet(vars.ansible_ssh_private_key_file, vars.ansible_private_key_file);
    if (key !== undefined) spec.privateKeyFile = localPath(key, baseDir);
    const password = firstSet(vars.ansible_password, vars.ansible_ssh_pass);
    if (password !== undefined) spec.password = password;
    const knownHosts = firstSet(vars.playwatch_known_hosts);
    if (knownHosts !== undefined) spec.knownHostsFile = localPath(knownHosts, baseDir);
  }
  return spec;
}

function firstSet(...values: unknown[]): string | undefined {
  for (const v of values) if (v !== undefined && v !== null && v !== '') return String(v);
  return undefined;
}

/** A controller-side path: `~` is this user's home, relative paths are relative to the inventory. */
function localPath(p: string, baseDir: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
  return path.resolve(baseDir, p);
}
