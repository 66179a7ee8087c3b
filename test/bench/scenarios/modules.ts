/**
 * File modules on 20 real sshd hosts (only with --only modules): round trips
 * and controller CPU per module call, against the targets (an unchanged
 * stat, file or lineinfile costs one round trip, copy and template at most
 * two; slurp, find, a command its `creates` skips and an unchanged assemble
 * one).
 *
 * Each call is a playbook of 10 tasks of one module call, run through the
 * engine in this process on all 20 hosts at once (forks 20), over
 * connections opened once before and kept, so the figures are the module
 * calls' and the engine's, not the SSH handshakes'. Round trips are the
 * commands the transports sent divided by the calls; CPU is
 * process.cpuUsage() around the run divided by the calls. Each host has its
 * own root directory (test/fleet/rooted.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectionSpecFromVars } from '../../../src/transport/index.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import { fleetHosts } from '../../fleet/helpers.js';
import { rooted, type Rooted } from '../../fleet/rooted.js';
import { runIn } from '../../helpers/run.js';
import { atMost } from '../lib/targets.js';
import { atCleanup } from '../lib/cleanup.js';
import type { Scenario } from '../lib/scenario.js';
import { single } from '../lib/stats.js';
import type { Row } from '../lib/types.js';

const HOSTS = 20;
const TASKS = 10;

interface Call {
  name: string;
  /** The task for the i-th of the playbook's tasks (a changed scenario writes a new file each time). */
  task: (i: number) => string;
  changed: boolean;
  /** Most round trips a call may cost. */
  target: number;
}

const CALLS: Call[] = [
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

function playbook(s: Call): string {
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

async function runScenario(project: string, s: Call, open: Record<string, SshTransport>, roots: Record<string, string>): Promise<Figures> {
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

export const modules: Scenario = {
  name: 'modules',
  title: 'Modules: round trips and controller CPU per file-module call (20 hosts, connections kept)',
  inDefault: false,
  fleet: () => HOSTS,
  estimateS: () => CALLS.length * 4,
  async run(ctx) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-bench-modules-'));
    const remove = atCleanup(() => fs.rmSync(work, { recursive: true, force: true }));
    const open: Record<string, SshTransport> = {};
    try {
      const hosts = fleetHosts(ctx.fleetDir).slice(0, HOSTS);
      const project = path.join(work, 'project');
      fs.mkdirSync(path.join(project, 'templates'), { recursive: true });
      fs.writeFileSync(path.join(project, 'templates/t.j2'), '{{ "x" }}\n');
      const inventory = hosts.map((h) => `${h.name} ${Object.entries(h.vars).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      fs.writeFileSync(path.join(project, 'inventory.ini'), `[all]\n${inventory.join('\n')}\n`);
      const roots: Record<string, string> = {};
      for (const h of hosts) {
        const r = (roots[h.name] = path.join(work, 'targets', h.name));
        fs.mkdirSync(path.join(r, 'frags'), { recursive: true });
        for (const [f, text] of [['f', 'x\n'], ['conf', 'a=1\n'], ['frags/10-a', 'a=1\n'], ['frags/20-b', 'b=2\n'], ['f2', 'a=1\nb=2\n']]) fs.writeFileSync(path.join(r, f), text);
        fs.chmodSync(path.join(r, 'f'), 0o644);
        fs.chmodSync(path.join(r, 'f2'), 0o644);
        open[h.name] = new SshTransport(connectionSpecFromVars(h.name, h.vars, ctx.fleetDir), { env: { home: work, sshDir: work }, agentSocket: null });
      }
      await Promise.all(Object.values(open).map((t) => t.connect()));
      await runScenario(project, CALLS[0]!, open, roots); // warm up the JIT and sshd
      const rows: Row[] = [];
      for (const s of CALLS) {
        const f = await runScenario(project, s, open, roots);
        const name = `${s.name}, ${s.changed ? 'changed' : 'unchanged'}`;
        const wantChanged = s.changed ? HOSTS * TASKS : 0;
        const wrong = f.changed !== wantChanged || f.failed ? `${f.changed} changed, ${f.failed} failed; expected ${wantChanged} changed` : undefined;
        ctx.log(`modules ${name}: ${f.trips.toFixed(2)} round trips, ${f.cpuMs.toFixed(2)} ms CPU per call${wrong ? ` (${wrong})` : ''}`);
        rows.push({
          scenario: 'modules', measure: `${name}: round trips per call`, unit: 'RT', figure: single(f.trips), ...(wrong ? { note: wrong } : {}),
          target: atMost(s.target, `≤ ${s.target} RT`, 'the module checks, then acts, in separate commands; folding the check into the action\'s command would close it.'),
        });
        rows.push({ scenario: 'modules', measure: `${name}: controller CPU per call`, unit: 'ms', figure: single(f.cpuMs) });
      }
      return rows;
    } finally {
      await Promise.allSettled(Object.values(open).map((t) => t.close()));
      remove();
    }
  },
};
