/**
 * Latency benchmark (issue 26): 5 and 20 hosts × 10 `/bin/true` at 0 and
 * 50 ms round trip, whole-process wall time (Node's start and the
 * connections included), for
 *   floor   a bare ssh2 program with exec channels (lib/floor.mjs)
 *   shell   playwatch --ssh-mode shell
 *   exec    playwatch --ssh-mode exec
 *   ansible ansible-playbook with pipelining (LATENCY_ANSIBLE=1; slow)
 * The round trip comes from a TCP proxy per host holding each direction
 * 25 ms (test/helpers/tcp-proxy.ts, in a process of its own: lib/proxies.ts). "Per extra step" is (T(10 tasks) −
 * T(2 tasks)) / 8: what one more task costs, in ms and in round trips.
 * Median of LATENCY_ROUNDS (default 3) rounds; LATENCY_HOSTS=5,20 and
 * LATENCY_RTTS=0,50 pick the scenarios.
 *
 *   npm run build && PLAYWATCH_FLEET_DIR=/tmp/fleet PLAYWATCH_FLEET_PORT=2315 npm run bench latency
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetHosts } from '../fleet/helpers.js';
import { spawn } from 'node:child_process';
import { once as onceEvent } from 'node:events';
import { ansibleRun, playwatchRun, prepareFleet, root, timed } from './lib/fleet.js';

const ROUNDS = Number(process.env.LATENCY_ROUNDS ?? 3);
const WITH_ANSIBLE = process.env.LATENCY_ANSIBLE === '1';
const SIZES = (process.env.LATENCY_HOSTS ?? '5,20').split(',').map(Number);
const RTTS = (process.env.LATENCY_RTTS ?? '0,50').split(',').map(Number);
const TASKS = [10, 2];

type Tool = 'floor' | 'shell' | 'exec' | 'ansible';

/** A working directory with an inventory whose hosts go through proxies (or straight, at 0 ms). */
async function scenario(fleetDir: string, hosts: number, rtt: number) {
  const fleet = fleetHosts(fleetDir).slice(0, hosts);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-latency-'));
  const known = fs.readFileSync(path.join(fleetDir, 'known_hosts'), 'utf8').split('\n');
  const proxy = rtt > 0 ? await startProxies(rtt / 2, fleet.map((h) => `${h.vars.ansible_host}:${h.vars.ansible_port}`)) : undefined;
  const lines = ['[fleet]'];
  const knownLines: string[] = [];
  const floorHosts: object[] = [];
  for (const [i, h] of fleet.entries()) {
    let address = h.vars.ansible_host;
    let port = Number(h.vars.ansible_port);
    const key = known.find((l) => l.startsWith(`[${address}]:${port} `))!.split(' ').slice(1).join(' ');
    if (proxy) {
      address = '127.0.0.1';
      port = proxy.ports[i];
    }
    knownLines.push(`[${address}]:${port} ${key}`);
    lines.push(`${h.name} ansible_host=${address} ansible_port=${port}`);
    floorHosts.push({ host: address, port, username: h.vars.ansible_user, privateKey: h.vars.ansible_ssh_private_key_file });
  }
  const v = fleet[0].vars;
  lines.push('', '[fleet:vars]', `ansible_user=${v.ansible_user}`, `ansible_ssh_private_key_file=${v.ansible_ssh_private_key_file}`,
    `playwatch_known_hosts=${dir}/known_hosts`, 'playwatch_lock_path=~/.playwatch/lock');
  fs.writeFileSync(path.join(dir, 'inventory.ini'), `${lines.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'known_hosts'), `${knownLines.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'hosts.json'), JSON.stringify(floorHosts));
  for (const n of TASKS) {
    const tasks = Array.from({ length: n }, (_, i) => `    - name: true ${i + 1}\n      command: /bin/true\n`).join('');
    fs.writeFileSync(path.join(dir, `true-${n}.yml`), `- hosts: fleet\n  gather_facts: false\n  tasks:\n${tasks}`);
  }
  return {
    dir,
    async close() {
      proxy?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The proxies run in a child: the timed runs below block this process's event loop. */
async function startProxies(ms: number, targets: string[]): Promise<{ ports: number[]; stop(): void }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(root, 'test/bench/lib/proxies.ts'), String(ms), ...targets], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  while (!out.includes('\n')) await onceEvent(child.stdout, 'data');
  return { ports: JSON.parse(out) as number[], stop: () => child.stdin.end() };
}

function once(tool: Tool, dir: string, hosts: number, tasks: number): number {
  const playbook = path.join(dir, `true-${tasks}.yml`);
  let r: number | string;
  if (tool === 'floor') {
    const t = timed(process.execPath, [path.join(root, 'test/bench/lib/floor.mjs'), path.join(dir, 'hosts.json'), String(tasks)]);
    r = t.ok ? t.ms : `floor failed: ${t.tail}`;
  } else if (tool === 'ansible') r = ansibleRun(dir, playbook, hosts, { ansible_pipelining: 'true' });
  else r = playwatchRun(dir, playbook, hosts, ['--ssh-mode', tool]);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const fleet = prepareFleet(Math.max(...SIZES), { port: process.env.PLAYWATCH_FLEET_PORT });
  if (!fleet) {
    console.log('skipped: needs root and /usr/sbin/sshd, or PLAYWATCH_FLEET_DIR with 20 hosts');
    return;
  }
  const tools: Tool[] = ['floor', 'shell', 'exec', ...(WITH_ANSIBLE ? ['ansible' as const] : [])];
  const table: Record<string, Record<Tool, Record<number, number>>> = {};
  try {
    for (const rtt of RTTS) {
      for (const hosts of SIZES) {
        const sc = await scenario(fleet.dir, hosts, rtt);
        try {
          once('floor', sc.dir, hosts, 2); // warm sshd and the page cache
          const row = (table[`${hosts}×10 @ ${rtt} ms`] = {} as Record<Tool, Record<number, number>>);
          for (const tool of tools) {
            row[tool] = {};
            for (const n of TASKS) {
              const rounds = tool === 'ansible' ? 1 : ROUNDS;
              row[tool][n] = median(Array.from({ length: rounds }, () => once(tool, sc.dir, hosts, n)));
            }
          }
          print(`${hosts}×10 @ ${rtt} ms`, row, rtt);
        } finally {
          await sc.close();
        }
      }
    }
    targets(table);
  } finally {
    fleet.down();
  }
}

function print(name: string, row: Record<Tool, Record<number, number>>, rtt: number): void {
  const cells = Object.entries(row).map(([tool, t]) => {
    const step = (t[10] - t[2]) / 8;
    const rts = rtt > 0 ? `, ${(step / rtt).toFixed(2)} RT` : '';
    return `${tool} ${s(t[10])} (+${step.toFixed(1)} ms/step${rts})`;
  });
  console.log(`${name.padEnd(16)} ${cells.join('   ')}`);
}

function targets(table: Record<string, Record<Tool, Record<number, number>>>): void {
  console.log('\ntargets (issue 26):');
  for (const hosts of SIZES) {
    const r = table[`${hosts}×10 @ 50 ms`];
    if (r) console.log(`  ${hosts}×10 @ 50 ms: shell ${((r.shell[10] - r.shell[2]) / 8 / 50).toFixed(2)} round trips per extra step (target ≤ 1.2)`);
  }
  const l = table['20×10 @ 0 ms'];
  if (l) {
    console.log(`  20×10 @ loopback: shell ${s(l.shell[10])} vs exec-channel floor ${s(l.floor[10])} (target: shell faster)`);
    if (l.ansible) console.log(`  20×10 @ loopback: ansible/shell ${(l.ansible[10] / l.shell[10]).toFixed(1)}× (target ≥ 30× against ansible's defaults; this is with pipelining)`);
  }
}

await main();
