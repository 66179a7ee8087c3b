import * as path from 'node:path';
import { UserError, type Vars } from '../model/index.js';
import { LocalTransport } from './local.js';
import { UnreachableError, type ConnectionSpec, type Transport } from './types.js';

export * from './types.js';
export { LocalTransport, type LocalTimings } from './local.js';
export { shellQuote, quoteAlways, wrapCommand, splitShellWords, type WrapOptions } from './command.js';

/**
 * Builds the transport for one host. SSH is not available yet: asking for it
 * throws an UnreachableError, so the engine marks the host unreachable with
 * that message.
 */
export function createTransport(spec: ConnectionSpec): Transport {
  if (spec.connection === 'local') return new LocalTransport(spec);
  throw new UnreachableError('ssh connections arrive with the SSH transport; use ansible_connection=local');
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * Reads a host's connection settings from its vars: `ansible_connection`
 * (default `local` for localhost, else `ssh`), `ansible_host`,
 * `ansible_port`, `ansible_user`, and for local hosts `playwatch_local_root`,
 * resolved against `baseDir`.
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
  if (vars.ansible_port !== undefined && vars.ansible_port !== null) {
    const port = Number(vars.ansible_port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new UserError(`host '${host}': ansible_port must be a port number, got '${String(vars.ansible_port)}'`);
    }
    spec.port = port;
  }
  if (vars.ansible_user !== undefined && vars.ansible_user !== null) spec.user = String(vars.ansible_user);
  const root = vars.playwatch_local_root;
  if (spec.connection === 'local' && typeof root === 'string' && root !== '') {
    spec.root = path.resolve(baseDir, root);
  }
  return spec;
}
