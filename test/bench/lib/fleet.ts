/** What the fleet benchmarks share: a fleet to run on, and whole-process timing. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleetHosts } from '../../fleet/helpers.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fleetScript = path.join(root, 'test/fleet/fleet.sh');

export interface Fleet {
  dir: string;
  /** Stops the fleet if this benchmark started it. */
  down(): void;
}

/**
 * The fleet in PLAYWATCH_FLEET_DIR when it has `hosts` hosts, else a new one (root and sshd needed),
 * on `port` when given (else fleet.sh's PLAYWATCH_FLEET_PORT or 2222).
 */
export function prepareFleet(hosts: number, o: { port?: string } = {}): Fleet | undefined {
  const given = process.env.PLAYWATCH_FLEET_DIR;
  if (given && fs.existsSync(path.join(given, 'inventory.ini')) && fleetHosts(given).length >= hosts) return { dir: given, down: () => {} };
  if (!fs.existsSync('/usr/sbin/sshd') || process.getuid?.() !== 0) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-bench-fleet-'));
  const env = o.port ? { ...process.env, PLAYWATCH_FLEET_PORT: o.port } : process.env;
  const r = spawnSync('bash', [fleetScript, 'up', String(hosts), dir], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`fleet.sh up failed: ${r.stderr}`);
  return {
    dir,
    down: () => {
      spawnSync('bash', [fleetScript, 'down', dir], { stdio: 'ignore', env });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whole-process wall time of a command. */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { ms: number; ok: boolean; tail: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, cwd: root, maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  return { ms, ok: r.status === 0, tail: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n') };
}

/** `ansible-playbook` on the fleet with the same forks; a string says why it did not run. */
export function ansibleRun(dir: string, playbook: string, forks: number, vars: Record<string, string> = {}): number | string {
  if (spawnSync('ansible-playbook', ['--version']).status !== 0) return 'ansible-playbook not installed';
  const extra = JSON.stringify({ ansible_ssh_common_args: `-o UserKnownHostsFile=${dir}/known_hosts`, ...vars });
  // Its ControlPersist masters outlive the run by 60 s: keep their sockets here and close them after.
  const cpDir = fs.mkdtempSync(path.join(dir, 'cp-'));
  const r = timed('ansible-playbook', ['-i', path.join(dir, 'inventory.ini'), '-f', String(forks), '-e', extra, playbook], {
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_SSH_CONTROL_PATH_DIR: cpDir,
  });
  for (const sock of fs.readdirSync(cpDir)) spawnSync('ssh', ['-O', 'exit', '-o', `ControlPath=${path.join(cpDir, sock)}`, 'x'], { stdio: 'ignore' });
  return r.ok ? r.ms : `ansible-playbook failed:\n${r.tail}`;
}

/** The built CLI on the fleet; a string says why it did not run. */
export function playwatchRun(dir: string, playbook: string, forks: number, args: string[] = []): number | string {
  if (!fs.existsSync(path.join(root, 'dist/cli'))) return 'dist/ not built (npm run build)';
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-bench-runs-'));
  try {
    const r = timed(process.execPath, [path.join(root, 'bin/playwatch.js'), 'run', playbook, '-i', path.join(dir, 'inventory.ini'), '-f', String(forks), '--ui', 'plain', '--runs-dir', runsDir, ...args]);
    return r.ok ? r.ms : `playwatch run failed:\n${r.tail}`;
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
}

export const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
