/**
 * Helpers for tests against the real sshd fleet started by `fleet.sh up`
 * (`npm run test:system` does that). The fleet directory comes from
 * PLAYWATCH_FLEET_DIR (default /tmp/playwatch-fleet).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connectionSpecFromVars } from '../../src/transport/index.js';
import type { ConnectionSpec } from '../../src/transport/types.js';

export const fleetDir = process.env.PLAYWATCH_FLEET_DIR ?? '/tmp/playwatch-fleet';
export const fleetScript = path.join(path.dirname(new URL(import.meta.url).pathname), 'fleet.sh');

export interface FleetHost {
  name: string;
  vars: Record<string, string>;
}

/** The hosts of the fleet's inventory.ini with their vars (group vars merged in). */
export function fleetHosts(dir = fleetDir): FleetHost[] {
  const file = path.join(dir, 'inventory.ini');
  if (!fs.existsSync(file)) throw new Error(`no fleet at ${dir}: run test/fleet/fleet.sh up 10 ${dir}`);
  const hosts: FleetHost[] = [];
  const groupVars: Record<string, string> = {};
  let section = '';
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const sec = /^\[(.+)\]$/.exec(t);
    if (sec) {
      section = sec[1];
      continue;
    }
    if (section.endsWith(':vars')) {
      const [k, ...v] = t.split('=');
      groupVars[k] = v.join('=');
    } else {
      const [name, ...pairs] = t.split(/\s+/);
      hosts.push({ name, vars: Object.fromEntries(pairs.map((p) => [p.split('=')[0], p.split('=').slice(1).join('=')])) });
    }
  }
  return hosts.map((h) => ({ name: h.name, vars: { ...groupVars, ...h.vars } }));
}

/** The connection spec of one fleet host, as the engine would build it. */
export function fleetSpec(name: string, dir = fleetDir): ConnectionSpec {
  const host = fleetHosts(dir).find((h) => h.name === name);
  if (!host) throw new Error(`fleet host ${name} not found`);
  return connectionSpecFromVars(name, host.vars, dir);
}

/** All pids in the process tree under `pid`, children first. */
function tree(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(...tree(Number(entry)), Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Kills a host's sshd and every session it serves (a host that dies). */
export function killHost(name: string, dir = fleetDir): void {
  const pidFile = path.join(dir, name, 'sshd.pid');
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  // Parents first: the connection drops before any session can report its command's end.
  for (const p of [pid, ...tree(pid).reverse()]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fs.rmSync(pidFile, { force: true });
}

/** Starts a host's sshd again after killHost. */
export function startHost(name: string, dir = fleetDir): void {
  const hd = path.join(dir, name);
  // A killed sshd may hold its port a moment longer on a loaded machine: try again for up to 5 s.
  for (let i = 0; ; i++) {
    const r = spawnSync(process.env.SSHD ?? '/usr/sbin/sshd', ['-f', path.join(hd, 'sshd_config'), '-E', path.join(hd, 'sshd.log')]);
    if (r.status === 0) return;
    if (i === 50) throw new Error(`sshd for ${name} did not start: ${r.stderr}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}
