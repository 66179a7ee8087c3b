import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makeProject, runProject } from '../helpers/run.js';
import { loadPlaybook } from '../../src/playbook/index.js';
import { loadInventory } from '../../src/inventory/index.js';
import { loadModules, moduleInfo } from '../../src/modules/index.js';

// Every module's code, so the synchronous loader and validate can check args (a run loads only what it names).
await loadModules();

/** A billion laughs: nine levels of nine aliases each, 9^9 strings once expanded; `indent` spaces deep. */
function bomb(indent: number): string {
  const pad = ' '.repeat(indent);
  const lines = [`${pad}l0: &l0 [${Array(9).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < 9; i++) lines.push(`${pad}l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

const PLAY = (vars: string) => `- hosts: all\n  gather_facts: false\n  vars:\n${vars}  tasks:\n    - debug: {msg: hi}\n`;

/** Runs `load` and returns its error message and how long it took. */
function refusal(load: () => unknown): { message: string; ms: number } {
  const started = performance.now();
  try {
    load();
  } catch (err) {
    return { message: (err as Error).message, ms: performance.now() - started };
  }
  assert.fail('the file was read without complaint');
}

const cases: [what: string, files: Record<string, string>, load: (dir: string) => unknown, where: RegExp][] = [
  ['play vars', { 'site.yml': PLAY(bomb(4)) }, (d) => loadPlaybook(path.join(d, 'site.yml'), { rolesPath: [], modules: moduleInfo }), /site\.yml:9:14: excessive aliasing/],
  // The fallback parser (the `yaml` package) reads what the fast path declines: a directive, say.
  ['play vars read by the fallback parser', { 'site.yml': `%YAML 1.1\n---\n${PLAY(bomb(4))}` }, (d) => loadPlaybook(path.join(d, 'site.yml'), { rolesPath: [], modules: moduleInfo }), /site\.yml:11:14: excessive aliasing/],
  ['a YAML inventory', { 'inv.yml': `all:\n  hosts:\n    h1:\n  vars:\n${bomb(4)}` }, (d) => loadInventory([path.join(d, 'inv.yml')], { cwd: d }), /inv\.yml:\d+:\d+: excessive aliasing/],
];

for (const [what, files, load, where] of cases) {
  test(`an alias bomb in ${what} is refused at its place, in well under a second`, () => {
    const dir = makeProject(files);
    const r = refusal(() => load(dir));
    assert.match(r.message, where);
    assert.ok(r.ms < 1000, `took ${Math.round(r.ms)} ms`);
  });
}

// Read when the run reaches them: the run stops with the error before any task.
const atRun: [what: string, files: Record<string, string>, where: RegExp][] = [
  ['vars_files', { 'site.yml': '- hosts: web1\n  gather_facts: false\n  vars_files: [v.yml]\n  tasks: [{debug: {msg: hi}}]\n', 'v.yml': bomb(0) }, /v\.yml:6:\d+: excessive aliasing/],
  ['group_vars', { 'site.yml': PLAY(''), 'group_vars/all.yml': bomb(0) }, /all\.yml:\d+:\d+: excessive aliasing/],
];

for (const [what, files, where] of atRun) {
  test(`an alias bomb in ${what} stops the run with a positioned error, in well under a second`, async () => {
    const started = performance.now();
    await assert.rejects(runProject({ files }), (err: Error) => {
      assert.match(err.message, where);
      return true;
    });
    assert.ok(performance.now() - started < 1000);
  });
}

test('an alias bomb read by include_vars fails that task at its place', async () => {
  const run = await runProject({ files: { 'site.yml': '- hosts: web1\n  gather_facts: false\n  tasks:\n    - include_vars: bomb.yml\n', 'bomb.yml': bomb(0) } });
  const [failed] = run.of('host.failed');
  assert.match(String(failed?.result.msg), /bomb\.yml:\d+:\d+: excessive aliasing/);
});
