/**
 * Scenario 1, throughput: H hosts × 10 `/bin/true` (forks H) for playwatch,
 * ansible-playbook with defaults and with pipelining + ControlPersist, and
 * the bare ssh2 floor (connections timed apart from the commands). Whole
 * processes, Node's and Python's start included. Leaves each variant's CPU
 * for scenario 3.
 */
import { atLeast, atMost } from '../lib/targets.js';
import { runAnsible, runFloor, runPlaywatch } from '../lib/runners.js';
import { interleave, pick, type Context, type Scenario, type Variant } from '../lib/scenario.js';
import { ratio, single, summarize } from '../lib/stats.js';
import type { Row } from '../lib/types.js';
import { commandTasks, workspace } from '../lib/workspace.js';

export const sizes = (quick: boolean) => (quick ? [{ hosts: 10, tasks: 5 }] : [{ hosts: 20, tasks: 10 }, { hosts: 100, tasks: 10 }]);
const MITOGEN_20x10_S = 19.9;

export const throughput: Scenario = {
  name: 'throughput',
  title: '1. Throughput: hosts × /bin/true tasks, whole process',
  inDefault: true,
  fleet: (o) => Math.max(...sizes(o.quick).map((s) => s.hosts)),
  estimateS: (o, ansible) =>
    sizes(o.quick).reduce((t, s) => t + o.runs * (0.8 + s.hosts * s.tasks * 0.008) * 2 + (ansible ? o.ansibleRuns * (6 + s.hosts * s.tasks * 0.15) : 0), 0),
  async run(ctx) {
    const rows: Row[] = [];
    for (const s of sizes(ctx.opts.quick)) rows.push(...(await size(ctx, s.hosts, s.tasks)));
    return rows;
  },
};

async function size(ctx: Context, hosts: number, tasks: number): Promise<Row[]> {
  const ws = await workspace(ctx.fleetDir, { names: hosts });
  try {
    const playbook = ws.playbook('true.yml', commandTasks(tasks));
    const variants: Variant[] = [
      { name: 'floor', runs: ctx.opts.runs, once: () => runFloor(ws, tasks) },
      { name: 'playwatch', runs: ctx.opts.runs, once: () => runPlaywatch(ws, playbook, hosts) },
    ];
    if (ctx.ansible) {
      variants.push({ name: 'ansible defaults', runs: ctx.opts.ansibleRuns, once: () => runAnsible(ws, playbook, hosts, 'defaults') });
      variants.push({ name: 'ansible pipelining', runs: ctx.opts.ansibleRuns, once: () => runAnsible(ws, playbook, hosts, 'pipelining') });
    }
    const label = `${hosts}×${tasks}`;
    const runs = await interleave(ctx, `throughput ${label}`, variants);
    for (const [name, ms] of runs) ctx.shared.set(`cpu ${label} ${name}`, pick(ms, (m) => m.cpuMs));
    const wall = (name: string) => summarize(pick(runs.get(name), (m) => m.wallMs / 1000));
    const pw = wall('playwatch');
    const fl = wall('floor');
    const sc = 'throughput';
    const rows: Row[] = [
      { scenario: sc, measure: `${label} playwatch`, unit: 's', figure: pw },
      { scenario: sc, measure: `${label} floor (bare ssh2, exec channels)`, unit: 's', figure: fl },
      { scenario: sc, measure: `${label} floor: connections only`, unit: 's', figure: summarize(pick(runs.get('floor'), (m) => (m as { connectMs?: number }).connectMs! / 1000)) },
      {
        scenario: sc, measure: `${label} playwatch ÷ floor`, unit: '×', figure: ratio(pw, fl), derived: true,
        target: atMost(1.0, '≤ 1.0×', 'playwatch does more per run than the floor: its start (Node and the bundled run path, ~0.2 s of CPU against ~0.06 s), a deploy lock taken and released per host (two more commands each), the run record and output; and ~0.5 ms of CPU per task and host against the floor\'s ~0.35. On 2 cores that also run every target\'s sshd and shell, CPU is wall time. Taking the lock in the session\'s first script and a lighter event path would close it.'),
      },
    ];
    for (const [variant, need] of [['defaults', 30], ['pipelining', 20]] as const) {
      const an = ctx.ansible ? wall(`ansible ${variant}`) : undefined;
      rows.push({ scenario: sc, measure: `${label} ansible-playbook ${variant === 'defaults' ? 'defaults' : 'pipelining + ControlPersist'}`, unit: 's', figure: an, ...(an ? {} : { note: 'not installed' }) });
      rows.push({
        scenario: sc, measure: `${label} ansible ${variant} ÷ playwatch`, unit: '×', figure: ratio(an, pw), derived: true,
        ...(an ? {} : { note: 'not installed' }),
        target: atLeast(need, `≥ ${need}×`, `ansible-core forks a worker and an ssh client per task and host; at few tasks per host playwatch's own start (Node, connections) weighs more than on a long play. Fewer round trips per step (issue 26) and a cheaper start-up would widen the gap.`),
      });
    }
    if (hosts === 20 && tasks === 10) {
      rows.push({ scenario: sc, measure: `${label} ansible + mitogen`, unit: 's', figure: single(MITOGEN_20x10_S), cited: true, note: 'cited: measured once on this machine kind, not in Debian' });
    }
    return rows;
  } finally {
    ws.close();
  }
}
