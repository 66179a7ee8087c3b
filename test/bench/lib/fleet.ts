/** The sshd fleet the suite runs on (test/fleet/fleet.sh), brought up once for the whole run. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleetHosts } from '../../fleet/helpers.js';
import { atCleanup } from './cleanup.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fleetScript = path.join(root, 'test/fleet/fleet.sh');

export interface Fleet {
  dir: string;
  hosts: number;
  /** Stops the fleet and removes its directory if this run started it; safe to call twice. */
  down(): void;
}

/** Why a fleet cannot be started here, or undefined when it can. */
export function fleetUnavailable(): string | undefined {
  const sshd = process.env.SSHD ?? '/usr/sbin/sshd';
  if (!fs.existsSync(sshd)) return `${sshd} not found (apt-get install --no-install-recommends openssh-server)`;
  if (process.getuid?.() !== 0) return 'not root (sshd needs it to switch users)';
  return undefined;
}

/**
 * The fleet in PLAYWATCH_FLEET_DIR when it has `hosts` hosts, else a new one
 * of `hosts` sshd in a temp dir, on PLAYWATCH_FLEET_PORT (fleet.sh's default
 * 2222 otherwise, as npm run test:system). A string says why there is none.
 */
export function prepareFleet(hosts: number): Fleet | string {
  const given = process.env.PLAYWATCH_FLEET_DIR;
  if (given && fs.existsSync(path.join(given, 'inventory.ini')) && fleetHosts(given).length >= hosts) return { dir: given, hosts, down: () => {} };
  const why = fleetUnavailable();
  if (why) return why;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-fleet.'));
  const r = spawnSync('bash', [fleetScript, 'up', String(hosts), dir], { encoding: 'utf8' });
  const down = atCleanup(() => {
    spawnSync('bash', [fleetScript, 'down', dir], { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
  if (r.status !== 0) {
    down();
    return `fleet.sh up ${hosts} failed: ${r.stderr.trim()}`;
  }
  return { dir, hosts, down };
}
