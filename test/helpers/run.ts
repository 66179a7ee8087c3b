import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBus, type Reporter, type RunEvent } from '../../src/events/index.js';
import { RunControl, runPlaybook, type RunOutcome } from '../../src/engine/index.js';
import { hostSource, loadInventory } from '../../src/inventory/index.js';
import { readPlaybook, taskLoader } from '../../src/playbook/index.js';
import { moduleInfo } from '../../src/modules/index.js';
import { createTransport, connectionSpecFromVars } from '../../src/transport/index.js';
import { createPlainPresenter } from '../../src/reporters/plain.js';
import type { Vars, Vault } from '../../src/model/index.js';
import type { Transport } from '../../src/transport/types.js';
import type { LockSettings } from '../../src/engine/lock.js';
import type { StepGate } from '../../src/engine/index.js';

/** Files to write into a fresh project dir: path → content. */
export type Files = Record<string, string>;

export interface TestRun extends RunOutcome {
  events: RunEvent[];
  plain: string;
  dir: string;
  /** Where each host's scratch root is: `<hostsDir>/<host>`. */
  hostsDir: string;
  /** Events of one type, typed. */
  of<K extends RunEvent['type']>(type: K): Extract<RunEvent, { type: K }>[];
  /** What the bus said of reporters that failed while closing. */
  closeWarnings: string[];
  /** `ok|changed|failed|skipped|unreachable` per host for the task with this name. */
  results(taskName: string): Record<string, string>;
}

export interface RunSpec {
  files: Files;
  playbook?: string;
  inventory?: string[];
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  extraVars?: Vars;
  check?: boolean;
  /** `--diff`. */
  diff?: boolean;
  forks?: number;
  control?: RunControl;
  /** Wraps each host's transport (fault injection in tests). */
  wrapTransport?: (t: Transport, host: string) => Transport;
  /** Sees every event as it is emitted (tests steer the run from here). */
  onEvent?: (e: RunEvent) => void;
  startAtTask?: string;
  /** The deploy lock on targets (off unless given). */
  lock?: LockSettings;
  drainTimeoutMs?: number;
  /** Multiplies `delay:` of until loops (default 0.01, so retries are quick). */
  delayScale?: number;
  /** Directory that holds each host's scratch root (default `<dir>/hosts`). */
  hostsDir?: string;
  /** `-v` count: `ansible_verbosity` in the run, and the plain output's verbosity. */
  verbosity?: number;
  /** Config `gathering: smart` (a play's gathering reuses facts gathered earlier in the run). */
  smartGathering?: boolean;
  /** Secret name globs (default DESIGN §12's) and the names taken out again. */
  secrets?: string[];
  secretsIgnore?: string[];
  /** The command line `run.start` carries. */
  argv?: string[];
  /** Side reporters added to the bus after the collector and the plain presenter. */
  reporters?: Reporter[];
  /** Vault passwords for every reader and the engine. */
  vault?: Vault;
  /** `--step`: the operator's answers, asked before each task. */
  step?: StepGate;
}

/**
 * Default inventory: three local hosts, each with its own scratch dir. The
 * deploy lock goes to each host's home (its scratch dir, or the CLI tests'
 * HOME), not the machine's /run/lock, so tests running at once never meet.
 */
export const LOCAL_INVENTORY = `[web]
web1
web2
[db]
db1
[all:vars]
ansible_connection=local
playwatch_lock_path=~/.playwatch/lock
`;

export function makeProject(files: Files): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

/** Runs a playbook for real on the local transport and collects everything. */
export async function runProject(spec: RunSpec): Promise<TestRun> {
  const files = { 'inventory.ini': LOCAL_INVENTORY, ...spec.files };
  return runIn(makeProject(files), spec);
}

/** Runs a playbook in an existing directory (a fixture), hosts in scratch dirs. */
export async function runIn(dir: string, spec: Omit<RunSpec, 'files'>): Promise<TestRun> {
  const hostsDir = spec.hostsDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pw-hosts-'));
  const invPaths = (spec.inventory ?? ['inventory.ini']).map((p) => path.resolve(dir, p));
  const vault = spec.vault;
  const inventory = loadInventory(invPaths, { cwd: dir, vault });
  const playbook = await readPlaybook(path.join(dir, spec.playbook ?? 'site.yml'), { rolesPath: [], modules: moduleInfo, vault });
  const events: RunEvent[] = [];
  let plain = '';
  const bus = new EventBus();
  bus.add({
    name: 'collect',
    onEvent: (e) => {
      events.push(e);
      spec.onEvent?.(e);
    },
  });
  bus.add(createPlainPresenter({ write: (s) => void (plain += s), verbosity: spec.verbosity }));
  for (const r of spec.reporters ?? []) bus.add(r);
  const outcome = await runPlaybook({
    playbook,
    hosts: hostSource(inventory, { cwd: dir, playbookDir: playbook.dir, vault, reload: () => loadInventory(invPaths, { cwd: dir, vault }) }),
    loader: taskLoader({ playbookDir: playbook.dir, modules: moduleInfo, vault }),
    vault,
    limit: spec.limit,
    tags: { only: spec.tags ?? [], skip: spec.skipTags ?? [] },
    extraVars: spec.extraVars ?? {},
    forks: spec.forks ?? 5,
    check: spec.check ?? false,
    diff: spec.diff ?? false,
    gatherDefault: false,
    smartGathering: spec.smartGathering,
    emit: (e) => bus.emit(e),
    transportFor: (host, vars) => {
      const t = createTransport({ ...connectionSpecFromVars(host, vars, dir), root: path.join(hostsDir, host) });
      return spec.wrapTransport ? spec.wrapTransport(t, host) : t;
    },
    control: spec.control ?? new RunControl(),
    delayScale: spec.delayScale ?? 0.01,
    startAtTask: spec.startAtTask,
    step: spec.step,
    lock: spec.lock,
    drainTimeoutMs: spec.drainTimeoutMs,
    verbosity: spec.verbosity,
    secrets: spec.secrets,
    secretsIgnore: spec.secretsIgnore,
    runMeta: { runId: 'test', runDir: path.join(dir, 'run'), argv: spec.argv ?? [] },
  });
  const closeWarnings = await bus.close();
  const of = <K extends RunEvent['type']>(type: K) => events.filter((e) => e.type === type) as Extract<RunEvent, { type: K }>[];
  const results = (taskName: string) => {
    const out: Record<string, string> = {};
    for (const e of events) {
      if (!('task' in e) || !('host' in e) || e.task.name !== taskName || ('item' in e && e.item !== undefined)) continue;
      if (e.type === 'host.ok') out[e.host] = e.changed ? 'changed' : 'ok';
      else if (e.type === 'host.failed') out[e.host] = e.ignored ? 'ignored' : 'failed';
      else if (e.type === 'host.skipped') out[e.host] = 'skipped';
      else if (e.type === 'host.unreachable') out[e.host] = 'unreachable';
    }
    return out;
  };
  return { ...outcome, events, plain, dir, hostsDir, of, results, closeWarnings };
}

/** The debug `msg` each host printed for a task. */
export function debugMsgs(run: TestRun, taskName: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of run.of('host.ok')) if (e.task.name === taskName && e.item === undefined) out[e.host] = e.result.msg;
  return out;
}
