import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type SSHConfig from 'ssh-config';
import type { ConnectionSpec } from './types.js';

/**
 * Where a host's SSH settings come from, in order: the inventory
 * (`ansible_host`, `ansible_port`, `ansible_user`,
 * `ansible_ssh_private_key_file`), then `~/.ssh/config` (matched against
 * `ansible_host`, or the inventory name when there is none, as `ssh` would
 * be called by ansible), then OpenSSH's defaults.
 */

/** The controller's side: whose home and which files. Tests point these at temp dirs. */
export interface SshEnvironment {
  /** Home directory for `~` (default: os.homedir()). */
  home?: string;
  /** The `.ssh` directory (default: `<home>/.ssh`). */
  sshDir?: string;
  /** The ssh config file (default: `<sshDir>/config`); missing is fine. */
  configFile?: string;
  /** User when neither the inventory nor the config names one (default: the local user). */
  localUser?: string;
}

/** One machine to open an SSH session to. */
export interface SshEndpoint {
  /** Name used in messages (inventory name, or the jump host as written). */
  label: string;
  address: string;
  port: number;
  user: string;
  /** Private key files to try, in order (only existing files are kept). */
  identityFiles: string[];
  /** The key the inventory named; it must be readable. */
  explicitKey?: string;
}

/** A host's endpoint plus the jump hosts to pass through first (outermost first). */
export interface ResolvedSsh {
  target: SshEndpoint;
  jumps: SshEndpoint[];
}

/** The defaults `ssh` tries when no IdentityFile is configured. */
export const DEFAULT_KEY_NAMES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

interface Computed {
  hostname?: string;
  port?: string;
  user?: string;
  identityfile?: string[];
  proxyjump?: string;
}

/** Resolves a host's target and jump hosts from its spec, the ssh config and defaults. */
export function resolveSsh(spec: ConnectionSpec, env: SshEnvironment = {}): ResolvedSsh {
  const home = env.home ?? os.homedir();
  const sshDir = env.sshDir ?? path.join(home, '.ssh');
  const config = loadConfig(env.configFile ?? path.join(sshDir, 'config'));
  const localUser = env.localUser ?? safeLocalUser();
  const ctx = { home, sshDir, config, localUser };

  const name = spec.address ?? spec.host;
  const c = compute(config, name);
  const explicit = spec.privateKeyFile ? [expandPath(spec.privateKeyFile, home)] : [];
  const target = endpoint(ctx, spec.host, name, c, {
    port: spec.port,
    user: spec.user,
    keys: explicit,
  });
  const jumps = parseJumps(spec.proxyJump ?? c.proxyjump).map((j) => {
    const jc = compute(config, j.host);
    return endpoint(ctx, j.host, j.host, jc, { port: j.port, user: j.user, keys: [] });
  });
  return { target, jumps };
}

interface Ctx {
  home: string;
  sshDir: string;
  config: SSHConfig | undefined;
  localUser: string;
}

function endpoint(ctx: Ctx, label: string, name: string, c: Computed, given: { port?: number; user?: string; keys: string[] }): SshEndpoint {
  const user = given.user ?? c.user ?? ctx.localUser;
  const port = given.port ?? (c.port ? Number(c.port) : 22);
  const address = c.hostname ? expandTokens(c.hostname, { h: name, d: ctx.home, u: ctx.localUser, r: user, p: String(port) }) : name;
  const tokens = { h: address, d: ctx.home, u: ctx.localUser, r: user, p: String(port) };
  const configured = (c.identityfile ?? []).map((f) => expandPath(expandTokens(f, tokens), ctx.home));
  let keys = [...given.keys, ...configured];
  if (keys.length === 0) keys = DEFAULT_KEY_NAMES.map((k) => path.join(ctx.sshDir, k));
  // An explicitly given key must exist (the caller reports it); others are optional.
  const identityFiles = keys.filter((k, i) => (i < given.keys.length || fs.existsSync(k)) && keys.indexOf(k) === i);
  return {
    label,
    address,
    port: Number.isInteger(port) && port > 0 ? port : 22,
    user,
    identityFiles,
    ...(given.keys.length > 0 ? { explicitKey: given.keys[0] } : {}),
  };
}

/** The last config parsed, by its file and text: every host of a run reads the same file. */
let lastConfig: { file: string; text: string; parsed: SSHConfig } | undefined;
// The parser loads only when there is a config file to parse (its CommonJS build: loadConfig is synchronous).
const require = createRequire(import.meta.url);

function loadConfig(file: string): SSHConfig | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // Read every time (an edit shows at once), parsed only when the text changed.
  if (lastConfig?.file !== file || lastConfig.text !== text) lastConfig = { file, text, parsed: (require('ssh-config') as typeof import('ssh-config')).default.parse(text) };
  return lastConfig.parsed;
}

function compute(config: SSHConfig | undefined, name: string): Computed {
  if (!config) return {};
  // matchExec: false — evaluating `Match exec` would run commands from the config file.
  const raw = config.compute(name, { ignoreCase: true, matchExec: false } as Parameters<SSHConfig['compute']>[1]) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : undefined);
  const files = raw.identityfile;
  return {
    hostname: str(raw.hostname),
    port: str(raw.port),
    user: str(raw.user),
    identityfile: Array.isArray(files) ? files.map(String) : typeof files === 'string' ? [files] : undefined,
    proxyjump: str(raw.proxyjump),
  };
}

/** `user@host:port,host2` → hops; `none` → no hops. */
export function parseJumps(value: string | undefined): { host: string; port?: number; user?: string }[] {
  if (!value || value.toLowerCase() === 'none') return [];
  return value.split(',').map((hop) => {
    let rest = hop.trim().replace(/^ssh:\/\//, '');
    let user: string | undefined;
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      user = rest.slice(0, at);
      rest = rest.slice(at + 1);
    }
    let port: number | undefined;
    const m = /^\[(.+)\](?::(\d+))?$/.exec(rest) ?? /^([^:]+)(?::(\d+))?$/.exec(rest);
    if (m) {
      rest = m[1];
      if (m[2]) port = Number(m[2]);
    }
    return { host: rest, ...(port ? { port } : {}), ...(user ? { user } : {}) };
  });
}

/** Expands ssh_config's `%h %p %r %u %d %%` tokens. */
export function expandTokens(s: string, t: Record<string, string>): string {
  return s.replace(/%([%hprud])/g, (_, k: string) => (k === '%' ? '%' : t[k] ?? ''));
}

/** Expands a leading `~` to the home directory. */
export function expandPath(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}

/** The local user, looked up once (each lookup reads /etc/passwd). */
let localUser: string | undefined;

function safeLocalUser(): string {
  if (localUser !== undefined) return localUser;
  try {
    localUser = os.userInfo().username;
  } catch {
    localUser = process.env.USER ?? 'root';
  }
  return localUser;
}
