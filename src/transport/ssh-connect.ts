import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, Client, ConnectConfig, ParsedKey } from 'ssh2';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  knownHostsName,
  preferredAlgorithms,
  readKnownHosts,
} from './known-hosts.js';
import type { SshEndpoint } from './ssh-config.js';
import { loadKey } from './ssh-keys.js';
import { UnreachableError } from './types.js';

/** How one connection is opened and checked; every wait is injectable. */
export interface ConnectSettings {
  /** The known_hosts file to check and, with acceptNewHostKeys, to extend. */
  knownHostsFile: string;
  /** false: accept any host key (the engine warns loudly). Default true. */
  hostKeyChecking: boolean;
  /** Record unknown keys instead of failing (changed keys still fail). */
  acceptNewHostKeys: boolean;
  /** TCP connect + handshake + authentication must finish within this (ms). */
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** The agent socket, or undefined for none. */
  agentSocket?: string;
  /** Password for password authentication (ansible_password). */
  password?: string;
  /** Passphrase for encrypted private keys. */
  passphrase?: string;
  /** ssh2's protocol trace, a line per message. */
  debug?: (line: string) => void;
}

/** Why a connection attempt failed; only `network` failures are retried. */
export type ConnectFailure = 'network' | 'auth' | 'hostkey' | 'config';

/** An UnreachableError that says whether retrying could help. */
export class ConnectError extends UnreachableError {
  constructor(message: string, readonly failure: ConnectFailure) {
    super(message);
  }
}

/** ssh2's default host key algorithms, in its order. */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
];

/**
 * Opens one authenticated SSH connection to `ep` (over `sock` when it comes
 * through a jump host). The host key is judged before authentication; a
 * rejected key ends the attempt with a message naming its fingerprint.
 */
export async function openConnection(ep: SshEndpoint, settings: ConnectSettings, sock?: Duplex): Promise<Client> {
  const auth = authMethods(ep, settings);
  const name = knownHostsName(ep.address, ep.port);
  const where = `${ep.label} (${ep.address}:${ep.port})`;
  let hostKeyProblem: string | undefined;
  const config: ConnectConfig = {
    host: ep.address,
    port: ep.port,
    username: ep.user,
    readyTimeout: settings.connectTimeoutMs,
    keepaliveInterval: settings.keepaliveIntervalMs,
    keepaliveCountMax: settings.keepaliveCountMax,
    authHandler: auth,
    ...(sock ? { sock: sock as ConnectConfig['sock'] } : {}),
    ...(settings.debug ? { debug: settings.debug } : {}),
  };
  if (settings.hostKeyChecking) {
    const entries = readKnownHosts(settings.knownHostsFile);
    const preferred = preferredAlgorithms(entries, name).filter((a) => HOST_KEY_ALGORITHMS.includes(a));
    if (preferred.length > 0) {
      config.algorithms = { serverHostKey: [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))] as never };
    }
    config.hostVerifier = (key: Buffer) => {
      hostKeyProblem = judgeHostKey(where, name, key, settings);
      return hostKeyProblem === undefined;
    };
  }

  return await new Promise<Client>((resolve, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    const fail = (err: ConnectError) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(err);
    };
    client.on('ready', () => {
      settled = true;
      client.setNoDelay(true); // DESIGN §10: Nagle + delayed ACK cost ~40 ms per exec
      resolve(client);
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (hostKeyProblem) fail(new ConnectError(hostKeyProblem, 'hostkey'));
      else fail(describe(err, where, ep.user));
    });
    client.on('close', () => fail(new ConnectError(`connection to ${where} closed during the handshake`, 'network')));
    try {
      client.connect(config);
      skipHostKeyProofs(client);
    } catch (err) {
      fail(new ConnectError(`cannot connect to ${where}: ${(err as Error).message}`, 'config'));
    }
  });
}

/** ssh2's handlers for the server's messages (a private field of the pinned ssh2 1.17). */
type Handlers = Record<string, (proto: { requestSuccess(): void }, name: string, wantReply: boolean, data: unknown) => void>;

