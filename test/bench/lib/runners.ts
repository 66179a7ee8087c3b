/** The programs the scenarios compare, each measured as a whole process. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './fleet.js';
import { measure, type Measured } from './measure.js';
import { closeMasters, type Workspace } from './workspace.js';

const bin = path.join(root, 'bin/playwatch.js');
const floor = path.join(root, 'test/bench/lib/floor.mjs');

export interface PlaywatchOptions {
  args?: string[];
  /** Render the TUI into a tmux pseudo terminal instead of --ui plain. */
  tty?: boolean;
  fds?: boolean;
}

/** `playwatch run` on the workspace's inventory, its run record in a temp dir removed after. */
export async function runPlaywatch(ws: Workspace, playbook: string, forks: number, o: PlaywatchOptions = {}): Promise<Measured> {
  const runsDir = fs.mkdtempSync(path.join(ws.dir, 'runs-'));
  try {
    const ui = o.tty ? ['--ui', 'tui'] : ['--ui', 'plain'];
    const args = ['run', playbook, '-i', ws.inventory, '-f', String(forks), ...ui, '--runs-dir', runsDir, ...(o.args ?? [])];
    return await measure(bin, args, { node: true, cwd: root, fds: o.fds, ...(o.tty ? { tty: { columns: 160, rows: 48 } } : {}) });
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
}

/** The bare ssh2 floor program: connections, then `tasks` rounds of one exec channel per host. */
export async function runFloor(ws: Workspace, tasks: number, command = '/bin/true'): Promise<Measured & { connectMs?: number; commandsMs?: number }> {
  const m = await measure(floor, [ws.hostsJson, String(tasks), command], { node: true, cwd: root });
  const last = m.tail.split('\n').filter((l) => l.startsWith('{')).pop() ?? '';
  try {
    return { ...m, ...(JSON.parse(last) as { connectMs: number; commandsMs: number }) };
  } catch {
    return m;
  }
}

let version: string | null | undefined;

/** "2.14.18", or undefined when ansible-playbook is not installed. */
export function ansibleVersion(): string | undefined {
  if (version === undefined) {
    const r = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
    version = r.status === 0 ? (/core ([\d.]+)/.exec(r.stdout)?.[1] ?? r.stdout.split('\n')[0]) : null;
  }
  return version ?? undefined;
}

export type AnsibleVariant = 'defaults' | 'pipelining';

const CONFIGS: Record<AnsibleVariant, string> = {
  // Nothing set: what a fresh install does (its ssh_args already include ControlPersist=60s).
  defaults: '[defaults]\n',
  pipelining: '[defaults]\n\n[ssh_connection]\npipelining = True\nssh_args = -C -o ControlMaster=auto -o ControlPersist=60s\n',
};

/** `ansible-playbook` on the workspace's inventory with an ansible.cfg written for the variant; its ControlPersist masters are closed after. */
export async function runAnsible(ws: Workspace, playbook: string, forks: number, variant: AnsibleVariant, vars: Record<string, string> = {}): Promise<Measured> {
  const cfg = path.join(ws.dir, `ansible-${variant}.cfg`);
  if (!fs.existsSync(cfg)) fs.writeFileSync(cfg, CONFIGS[variant]);
  const cpDir = fs.mkdtempSync(path.join(ws.dir, 'cp-'));
  const extra = JSON.stringify({ ansible_ssh_common_args: `-o UserKnownHostsFile=${ws.dir}/known_hosts`, ...vars });
  try {
    return await measure('ansible-playbook', ['-i', ws.inventory, '-f', String(forks), '-e', extra, playbook], {
      cwd: ws.dir,
      env: { ANSIBLE_CONFIG: cfg, ANSIBLE_NOCOLOR: '1', ANSIBLE_SSH_CONTROL_PATH_DIR: cpDir },
    });
  } finally {
    // Masters outlive the run by 60 s: close them so each run starts cold and none is left behind.
    closeMasters(ws.dir);
    fs.rmSync(cpDir, { recursive: true, force: true });
  }
}
