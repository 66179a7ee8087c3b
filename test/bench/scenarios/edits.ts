/**
 * lineinfile, blockinfile and replace: the controller's CPU per edit on a
 * 100-line and a 10,000-line file, and the commands one call sends on the
 * local transport (changed, then unchanged). No fleet. Only with --only edits.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EDITS, type EditName } from '../../../src/modules/edit/index.js';
import { loadModule } from '../../../src/modules/index.js';
import { fakeContext } from '../../modules/context.js';
import { atCleanup } from '../lib/cleanup.js';
import type { Scenario } from '../lib/scenario.js';
import { single } from '../lib/stats.js';
import type { Row } from '../lib/types.js';

const CALLS: Array<[EditName, Record<string, unknown>]> = [
  ['lineinfile', { regexp: '^key500=', line: 'key500=changed' }],
  ['lineinfile', { line: 'key9999=value9999' }],
  ['blockinfile', { block: 'a=1\nb=2\n' }],
  ['replace', { regexp: '^(key\\d+)=value', replace: '\\1=v' }],
];

function file(lines: number): string {
  let s = '';
  for (let i = 0; i < lines; i++) s += `key${i}=value${i}\n`;
  return s;
}

export const edits: Scenario = {
  name: 'edits',
  title: 'Edits: lineinfile, blockinfile, replace: controller CPU per edit and commands per call',
  inDefault: false,
  fleet: () => 0,
  estimateS: () => 10,
  async run() {
    const rows: Row[] = [];
    for (const lines of [100, 10_000]) {
      const content = file(lines);
      for (const [name, args] of CALLS) {
        const edit = () => EDITS[name](content, { path: 'f', ...args });
        const n = lines > 1000 ? 50 : 2000;
        for (let i = 0; i < 10; i++) edit();
        const t0 = performance.now();
        for (let i = 0; i < n; i++) edit();
        rows.push({ scenario: 'edits', measure: `${name} ${JSON.stringify(args)}, ${lines} lines: CPU per edit`, unit: 'ms', figure: single((performance.now() - t0) / n) });
      }
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-edits-'));
    const remove = atCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
    try {
      for (const [name, args] of CALLS) {
        const target = path.join(dir, `${name}.conf`);
        fs.writeFileSync(target, file(1000));
        for (const state of ['changed', 'unchanged']) {
          const ctx = fakeContext(name, { path: target, ...args });
          await (await loadModule(name))!.run(ctx);
          rows.push({ scenario: 'edits', measure: `${name} ${JSON.stringify(args)}, ${state}: commands per call`, unit: 'n', figure: single(ctx.commands.length) });
        }
      }
    } finally {
      remove();
    }
    return rows;
  },
};
