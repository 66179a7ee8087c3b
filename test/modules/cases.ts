/**
 * A data-driven runner for module tests: each case sets up a host's own
 * root, runs one task three times through the engine — `--check` first
 * (it must change nothing and predict the real run's status), then for
 * real (status, result keys, files left, commands spent), then again (the
 * status a second run gives) — on the local transport or over SSH (the
 * in-process ssh2 server). `@R` in a task, a result or a setup stands for
 * the host's root directory, so one table serves both transports.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeProject, runIn, type Files, type TestRun } from '../helpers/run.js';
import { makeFixture, type Fixture } from '../transport/ssh-helpers.js';
import { fleetHosts } from '../fleet/helpers.js';
import { describe, setUp, snapshot, type Entry } from './files-helpers.js';

type Status = 'changed' | 'ok' | 'failed' | 'skipped';

export interface Case {
  name: string;
  setup?: Record<string, Entry>;
  /** The task (one YAML flow line or an indented block) under `- name: case`. */
  task: string;
  status: Status;
  /** Keys the registered result must have (RegExp for strings that vary; `@R` replaced in strings). */
  result?: Record<string, unknown>;
  /** Keys the result must not have. */
  absent?: string[];
  /** The host root afterwards: path → entry, or 'absent'. */
  after?: Record<string, Entry | 'absent'>;
  /** The --check run's status when it differs from the real run's. */
  checked?: Status;
  /** The second run's status when it is not `ok`. */
  again?: Status;
  /** How many commands the real run sends to the host. */
  execs?: number;
  /** More checks on the real run's result (`root` is the host's root). */
  check?: (result: Record<string, unknown>, root: string) => void;
  /** Where ansible-core does otherwise on purpose, and why: the system oracle (test/system/files-oracle.test.ts) leaves that part out. */
  departs?: { check?: string; run?: string };
  /** Controller-side files checked after the real run (path under the project dir → content or 'absent'). */
  controller?: Record<string, string | 'absent'>;
}

/** `fleet`: the first host of the real sshd fleet (test/fleet/fleet.sh, PLAYWATCH_FLEET_DIR). */
export type Transport = 'local' | 'ssh' | 'fleet';

const withRoot = (v: unknown, root: string): unknown => {
  if (typeof v === 'string') return v.split('@R').join(root);
  if (v instanceof RegExp) return new RegExp(v.source.split('@R').join(root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), v.flags);
  if (Array.isArray(v)) return v.map((x) => withRoot(x, root));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [withRoot(k, root), withRoot(x, root)]));
  return v;
};

const playbook = (task: string) => `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: case\n      ${task.split('\n').join('\n      ')}\n`;

function outcome(run: TestRun): { status: string; result: Record<string, unknown> } {
  const e = [...run.of('host.ok'), ...run.of('host.failed'), ...run.of('host.skipped')].find((x) => x.task.name === 'case');
  return { status: run.results('case').h1, result: ((e && 'result' in e ? e.result : undefined) ?? {}) as Record<string, unknown> };
}

/** `actual` holds every key of `want` (nested mappings and list items compared the same way; RegExps match strings). */
export function assertHas(actual: unknown, want: unknown, where: string): void {
  if (want instanceof RegExp) return assert.match(String(actual), want, where);
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(actual) && actual.length === want.length, `${where}: ${JSON.stringify(actual)} has ${want.length} items`);
    want.forEach((w, i) => assertHas((actual as unknown[])[i], w, `${where}[${i}]`));
    return;
  }
  if (want && typeof want === 'object' && !Array.isArray(want)) {
    for (const [k, v] of Object.entries(want)) assertHas((actual as Record<string, unknown> | undefined)?.[k], v, `${where}.${k}`);
    return;
  }
  assert.deepEqual(actual, want, where);
}

/** Registers one test per case for the transport. `project` holds the controller side (files/, templates/…). */
export function runCases(cases: Case[], transport: Transport, project: Files = {}): void {
  let fx: Fixture | undefined;
  if (transport === 'ssh') {
    before(async () => {
      fx = await makeFixture();
    });
    after(async () => {
      await fx?.cleanup();
    });
  }
  const inventory = () => {
    if (transport === 'local') return '[all]\nh1 ansible_connection=local\n';
    if (transport === 'fleet') {
      const host = fleetHosts()[0];
      return `[all]\nh1 ${Object.entries(host.vars).map(([k, v]) => `${k}=${v}`).join(' ')}\n`;
    }
    return `[all]\nh1 ansible_host=127.0.0.1 ansible_port=${fx!.server.port} ansible_user=tester ansible_ssh_private_key_file=${fx!.keyFile} playwatch_known_hosts=${fx!.knownHosts}\n`;
  };

  for (const c of cases) {
    test(`${c.name} (${transport}): --check predicts it, the run does it, a second run is ${c.again ?? 'ok'}`, () => runCase(c, project, inventory()));
  }
}

/**
 * One case on the host `h1` of `inventory` (its root is a fresh directory):
 * check, run, run again, with every assertion of the table. The fleet test
 * runs it on several hosts at once, each with an inventory of its own.
 */
export async function runCase(c: Case, project: Files, inventory: string): Promise<void> {
  const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-mods-'));
  const root = path.join(hostsDir, 'h1');
  setUp(root, withRoot(c.setup ?? {}, root) as Record<string, Entry>);
  const task = withRoot(c.task, root) as string;
  const dir = makeProject({ ...(withRoot(project, root) as Files), 'inventory.ini': inventory, 'site.yml': playbook(task) });
  const before = snapshot(root);

  const check = await runIn(dir, { hostsDir, check: true, diff: true });
  assert.deepEqual(snapshot(root), before, 'check mode changed nothing');
  const real = await runIn(dir, { hostsDir });
  const got = outcome(real);
  assert.equal(got.status, c.status, JSON.stringify(got.result));
  assert.equal(outcome(check).status, c.checked ?? c.status, `check predicted ${JSON.stringify(outcome(check).result)}`);
  if (c.result) assertHas(got.result, withRoot(c.result, root), 'result');
  c.check?.(got.result, root);
  for (const k of c.absent ?? []) assert.equal(k in got.result, false, `result has no '${k}'`);
  for (const [rel, want] of Object.entries(c.after ?? {})) assert.deepEqual(describe(root, rel), withRoot(want, root), rel);
  for (const [rel, want] of Object.entries(c.controller ?? {})) {
    const p = path.join(dir, withRoot(rel, root) as string);
    assert.deepEqual(fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : 'absent', withRoot(want, root), `controller ${rel}`);
  }
  if (c.execs !== undefined) {
    assert.equal(real.of('host.command').filter((e) => e.task.name === 'case').length, c.execs, 'commands sent');
  }
  const again = await runIn(dir, { hostsDir });
  assert.equal(outcome(again).status, c.again ?? 'ok', JSON.stringify(outcome(again).result));
}
