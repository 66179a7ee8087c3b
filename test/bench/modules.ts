/**
 * File modules on 20 real sshd hosts: round trips and controller CPU per
 * module call, next to the targets (an unchanged stat, file or lineinfile
 * costs one round trip, copy and template at most two; slurp, find, a
 * command its `creates` skips and an unchanged assemble one).
 *
 * Each scenario is a playbook of 10 tasks of one module call, run through
 * the engine on all 20 hosts at once (forks 20). The connections are opened
 * once before the scenarios and kept, so the figures are the module calls'
 * and the engine's, not the SSH handshakes'. Round trips are the commands
 * (exec channels) the transports sent during the run, divided by the calls;
 * CPU is process.cpuUsage() (user + system) around the run (loading the
 * playbook and the plain output included), divided by the calls. Every host
 * is this machine: each has its own root directory (test/fleet/rooted.ts).
 *
 * Starts its own fleet of 20 on port PLAYWATCH_BENCH_MODULES_PORT (default
 * 2296; root and sshd needed) unless PLAYWATCH_FLEET_DIR holds 20 hosts.
 *
 *   npm run bench modules      (or node --import tsx test/bench/modules.ts)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectionSpecFromVars } from '../../src/transport/index.js';
import { SshTransport } from '../../src/transport/ssh.js';
import { fleetHosts } from '../fleet/helpers.js';
import { rooted, type Rooted } from '../fleet/rooted.js';
import { runIn } from '../helpers/run.js';
import { fmt, prepareFleet } from './lib/fleet.js';

const HOSTS = 20;
const TASKS = 10;
const PORT = process.env.PLAYWATCH_BENCH_MODULES_PORT ?? '2296';

interface Scenario {
  name: string;
  /** The task for the i-th of the playbook's tasks (a changed scenario writes a new file each time). */
  task: (i: number) => string;
  changed: boolean;
  /** Most round trips a call may cost. */
  target: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'stat', task: () => 'stat: {path: f}', changed: false, target: 1 },
  { name: 'file', task: () => "file: {path: f, mode: '0644'}", changed: false, target: 1 },
  { name: 'lineinfile', task: () => "lineinfile: {path: conf, line: 'a=1'}", changed: false, target: 1 },
  { name: 'copy', task: () => 'copy: {content: "x\\n", dest: f}', changed: false, target: 2 },
  { name: 'template', task: () => 'template: {src: t.j2, dest: f}', changed: false, target: 2 },
  { name: 'slurp', task: () => 'slurp: {src: f}', changed: false, target: 1 },
  { name: 'find', task: () => 'find: {paths: ., recurse: true, contains: x}', changed: false, target: 1 },
  { name: 'command (creates)', task: () => 'command: touch g\n      args: {creates: f}', changed: false, target: 1 },
  { name: 'assemble', task: () => 'assemble: {src: frags, dest: f2}', changed: false, target: 1 },
  { name: 'lineinfile', task: (i) => `lineinfile: {path: conf, line: 'k${i}=v'}`, changed: true, target: 2 },
  { name: 'copy', task: (i) => `copy: {content: "{{ inventory_hostname }} ${i}\\n", dest: copied-${i}}`, changed: true, target: 2 },
  { name: 'template', task: (i) => `template: {src: t.j2, dest: rendered-${i}}`, changed: true, target: 2 },
];

function playbook(s: Scenario): string {
  const tasks = Array.from({ length: TASKS }, (_, i) => `    - name: call ${i + 1}\n      ${s.task(i)}\n`).join('');
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;
}

interface Figures {
  trips: number;
  cpuMs: number;
  wallMs: number;
  changed: number;
  failed: number;
}