/**
 * After login OpenSSH announces all its host keys (`hostkeys-00@openssh.com`),
 * and ssh2 answers by asking the server to prove each one: a signature per
 * key made on the target (RSA's is the dearest) and checked here, a round
 * trip, all for an event playwatch never uses. Each connection skips it, as
 * OpenSSH's own client does unless it is to update known_hosts. Where
 * ssh2's internals differ, nothing changes.
 */
export function skipHostKeyProofs(client: Client): void {
  const handlers = (client as unknown as { _protocol?: { _handlers?: Handlers } })._protocol?._handlers;
  const answer = handlers?.GLOBAL_REQUEST;
  if (!handlers || typeof answer !== 'function') return;
  handlers.GLOBAL_REQUEST = (proto, name, wantReply, data) => {
    if (name !== 'hostkeys-00@openssh.com') return answer(proto, name, wantReply, data);
    if (wantReply) proto.requestSuccess();
  };
}

function judgeHostKey(where: string, name: string, key: Buffer, settings: ConnectSettings): string | undefined {
  const entries = readKnownHosts(settings.knownHostsFile);
  const verdict = checkHostKey(entries, name, key);
  const fp = fingerprint(key);
  switch (verdict.kind) {
    case 'known':
      return undefined;
    case 'revoked':
      return `Host key for ${where} is marked @revoked in ${settings.knownHostsFile}:${verdict.line}: ${fp}`;
    case 'changed':
      return (
        `Host key for ${where} has CHANGED: the server offered ${fp}, ` +
        `${settings.knownHostsFile}:${verdict.lines.join(',')} has ${verdict.expected.join(', ')}. ` +
        'This can mean someone is intercepting the connection. If the host was reinstalled, remove the old entry ' +
        `(ssh-keygen -R ${shellWord(name)} -f ${settings.knownHostsFile})`
      );
    case 'unknown':
      if (settings.acceptNewHostKeys) {
        appendKnownHost(settings.knownHostsFile, name, key);
        return undefined;
      }
      return `Host key for ${where} is not known: ${fp}. Add it to ${settings.knownHostsFile} or pass --accept-new-host-keys`;
  }
}

function shellWord(s: string): string {
  return /^[\w.:@-]+$/.test(s) ? s : `'${s}'`;
}

/** The authentication methods to try, as OpenSSH orders them: given keys, agent, other keys, password. */
function authMethods(ep: SshEndpoint, settings: ConnectSettings): AnyAuthMethod[] {
  const methods: AnyAuthMethod[] = [];
  const keys = ep.identityFiles.map((file) => {
    const key = loadKey(file, settings.passphrase);
    if (typeof key === 'string') {
      if (file !== ep.explicitKey) return undefined;
      throw new ConnectError(key, 'config');
    }
    return key;
  });
  const withKey = (key: ParsedKey): AnyAuthMethod =>
    settings.passphrase !== undefined
      ? { type: 'publickey', username: ep.user, key, passphrase: settings.passphrase }
      : { type: 'publickey', username: ep.user, key };
  const [first, ...rest] = keys;
  if (first) methods.push(withKey(first));
  if (settings.agentSocket) methods.push({ type: 'agent', username: ep.user, agent: settings.agentSocket });
  for (const key of rest) if (key) methods.push(withKey(key));
  if (settings.password !== undefined) methods.push({ type: 'password', username: ep.user, password: settings.password });
  if (methods.length === 0) {
    throw new ConnectError(
      `no way to authenticate to ${ep.label} as ${ep.user}: no private key (tried ${ep.identityFiles.join(', ') || '~/.ssh/id_*'}), no agent (SSH_AUTH_SOCK), no password`,
      'config',
    );
  }
  return methods;
}

/** Turns an ssh2 connect error into a message without secrets, and a retry class. */
function describe(err: Error & { level?: string; code?: string }, where: string, user: string): ConnectError {
  if (err.level === 'client-authentication') {
    return new ConnectError(`authentication to ${where} as ${user} failed (permission denied)`, 'auth');
  }
  if (err.level === 'client-timeout') {
    return new ConnectError(`connection to ${where} timed out: ${err.message}`, 'network');
  }
  const code = err.code ? `${err.code}: ` : '';
  const detail = err.message.startsWith(code) ? err.message : `${code}${err.message}`;
  return new ConnectError(`cannot connect to ${where}: ${detail}`, 'network');
}
