/**
 * Executable inventories, run as ansible-core's `script` inventory plugin
 * runs them: `FILE --list` prints JSON groups (and `_meta.hostvars`); when
 * `_meta` is absent, `FILE --host NAME` prints each host's variables.
 * Unlike ansible-core, a script that hangs is stopped after a timeout, and
 * every failure is one error naming the file.
 */
import { spawnSync } from 'node:child_process';
import type { Inventory, Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import { addChild, addGroup, addHost } from './data.js';

/** Default for `inventory_script_timeout`, in milliseconds. */
export const SCRIPT_TIMEOUT_MS = 30_000;

/** Run `file --list` (and `--host` per host when needed) and add what it prints to `inv`. */
export function loadInventoryScript(inv: Inventory, file: string, timeoutMs = SCRIPT_TIMEOUT_MS): void {
  const data = runJson(file, ['--list'], timeoutMs);
  const hostVars = (host: string): Vars => {
    const vars = runJson(file, ['--host', host], timeoutMs, true);
    if (vars == null) return {};
    if (!isMapping(vars)) throw new UserError(`inventory script ${file} --host ${host} must print a JSON object of variables`);
    return vars;
  };
  addScriptData(inv, data, file, hostVars);
}

/**
 * Add the groups and hosts of a script's `--list` output (also what
 * `ansible-inventory --list` prints) to `inv`. `hostVars` is asked for each
 * host when the data has no `_meta.hostvars`.
 */
export function addScriptData(inv: Inventory, data: unknown, file: string, hostVars?: (host: string) => Vars): void {
  if (!isMapping(data)) throw new UserError(`inventory script ${file} must print a JSON object (groups to hosts), got ${typeName(data)}`);
  const hosts = new Set<string>();
  let meta: Record<string, unknown> | undefined;
  for (const [name, body] of Object.entries(data)) {
    if (name === '_meta') {
      if (isMapping(body) && 'hostvars' in body) meta = isMapping(body.hostvars) ? body.hostvars : fail(file, `'_meta.hostvars' must be an object of host names to variables`);
      continue;
    }
    addScriptGroup(inv, name, body, file, hosts);
  }
  for (const host of hosts) {
    const vars = meta ? (meta[host] ?? {}) : (hostVars?.(host) ?? {});
    if (!isMapping(vars)) fail(file, `the variables of host '${host}' in '_meta.hostvars' must be an object`);
    Object.assign(inv.hosts.get(host)!.vars, vars);
  }
}

/** One group: a list of hosts, `{hosts, vars, children}`, or (ansible-core's shorthand) a host of the group's name with vars. */
function addScriptGroup(inv: Inventory, name: string, body: unknown, file: string, hosts: Set<string>): void {
  addGroup(inv, name);
  let g: Record<string, unknown>;
  if (!isMapping(body)) g = { hosts: body };
  else if (!('hosts' in body || 'vars' in body || 'children' in body)) g = { hosts: [name], vars: body };
  else g = body;
  if ('hosts' in g) {
    if (!Array.isArray(g.hosts)) fail(file, `group '${name}' has bad data for its host list: expected a list of host names, got ${typeName(g.hosts)}`);
    for (const h of g.hosts as unknown[]) {
      const host = String(h);
      hosts.add(host);
      addHost(inv, host, name);
    }
  }
  if ('vars' in g) {
    if (!isMapping(g.vars)) fail(file, `group '${name}' has bad data for its variables: expected an object, got ${typeName(g.vars)}`);
    Object.assign(inv.groups.get(name)!.vars, g.vars);
  }
  if ('children' in g) {
    if (!Array.isArray(g.children)) fail(file, `group '${name}' has bad data for its children: expected a list of group names, got ${typeName(g.children)}`);
    for (const c of g.children as unknown[]) addChild(inv, name, String(c));
  }
}

/**
 * Run the script with `args` and parse its stdout as JSON. The script runs in
 * its own process group, so a hang kills what it started too. `emptyOk`:
 * blank output is `undefined` (ansible-core's `--host` rule).
 */
function runJson(file: string, args: string[], timeoutMs: number, emptyOk = false): unknown {
  const cmd = [file, ...args].join(' ');
  // `detached` puts the script in a new session: its process group id is its pid.
  const r = spawnSync(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, detached: true, stdio: ['ignore', 'pipe', 'pipe'] } as Parameters<typeof spawnSync>[2] & { encoding: 'utf8' });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ETIMEDOUT') {
    killGroup(r.pid);
    throw new UserError(`inventory script ${cmd} did not finish within ${seconds(timeoutMs)} and was killed (inventory_script_timeout in playwatch.yml raises the limit)${tail(r.stderr)}`);
  }
  if (r.error) throw new UserError(`inventory script ${file} could not be run: ${r.error.message}`);
  if (r.status !== 0) {
    const how = r.status === null ? `was killed by ${r.signal}` : `exited with status ${r.status}`;
    throw new UserError(`inventory script ${cmd} ${how}${tail(r.stderr) || ' (no stderr)'}`);
  }
  const out = r.stdout ?? '';
  if (emptyOk && out.trim() === '') return undefined;
  try {
    return JSON.parse(out);
  } catch (err) {
    const first = out.trim().split('\n')[0]?.slice(0, 120) ?? '';
    throw new UserError(`inventory script ${cmd} printed output that is not JSON (${(err as Error).message}); it began with: ${JSON.stringify(first)}${tail(r.stderr)}`);
  }
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/** The last lines of stderr, for an error message. */
function tail(stderr: string | undefined): string {
  const lines = (stderr ?? '').trimEnd().split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return '';
  return `; stderr: ${lines.slice(-5).join('\n  ').slice(-1000)}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function fail(file: string, msg: string): never {
  throw new UserError(`inventory script ${file}: ${msg}`);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}
