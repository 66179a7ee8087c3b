/**
 * `npm run bench`: runs every benchmark script in this folder (or the ones
 * named on the command line) one after another and prints their figures.
 * Benchmarks print; they never pass or fail on time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const scripts = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => !wanted.length || wanted.some((w) => f.includes(w)))
  .sort();

let failed = 0;
for (const script of scripts) {
  process.stdout.write(`\n== ${script}\n`);
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(here, script)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
