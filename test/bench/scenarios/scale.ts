/**
 * Scenario 5, scale: 500 inventory names × 5 tasks over 100 sshd (5 names
 * each, each name its own connection and deploy lock), and 2,000 names (20
 * each): wall, peak RSS, most file descriptors held, CPU per task and host.
 * A 60 s connection timeout: hundreds of handshakes at once on a busy
 * 2-core machine (sshd's side included) can take longer than the default 10 s.
 */
import { atMost } from '../lib/targets.js';
import { runPlaywatch } from '../lib/runners.js';
import { interleave, pick, type Scenario } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';
import type { Row, Target } from '../lib/types.js';
import { commandTasks, workspace } from '../lib/workspace.js';

const TASKS = 5;
const plan = (quick: boolean) =>
  quick
    ? { sshds: 20, sizes: [{ names: 100, rss: 200, cpu: 1.6 }, { names: 200, rss: 400 }] }
    : { sshds: 100, sizes: [{ names: 500, rss: 200, cpu: 1.6 }, { names: 2000, rss: 400 }] };

export const scale: Scenario = {
  name: 'scale',
  title: '5. Scale: many inventory names × 5 tasks sharing the fleet\'s sshd',
  inDefault: true,
  fleet: (o) => plan(o.quick).sshds,
  estimateS: (o) => plan(o.quick).sizes.reduce((t, s) => t + o.runs * (1 + s.names * TASKS * 0.006), 0),
  async run(ctx) {
    const p = plan(ctx.opts.quick);
    const rows: Row[] = [];
    for (const s of p.sizes) {
      const ws = await workspace(ctx.fleetDir, { names: s.names, sshds: p.sshds });
      try {
        const playbook = ws.playbook('true.yml', commandTasks(TASKS));
        const label = `${s.names}×${TASKS}`;
        const runs = (await interleave(ctx, `scale ${label}`, [{ name: 'playwatch', runs: ctx.opts.runs, once: () => runPlaywatch(ws, playbook, s.names, { fds: true, args: ['--timeout', '60'] }) }])).get('playwatch');
        const sc = 'scale';
        const cpuTarget: Target | undefined = s.cpu
          ? atMost(s.cpu, `≤ ${s.cpu} ms`, 'the SSH handshake alone is ~5 ms of CPU per connection (a bare ssh2 program needs ~0.9 ms per task and host here); the rest is V8 compiling, the event path and module loading (docs/architecture.md, "Controller CPU: where it goes"), which a bundled CLI and a cheaper TUI frame would cut.')
          : undefined;
        rows.push(
          { scenario: sc, measure: `${label} over ${p.sshds} sshd: wall`, unit: 's', figure: summarize(pick(runs, (m) => m.wallMs / 1000)) },
          { scenario: sc, measure: `${label}: CPU per task and host`, unit: 'ms', figure: summarize(pick(runs, (m) => m.cpuMs / (s.names * TASKS))), target: cpuTarget },
          {
            scenario: sc, measure: `${label}: peak RSS`, unit: 'MB', figure: summarize(pick(runs, (m) => m.rssMB)),
            target: atMost(s.rss, `≤ ${s.rss} MB`, 'each connection holds ssh2 state and buffers and each host its events and output tail in memory; smaller per-host state (events folded into counters, shorter tails) would close it.'),
          },
          { scenario: sc, measure: `${label}: most file descriptors`, unit: 'fds', figure: summarize(pick(runs, (m) => m.fds)) },
        );
      } finally {
        ws.close();
      }
    }
    return rows;
  },
};