async function runScenario(project: string, s: Scenario, open: Record<string, SshTransport>, roots: Record<string, string>): Promise<Figures> {
  fs.writeFileSync(path.join(project, 'site.yml'), playbook(s));
  const sent: Rooted[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = await runIn(project, {
    forks: HOSTS,
    wrapTransport: (_t, host) => {
      const t = rooted(open[host]!, roots[host]!, { keepOpen: true });
      sent.push(t);
      return t;
    },
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const calls = HOSTS * TASKS;
  const stats = Object.values(run.stats);
  return {
    trips: sent.reduce((n, t) => n + t.commands.length, 0) / calls,
    cpuMs: (cpu.user + cpu.system) / 1000 / calls,
    wallMs,
    changed: stats.reduce((n, x) => n + x.changed, 0),
    failed: stats.reduce((n, x) => n + x.failed + x.unreachable, 0),
  };
}

async function main(): Promise<void> {
  const fleet = prepareFleet(HOSTS, { port: PORT });
  if (!fleet) {
    console.log('skipped: needs root and /usr/sbin/sshd (apt-get install --no-install-recommends openssh-server), or PLAYWATCH_FLEET_DIR with 20 hosts');
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-bench-modules-'));
  const open: Record<string, SshTransport> = {};
  try {
    const hosts = fleetHosts(fleet.dir).slice(0, HOSTS);
    const project = path.join(work, 'project');
    fs.mkdirSync(path.join(project, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(project, 'templates/t.j2'), '{{ "x" }}\n');
    const inventory = hosts.map((h) => `${h.name} ${Object.entries(h.vars).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    fs.writeFileSync(path.join(project, 'inventory.ini'), `[all]\n${inventory.join('\n')}\n`);
    const roots: Record<string, string> = {};
    for (const h of hosts) {
      roots[h.name] = path.join(work, 'targets', h.name);
      fs.mkdirSync(roots[h.name]!, { recursive: true });
      fs.writeFileSync(path.join(roots[h.name]!, 'f'), 'x\n');
      fs.chmodSync(path.join(roots[h.name]!, 'f'), 0o644);
      fs.writeFileSync(path.join(roots[h.name]!, 'conf'), 'a=1\n');
      fs.mkdirSync(path.join(roots[h.name]!, 'frags'));
      fs.writeFileSync(path.join(roots[h.name]!, 'frags', '10-a'), 'a=1\n');
      fs.writeFileSync(path.join(roots[h.name]!, 'frags', '20-b'), 'b=2\n');
      fs.writeFileSync(path.join(roots[h.name]!, 'f2'), 'a=1\nb=2\n');
      fs.chmodSync(path.join(roots[h.name]!, 'f2'), 0o644);
      open[h.name] = new SshTransport(connectionSpecFromVars(h.name, h.vars, fleet.dir), { env: { home: work, sshDir: work }, agentSocket: null });
    }
    await Promise.all(Object.values(open).map((t) => t.connect()));
    await runScenario(project, SCENARIOS[0]!, open, roots); // warm up the JIT and sshd

    console.log(`${HOSTS} hosts × ${TASKS} tasks per scenario over real sshd, connections kept open (${fleet.dir})\n`);
    console.log(`${'module call'.padEnd(30)}${'round trips/call'.padStart(17)}${'target'.padStart(9)}${'CPU ms/call'.padStart(13)}${'wall'.padStart(9)}   changed/failed`);
    let missed = 0;
    for (const s of SCENARIOS) {
      const f = await runScenario(project, s, open, roots);
      const within = f.trips <= s.target;
      if (!within) missed++;
      const name = `${s.name}, ${s.changed ? 'changed' : 'unchanged'}`;
      console.log(
        `${name.padEnd(30)}${f.trips.toFixed(2).padStart(17)}${`≤ ${s.target}`.padStart(9)}${f.cpuMs.toFixed(2).padStart(13)}${fmt(f.wallMs).padStart(9)}   ${f.changed}/${f.failed}${within ? '' : '   over target'}`,
      );
      const wantChanged = s.changed ? HOSTS * TASKS : 0;
      if (f.changed !== wantChanged || f.failed) console.log(`    expected ${wantChanged} changed and none failed`);
    }
    console.log(missed ? `\n${missed} scenario(s) over their round-trip target` : '\nevery scenario within its round-trip target');
  } finally {
    await Promise.allSettled(Object.values(open).map((t) => t.close()));
    fleet.down();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
