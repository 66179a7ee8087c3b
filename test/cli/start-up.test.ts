/**
 * `playwatch run` loads the code a run needs and no more: every file costs
 * the ESM loader a resolution and a read, and all of it was most of
 * start-up's CPU (docs/architecture.md, "Controller CPU"). Each probe runs
 * in a fresh process and lists the source files it loaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `body` (ESM, top-level await) after a loader hook that records each URL loaded; returns the `src/` files, relative. */
function loadedBy(body: string): string[] {
  const probe = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const urls = [];
port1.on('message', (u) => urls.push(u));
register('data:text/javascript,' + encodeURIComponent('let port; export function initialize(d) { port = d.port; } export async function load(url, ctx, next) { port.postMessage(url); return next(url, ctx); }'),
  { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });
${body}
// The hook runs on the loader's thread: give its last messages time to arrive.
await new Promise((r) => setTimeout(r, 100));
port1.close();
console.log(JSON.stringify(urls));
`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const urls: string[] = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return urls.filter((u) => u.startsWith('file:') && fileURLToPath(u).startsWith(path.join(ROOT, 'src') + path.sep))
    .map((u) => path.relative(path.join(ROOT, 'src'), fileURLToPath(u)).replace(/\.tsx?$/, ''));
}

/** The module files the catalog loads on demand (modules/<file>). */
const MODULE_FILES = [...fs.readFileSync(path.join(ROOT, 'src/modules/catalog.ts'), 'utf8').matchAll(/import\('\.\/([\w-]+)\.js'\)/g)].map((m) => `modules/${m[1]}`);

test('the catalog names every module file it loads', () => {
  assert.ok(MODULE_FILES.length >= 50, `${MODULE_FILES.length} files`);
  for (const f of MODULE_FILES) assert.ok(fs.existsSync(path.join(ROOT, 'src', `${f}.ts`)), f);
});

test("loading `playwatch run`'s code loads no module's code", () => {
  const loaded = loadedBy(`await import('./src/cli/run-command.ts');`);
  assert.ok(loaded.includes('cli/run-command') && loaded.includes('modules/index'), loaded.join(' '));
  assert.deepEqual(loaded.filter((f) => MODULE_FILES.includes(f)), []);
});

test('reading a playbook loads the code of the modules it names and of no other', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-start-'));
  const file = path.join(dir, 'site.yml');
  fs.writeFileSync(file, '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: /bin/true\n    - ansible.builtin.debug: {msg: hi}\n');
  const loaded = loadedBy(`
const { readPlaybook } = await import('./src/playbook/index.ts');
const { moduleInfo } = await import('./src/modules/index.ts');
await readPlaybook(${JSON.stringify(file)}, { modules: moduleInfo });`);
  const modules = loaded.filter((f) => MODULE_FILES.includes(f));
  for (const want of ['modules/command', 'modules/debug']) assert.ok(modules.includes(want), `${want} in ${modules.join(' ')}`);
  for (const not of ['modules/get-url', 'modules/setup', 'modules/copy', 'modules/apt']) assert.ok(!modules.includes(not), `${not} in ${modules.join(' ')}`);
});
