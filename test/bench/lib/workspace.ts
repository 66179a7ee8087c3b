/**
 * A scenario's working directory over the sshd fleet: an inventory of N
 * names spread over the fleet's sshd (several names may share one sshd,
 * each with its own deploy lock), optionally through TCP proxies that delay
 * each direction, the known_hosts to match, the floor program's host list,
 * and playbooks.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetHosts } from '../../fleet/helpers.js';
import { atCleanup } from './cleanup.js';
import { root } from './fleet.js';

export interface Workspace {
  dir: string;
  inventory: string;
  /** The floor program's host list (one entry per name). */
  hostsJson: string;
  names: number;
  /** Writes a playbook of these tasks (YAML list items, indented 4) against all names. */
  playbook(file: string, tasks: string[]): string;
  close(): void;
}

export interface WorkspaceOptions {
  names: number;
  /** How many of the fleet's sshd to spread the names over (default: one per name). */
  sshds?: number;
  /** Round trip added by a proxy per sshd, half each way (default 0: straight to sshd). */
  rttMs?: number;
}

/** `count` tasks running `command`, named so ansible and playwatch print the same. */
export function commandTasks(count: number, command = '/bin/true'): string[] {
  return Array.from({ length: count }, (_, i) => `- name: step ${i + 1}\n  command: ${command}`);
}

export async function workspace(fleetDir: string, o: WorkspaceOptions): Promise<Workspace> {
  const sshds = Math.min(o.sshds ?? o.names, o.names);
  const fleet = fleetHosts(fleetDir).slice(0, sshds);
  if (fleet.length < sshds) throw new Error(`the fleet has ${fleet.length} hosts, ${sshds} needed`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-bench-ws-'));
  let proxy: { ports: number[]; stop(): void } | undefined;
  const close = atCleanup(() => {
    closeMasters(dir);
    proxy?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  proxy = o.rttMs ? await startProxies(o.rttMs / 2, fleet.map((h) => `${h.vars.ansible_host}:${h.vars.ansible_port}`)) : undefined;
  const known = fs.readFileSync(path.join(fleetDir, 'known_hosts'), 'utf8').split('\n');
  const endpoints = fleet.map((h, i) => {
    const key = known.find((l) => l.startsWith(`[${h.vars.ansible_host}]:${h.vars.ansible_port} `))!.split(' ').slice(1).join(' ');
    return proxy ? { address: '127.0.0.1', port: proxy.ports[i], key } : { address: h.vars.ansible_host, port: Number(h.vars.ansible_port), key };
  });
  const v = fleet[0].vars;
  const shared = o.names > sshds;
  const width = String(o.names).length;
  const lines = ['[fleet]'];
  const floorHosts: object[] = [];
  for (let i = 0; i < o.names; i++) {
    const e = endpoints[i % sshds];
    const name = `n${String(i + 1).padStart(width, '0')}`;
    // Names sharing an sshd share its HOME: each takes its own deploy lock there.
    lines.push(`${name} ansible_host=${e.address} ansible_port=${e.port}${shared ? ` playwatch_lock_path=~/.playwatch/lock-${name}` : ''}`);
    floorHosts.push({ host: e.address, port: e.port, username: v.ansible_user, privateKey: v.ansible_ssh_private_key_file });
  }
  lines.push('', '[fleet:vars]', `ansible_user=${v.ansible_user}`, `ansible_ssh_private_key_file=${v.ansible_ssh_private_key_file}`,
    `playwatch_known_hosts=${dir}/known_hosts`, ...(shared ? [] : ['playwatch_lock_path=~/.playwatch/lock']));
  const inventory = path.join(dir, 'inventory.ini');
  fs.writeFileSync(inventory, `${lines.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'known_hosts'), `${endpoints.map((e) => `[${e.address}]:${e.port} ${e.key}`).join('\n')}\n`);
  const hostsJson = path.join(dir, 'hosts.json');
  fs.writeFileSync(hostsJson, JSON.stringify(floorHosts));
  return {
    dir,
    inventory,
    hostsJson,
    names: o.names,
    playbook(file, tasks) {
      const body = tasks.map((t) => t.split('\n').map((l) => `    ${l}`).join('\n')).join('\n');
      const p = path.join(dir, file);
      fs.writeFileSync(p, `- hosts: fleet\n  gather_facts: false\n  tasks:\n${body}\n`);
      return p;
    },
    close,
  };
}

/** ansible-playbook's ControlPersist masters (sockets in cp-* dirs) outlive its run by 60 s: close them. */
export function closeMasters(dir: string): void {
  for (const cp of fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => d.startsWith('cp-')) : []) {
    for (const sock of fs.readdirSync(path.join(dir, cp))) spawnSync('ssh', ['-O', 'exit', '-o', `ControlPath=${path.join(dir, cp, sock)}`, 'x'], { stdio: 'ignore' });
  }
}

/** The proxies run in a child process: a measured run must not share this event loop with them. */
async function startProxies(ms: number, targets: string[]): Promise<{ ports: number[]; stop(): void }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(root, 'test/bench/lib/proxies.ts'), String(ms), ...targets], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  while (!out.includes('\n')) await once(child.stdout, 'data');
  const stop = atCleanup(() => {
    child.stdin.end();
    child.kill();
  });
  return { ports: JSON.parse(out) as number[], stop };
}
