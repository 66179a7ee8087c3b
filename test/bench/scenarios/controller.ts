/**
 * Scenario 3, controller cost: CPU (user + system of the process tree) and
 * peak RSS of playwatch for scenario 1's largest size, with `--ui plain` and
 * with the TUI drawing into a tmux pseudo terminal; ansible-core's CPU for
 * the same work comes from scenario 1 when it ran (else it is measured here).
 */
import { atLeast, atMost } from '../lib/targets.js';
import { runAnsible, runPlaywatch } from '../lib/runners.js';
import { interleave, pick, type Scenario, type Variant } from '../lib/scenario.js';
import { ratio, summarize } from '../lib/stats.js';
import type { Row } from '../lib/types.js';
import { commandTasks, workspace } from '../lib/workspace.js';
import { sizes } from './throughput.js';

const CPU_MISS = 'profiled (docs/architecture.md, "Controller CPU: where it goes"): per run ~0.2 s of start-up and ~2.2 ms per SSH handshake, then ~0.5 ms per task and host, about half of it ssh2\'s packet path and Node streams and most of the rest the event path (presenter, run.log, events.jsonl, host logs); with the TUI, ink redrawing the whole screen each frame. Taking the deploy lock in the shell session\'s first script (two commands fewer per host) and lighter reporters would close it.';

export const controller: Scenario = {
  name: 'controller',
  title: '3. Controller cost: CPU and peak RSS of playwatch, plain output and TUI',
  inDefault: true,
  fleet: (o) => sizes(o.quick).at(-1)!.hosts,
  estimateS: (o) => {
    const s = sizes(o.quick).at(-1)!;
    return o.runs * 2 * (1 + s.hosts * s.tasks * 0.008);
  },
  async run(ctx) {
    const { hosts, tasks } = sizes(ctx.opts.quick).at(-1)!;
    const label = `${hosts}×${tasks}`;
    const ws = await workspace(ctx.fleetDir, { names: hosts });
    try {
      const playbook = ws.playbook('true.yml', commandTasks(tasks));
      const variants: Variant[] = [
        { name: 'plain', runs: ctx.opts.runs, once: () => runPlaywatch(ws, playbook, hosts) },
        { name: 'tui', runs: ctx.opts.runs, once: () => runPlaywatch(ws, playbook, hosts, { tty: true }) },
      ];
      let ansibleCpu = ctx.shared.get(`cpu ${label} ansible defaults`);
      if (!ansibleCpu?.length && ctx.ansible) variants.push({ name: 'ansible', runs: ctx.opts.ansibleRuns, once: () => runAnsible(ws, playbook, hosts, 'defaults') });
      const runs = await interleave(ctx, `controller ${label}`, variants);
      if (runs.get('ansible')?.length) ansibleCpu = pick(runs.get('ansible'), (m) => m.cpuMs);
      const per = hosts * tasks;
      const rows: Row[] = [];
      const sc = 'controller';
      for (const ui of ['plain', 'tui'] as const) {
        const cpu = summarize(pick(runs.get(ui), (m) => m.cpuMs / per));
        rows.push({ scenario: sc, measure: `${label} --ui ${ui}: CPU per task and host`, unit: 'ms', figure: cpu, target: atMost(1.0, '≤ 1.0 ms', CPU_MISS) });
        rows.push({
          scenario: sc, measure: `${label} --ui ${ui}: peak RSS`, unit: 'MB', figure: summarize(pick(runs.get(ui), (m) => m.rssMB)),
          target: atMost(150, '≤ 150 MB', 'Node\'s own heap and ssh2\'s buffers per connection; fewer retained event objects per host would close it.'),
        });
      }
      const pwCpu = summarize(pick(runs.get('plain'), (m) => m.cpuMs / 1000));
      const an = summarize((ansibleCpu ?? []).map((x) => x / 1000));
      rows.push({ scenario: sc, measure: `${label} playwatch CPU (plain)`, unit: 's', figure: pwCpu });
      rows.push({ scenario: sc, measure: `${label} ansible-playbook defaults CPU`, unit: 's', figure: an, ...(an ? {} : { note: 'not installed' }) });
      rows.push({
        scenario: sc, measure: `${label} ansible CPU ÷ playwatch CPU`, unit: '×', figure: ratio(an, pwCpu), derived: true, ...(an ? {} : { note: '—' }),
        target: atLeast(30, '≥ 30×', `playwatch's fixed cost (Node start-up, module loading, one SSH handshake per host) weighs more at few tasks per host; ${CPU_MISS}`),
      });
      return rows;
    } finally {
      ws.close();
    }
  },
};
