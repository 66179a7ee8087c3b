/**
 * Scenario 4, TUI: frame time and CPU of the live view for 500 and 2,000
 * hosts × 20 tasks of events, rendered by the real ink tree into a fake
 * terminal (no fleet): at full speed (every frame timed, React and ink) and
 * paced like a fast deploy (CPU as a share of one core). Each measurement is
 * a process of its own (tui-child.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, type Measured } from '../lib/measure.js';
import { atMost } from '../lib/targets.js';
import { interleave, type Scenario, type Variant } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';
import type { Row } from '../lib/types.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tui-child.ts');
const plan = (quick: boolean) => (quick ? { tasks: 5, sizes: [2000] } : { tasks: 20, sizes: [500, 2000] });

interface TuiFigures { medianFrameMs: number; cpuShare: number }

async function once(mode: 'full' | 'paced', hosts: number, tasks: number): Promise<Measured & Partial<TuiFigures>> {
  const m = await measure(process.execPath, ['--import', import.meta.resolve('tsx'), child, mode, String(hosts), String(tasks)]);
  try {
    return { ...m, ...(JSON.parse(m.tail.split('\n').filter((l) => l.startsWith('{')).pop() ?? '') as TuiFigures) };
  } catch {
    return { ...m, ok: false };
  }
}

export const tui: Scenario = {
  name: 'tui',
  title: '4. TUI: frame time and CPU of the live view (no fleet)',
  inDefault: true,
  fleet: () => 0,
  estimateS: (o) => plan(o.quick).sizes.reduce((t, n) => t + o.runs * (4 + plan(o.quick).tasks * 0.25 + (n * plan(o.quick).tasks) / 4000), 0),
  async run(ctx) {
    const { tasks, sizes } = plan(ctx.opts.quick);
    const variants: Variant[] = sizes.flatMap((n) => [
      { name: `${n} full`, runs: ctx.opts.runs, once: () => once('full', n, tasks) },
      { name: `${n} paced`, runs: ctx.opts.runs, once: () => once('paced', n, tasks) },
    ]);
    const runs = await interleave(ctx, 'tui', variants);
    const get = (name: string, f: (x: Partial<TuiFigures>) => number | undefined) =>
      summarize((runs.get(name) ?? []).map((m) => f(m as Partial<TuiFigures>)).filter((x): x is number => x !== undefined));
    const sc = 'tui';
    const rows: Row[] = [];
    for (const n of sizes) {
      const big = n >= 2000;
      rows.push(
        {
          scenario: sc, measure: `${n}×${tasks} full speed: median frame (React + ink)`, unit: 'ms', figure: get(`${n} full`, (x) => x.medianFrameMs),
          ...(big ? { target: atMost(16, '≤ 16 ms', 'a frame re-derives the visible rows from every host\'s state; keeping the screen\'s rows incrementally (only hosts that changed) would close it.') } : {}),
        },
        { scenario: sc, measure: `${n}×${tasks} paced: median ink frame`, unit: 'ms', figure: get(`${n} paced`, (x) => x.medianFrameMs) },
        {
          scenario: sc, measure: `${n}×${tasks} paced: CPU share of one core`, unit: '%', figure: get(`${n} paced`, (x) => (x.cpuShare === undefined ? undefined : x.cpuShare * 100)),
          ...(big ? { target: atMost(15, '≤ 15 %', 'reducing each event into the store costs per host; batching events between frames and drawing fewer frames when nothing visible changed would close it.') } : {}),
        },
      );
    }
    return rows;
  },
};
