/**
 * Start-up: `playwatch --version` against Node's own start (`node -e 0`),
 * interleaved, whole process. Needs dist/ (npm run build).
 */
import path from 'node:path';
import { root } from '../lib/fleet.js';
import { measure } from '../lib/measure.js';
import { interleave, pick, type Scenario } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';

const runsOf = (quick: boolean) => (quick ? 5 : 15);

export const startup: Scenario = {
  name: 'startup',
  title: 'Start-up: playwatch --version against node -e 0',
  inDefault: true,
  fleet: () => 0,
  estimateS: (o) => runsOf(o.quick) * 0.4,
  async run(ctx) {
    const n = runsOf(ctx.opts.quick);
    const runs = await interleave(ctx, 'startup', [
      { name: 'node -e 0', runs: n, once: () => measure(process.execPath, ['-e', '0']) },
      { name: 'playwatch --version', runs: n, once: () => measure(process.execPath, [path.join(root, 'bin/playwatch.js'), '--version']) },
    ]);
    return [...runs].map(([name, ms]) => ({ scenario: 'startup', measure: name, unit: 'ms' as const, figure: summarize(pick(ms, (m) => m.wallMs)) }));
  },
};
