/**
 * The module case tables (test/modules/tables/) run through ansible-core
 * 2.14 and through playwatch on the same trees: every case's status in
 * check mode, for real and on a second run, the files it leaves, and the
 * result keys its row names must agree (where a row says a value varies,
 * only its presence). A row's `departs` names what playwatch does
 * otherwise on purpose. One playbook per engine and pass, every case a
 * task on its own root. Needs ansible-core: fails without it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Files } from '../helpers/run.js';
import { localProject, runAnsible, runPlaywatch, type Seen } from './oracle.js';
import type { Case } from '../modules/cases.js';
import { setUp, snapshot, type Entry } from '../modules/files-helpers.js';
import * as command from '../modules/tables/command.js';
import * as script from '../modules/tables/script.js';
import * as transfer from '../modules/tables/transfer.js';
import * as find from '../modules/tables/find.js';
import * as assemble from '../modules/tables/assemble.js';
import * as unarchive from '../modules/tables/unarchive.js';

const TABLES: Array<{ CASES: Case[]; PROJECT?: Files }> = [command, script, transfer, find, assemble, unarchive];
const CASES = TABLES.flatMap((t) => t.CASES);
const PROJECT: Files = Object.assign({}, ...TABLES.map((t) => t.PROJECT ?? {}));

type Results = Map<string, Seen>;

const withRoot = (s: string, root: string) => s.split('@R').join(root);

function playbookText(cases: Case[], roots: string[]): string {
  const tasks = cases.map((c, i) => `    - name: case ${i}\n      ignore_errors: true\n      ${withRoot(c.task, roots[i]).split('\n').join('\n      ')}\n`);
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.join('')}`;
}

function prepare(cases: Case[], roots: string[]): void {
  cases.forEach((c, i) => {
    fs.rmSync(roots[i], { recursive: true, force: true });
    const setup = JSON.parse(withRoot(JSON.stringify(c.setup ?? {}), roots[i])) as Record<string, Entry>;
    setUp(roots[i], setup);
  });
}

/** A value with the engine's own directories named alike, and the names that vary from run to run (backups, temp files) masked. */
function normal(v: unknown, dirs: [string, string][]): unknown {
  let s = JSON.stringify(v ?? null);
  for (const [dir, name] of dirs) s = s.split(dir).join(name);
  s = s.replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~/g, '.<backup>~').replace(/((?:^|\/|")(?:pw|ansible)\.)[A-Za-z0-9_]{8}/g, '$1<random>');
  return JSON.parse(s);
}

/** The part of `v` that `want` speaks of: its keys (and list items) only, RegExps standing for values that vary. */
function project(v: unknown, want: unknown): unknown {
  if (want instanceof RegExp) return '<varies>';
  if (Array.isArray(want)) return Array.isArray(v) ? v.map((x, i) => project(x, want[i] ?? want[want.length - 1])) : v;
  if (want && typeof want === 'object') {
    if (!v || typeof v !== 'object') return v;
    return Object.fromEntries(Object.keys(want).map((k) => [k, project((v as Record<string, unknown>)[k], (want as Record<string, unknown>)[k])]));
  }
  return v;
}

interface EngineRun {
  check: Results;
  run: Results;
  again: Results;
  trees: Record<string, string>[];
  dirs: [string, string][];
}

async function runEngine(engine: 'ansible' | 'playwatch', base: string): Promise<EngineRun> {
  const roots = CASES.map((_, i) => path.join(base, engine, `r${i}`));
  const project = path.join(base, `${engine}-project`);
  fs.renameSync(localProject(playbookText(CASES, roots), PROJECT, 'h1').dir, project);
  const pass = async (check: boolean): Promise<Results> => {
    const run = engine === 'ansible' ? runAnsible({ dir: project }, { check }) : runPlaywatch({ dir: project }, { check, hostsDir: path.join(base, 'playwatch-hosts') });
    return (await run).tasks;
  };
  prepare(CASES, roots);
  const check = await pass(true);
  prepare(CASES, roots);
  const run = await pass(false);
  const trees = roots.map((r) => snapshot(r));
  const again = await pass(false);
  return { check, run, again, trees, dirs: [[path.join(base, engine), '@ROOTS'], [project, '@PROJECT']] };
}

test('every module case does on playwatch what it does on ansible-core (status in check mode, for real and again; files; result keys)', async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-files-oracle-'));
  const a = await runEngine('ansible', base);
  const p = await runEngine('playwatch', base);
  const problems: string[] = [];
  CASES.forEach((c, i) => {
    const key = `case ${i}`;
    const status = (r: Results) => String(r.get(key)?.status);
    for (const [engine, r] of [['ansible-core', a], ['playwatch', p]] as const) {
      if (!r.check.has(key) || !r.run.has(key) || !r.again.has(key)) problems.push(`${c.name}: no result from ${engine}`);
    }
    if (!c.departs?.check && status(p.check) !== status(a.check)) problems.push(`${c.name}: check mode ${status(p.check)}, ansible-core ${status(a.check)}`);
    if (c.departs?.run) return;
    if (status(p.run) !== status(a.run)) problems.push(`${c.name}: ${status(p.run)}, ansible-core ${status(a.run)}: ${JSON.stringify(a.run.get(key)?.result.msg)}`);
    if (status(p.again) !== status(a.again)) problems.push(`${c.name}: second run ${status(p.again)}, ansible-core ${status(a.again)}`);
    const treeA = JSON.stringify(normal(a.trees[i], a.dirs));
    const treeP = JSON.stringify(normal(p.trees[i], p.dirs));
    if (treeA !== treeP) problems.push(`${c.name}: files ${treeP}, ansible-core ${treeA}`);
    for (const [k, want] of Object.entries(c.result ?? {})) {
      const va = JSON.stringify(project(normal(a.run.get(key)?.result[k], a.dirs), want));
      const vp = JSON.stringify(project(normal(p.run.get(key)?.result[k], p.dirs), want));
      if (va !== vp) problems.push(`${c.name}: ${k} ${vp}, ansible-core ${va}`);
    }
  });
  assert.deepEqual(problems, []);
});
