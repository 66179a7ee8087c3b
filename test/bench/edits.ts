/**
 * lineinfile, blockinfile and replace: the controller's CPU per edit on a
 * 100-line and a 10,000-line file, and the commands one call sends on the
 * local transport (unchanged and changed). No fleet needed; no assertions
 * (run: node --import tsx test/bench/edits.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EDITS, type EditName } from '../../src/modules/edit/index.js';
import { getModule } from '../../src/modules/index.js';
import { fakeContext } from '../modules/context.js';

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

console.log('controller CPU per edit (pure function)\n');
for (const lines of [100, 10_000]) {
  const content = file(lines);
  for (const [name, args] of CALLS) {
    const edit = () => EDITS[name](content, { path: 'f', ...args });
    const n = lines > 1000 ? 50 : 2000;
    for (let i = 0; i < 10; i++) edit();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) edit();
    const ms = (performance.now() - t0) / n;
    console.log(`${`${name} ${JSON.stringify(args)}`.padEnd(64)} ${String(lines).padStart(6)} lines  ${ms.toFixed(3).padStart(8)} ms`);
  }
}

console.log('\ncommands per call on the local transport (each is one round trip over SSH)\n');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-edits-'));
try {
  for (const [name, args] of CALLS) {
    const target = path.join(dir, `${name}.conf`);
    fs.writeFileSync(target, file(1000));
    const counts: number[] = [];
    for (let i = 0; i < 2; i++) {
      const ctx = fakeContext(name, { path: target, ...args });
      await getModule(name)!.run(ctx);
      counts.push(ctx.commands.length);
    }
    console.log(`${`${name} ${JSON.stringify(args)}`.padEnd(64)} changed: ${counts[0]}  unchanged: ${counts[1]}`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
