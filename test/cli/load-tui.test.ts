import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Each case in its own process: React picks its build once per process.
const PROBE = `
import { createRequire } from 'node:module';
import { loadTui } from './src/cli/load-tui.ts';
await loadTui();
// Node's ESM loader pre-parses both builds to find their exports; only the one React chose has run.
const cache = createRequire(import.meta.url).cache;
const build = (name) => Object.keys(cache).some((k) => k.includes(name) && cache[k].loaded);
console.log(JSON.stringify({
  env: Object.prototype.hasOwnProperty.call(process.env, 'NODE_ENV') ? process.env.NODE_ENV : null,
  production: build('react.production'),
  development: build('react.development'),
}));
`;

function probe(nodeEnv: string | undefined): { env: string | null; production: boolean; development: boolean } {
  const env = { ...process.env };
  delete env.NODE_ENV;
  if (nodeEnv !== undefined) env.NODE_ENV = nodeEnv;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], { cwd: ROOT, env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const cases: [string, string | undefined, { env: string | null; production: boolean; development: boolean }][] = [
  ['unset: the production build, and NODE_ENV unset again for the commands tasks run', undefined, { env: null, production: true, development: false }],
  ['set by the operator to development: the development build, and the value kept', 'development', { env: 'development', production: false, development: true }],
  ['set to production: kept', 'production', { env: 'production', production: true, development: false }],
];

for (const [name, nodeEnv, want] of cases) {
  test(`loading the TUI with NODE_ENV ${name}`, () => {
    assert.deepEqual(probe(nodeEnv), want);
  });
}
