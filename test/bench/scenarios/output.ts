/**
 * Scenario 6, output volume: one task printing 50 MB (100-byte lines) on 5
 * hosts. The run record gets everything; memory should keep only a tail.
 */
import { atMost } from '../lib/targets.js';
import { runPlaywatch } from '../lib/runners.js';
import { interleave, pick, type Scenario } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';
import { workspace } from '../lib/workspace.js';

const HOSTS = 5;
const megabytes = (quick: boolean) => (quick ? 5 : 50);

export const output: Scenario = {
  name: 'output',
  title: '6. Output volume: one task printing many MB on 5 hosts',
  inDefault: true,
  fleet: () => HOSTS,
  estimateS: (o) => o.runs * (1 + megabytes(o.quick) * 0.2),
  async run(ctx) {
    const mb = megabytes(ctx.opts.quick);
    const ws = await workspace(ctx.fleetDir, { names: HOSTS });
    try {
      const line = 'x'.repeat(99);
      const playbook = ws.playbook('output.yml', [`- name: print ${mb} MB\n  shell: yes ${line} | head -c ${mb * 1_000_000}`]);
      const runs = (await interleave(ctx, `output ${mb} MB × ${HOSTS}`, [{ name: 'playwatch', runs: ctx.opts.runs, once: () => runPlaywatch(ws, playbook, HOSTS) }])).get('playwatch');
      const sc = 'output';
      return [
        { scenario: sc, measure: `${mb} MB × ${HOSTS} hosts: wall`, unit: 's', figure: summarize(pick(runs, (m) => m.wallMs / 1000)) },
        {
          scenario: sc, measure: `${mb} MB × ${HOSTS} hosts: peak RSS`, unit: 'MB', figure: summarize(pick(runs, (m) => m.rssMB)),
          target: atMost(150, '≤ 150 MB', 'output kept in memory beyond the tail (the result\'s stdout is held whole for register); capping what a result keeps in memory while the record streams everything would close it.'),
        },
      ];
    } finally {
      ws.close();
    }
  },
};
