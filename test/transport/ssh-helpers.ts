/** Shared setup for the SSH transport tests: a temp home with a client key and a known_hosts file. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SshTransport, type SshOptions } from '../../src/transport/ssh.js';
import type { ConnectionSpec } from '../../src/transport/types.js';
import { generateKey, startSshServer, type KeyPair, type TestServerOptions, type TestSshServer } from '../helpers/ssh-server.js';

/** Both SSH modes: the transport tests run in each. */
export const MODES = ['exec', 'shell'] as const;

const TEST_MODE = process.env.PLAYWATCH_TEST_SSH_MODE as (typeof MODES)[number] | undefined;

export interface Fixture {
  dir: string;
  key: KeyPair;
  keyFile: string;
  knownHosts: string;
  server: TestSshServer;
  /** A transport to the server with fast, test-sized timings. */
  transport(opts?: SshOptions, spec?: Partial<ConnectionSpec>): SshTransport;
  /** The known_hosts line for the server's host key. */
  knownLine(): string;
  cleanup(): Promise<void>;
}

export async function makeFixture(serverOpts: Partial<TestServerOptions> = {}): Promise<Fixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-ssh-'));
  const key = generateKey('client');
  const keyFile = path.join(dir, 'id_ed25519');
  fs.writeFileSync(keyFile, key.private, { mode: 0o600 });
  const server = await startSshServer({ authorizedKey: key.public, home: dir, ...serverOpts });
  const knownHosts = path.join(dir, 'known_hosts');
  const knownLine = () => `[127.0.0.1]:${server.port} ${server.hostKey.public.split(/\s+/).slice(0, 2).join(' ')}`;
  fs.writeFileSync(knownHosts, `${knownLine()}\n`);
  const transports: SshTransport[] = [];
  return {
    dir,
    key,
    keyFile,
    knownHosts,
    server,
    knownLine,
    transport(opts = {}, spec = {}) {
      const t = new SshTransport(
        { host: 'web1', connection: 'ssh', address: '127.0.0.1', port: server.port, user: 'tester', privateKeyFile: keyFile, ...spec },
        {
          env: { home: dir, sshDir: dir },
          knownHostsFile: knownHosts,
          agentSocket: null,
          connectTimeoutMs: 3000,
          connectAttempts: 1,
          retryDelaysMs: [20],
          killGraceMs: 300,
          drainMs: 300,
          // The engine suites run in either mode: PLAYWATCH_TEST_SSH_MODE=exec|shell.
          ...(TEST_MODE ? { mode: TEST_MODE } : {}),
          ...opts,
        },
      );
      transports.push(t);
      return t;
    },
    async cleanup() {
      await Promise.allSettled(transports.map((t) => t.close()));
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True while a process exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `cond` until true or `ms` pass; returns its last value. */
export async function waitFor(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}
