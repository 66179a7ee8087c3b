/**
 * Start-up: `playwatch --version` against Node's own start (`node -e 0`),
 * each run STARTUP_RUNS times (default 20), interleaved; median and best.
 * Needs dist/ (npm run build). Compare another build with
 * STARTUP_OTHER=/path/to/other/bin/playwatch.js.
 *
 *   npm run build && npm run bench startup
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './lib/fleet.js';

const RUNS = Number(process.env.STARTUP_RUNS ?? 20);
const bin = path.join(root, 'bin/playwatch.js');
if (!fs.existsSync(path.join(root, 'dist/cli/main.js'))) {
  console.log('skipped: dist/ not built (npm run build)');
  process.exit(0);
}
const subjects: [string, string[]][] = [
  ['node -e 0', ['-e', '0']],
  ['playwatch --version', [bin, '--version']],
  ...(process.env.STARTUP_OTHER ? [[`other --version`, [process.env.STARTUP_OTHER, '--version']] as [string, string[]]] : []),
];
const times = subjects.map(() => [] as number[]);
for (let i = 0; i < RUNS; i++) {
  subjects.forEach(([, args], k) => {
    const t0 = performance.now();
    spawnSync(process.execPath, args, { stdio: 'ignore' });
    times[k].push(performance.now() - t0);
  });
}
subjects.forEach(([name], k) => {
  const xs = times[k].sort((a, b) => a - b);
  console.log(`${name.padEnd(22)} median ${xs[Math.floor(xs.length / 2)].toFixed(0)} ms, best ${xs[0].toFixed(0)} ms (${RUNS} runs)`);
});
