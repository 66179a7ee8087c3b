/**
 * One playbook through ansible-playbook and through playwatch, read the same
 * way: the harness of every system test that holds playwatch to ansible-core.
 *
 * - `runAnsible` runs ansible-playbook with the callback plugin the package
 *   ships (ansible/callback/), `runPlaywatch` runs playwatch's engine in this
 *   process; both give an EngineRun: every task start and each host's final
 *   result in order, the result of each task by name, the recap per host.
 * - `ansibleText` and `playwatchText` run both command lines and give their
 *   exit code and printed output, for tests that compare what each prints.
 * - `localProject` and `fleetProject` write a project (site.yml, files,
 *   an inventory of one host: the local connection, or a host of the sshd
 *   fleet, PLAYWATCH_FLEET_DIR, with its key and known_hosts); `runOn` is
 *   the module oracles' pair (ansible-core local, playwatch over SSH).
 * - `statuses` and `differences` put two runs side by side.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../src/events/index.js';
import type { Vars } from '../../src/model/index.js';
import type { Transport } from '../../src/transport/types.js';
import { makeProject, runIn, type Files, type RunSpec } from '../helpers/run.js';
import { fleetDir, fleetHosts } from '../fleet/helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CALLBACKS = path.join(ROOT, 'ansible/callback');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

export type Status = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

/** One host's final result of one task (a loop's summary, not its items). */
export interface Seen {
  host: string;
  status: Status;
  /** A failure ignore_errors (or ignore_unreachable) let pass. */
  ignored: boolean;
  result: Record<string, any>;
}

/** A task (or handler) starting, or a host's result of the task started last; `role` apart from `task`. */
export type Step = { kind: 'start'; task: string; role?: string } | ({ kind: 'result'; task: string; role?: string } & Seen);

export type Recap = Record<string, { ok: number; changed: number; unreachable: number; failed: number; skipped: number; rescued: number; ignored: number }>;

export interface EngineRun {
  steps: Step[];
  /** Each task's result by task name (without its role); the last host's wins. */
  tasks: Map<string, Seen>;
  recap: Recap;
  /** ansible-playbook's printed output, or playwatch's plain output. */
  log: string;
  /** playwatch's commands on the hosts, in order (one per round trip). */
  execs?: string[];
}

type Loose = Record<string, any>;

/** A directory holding a playbook and its inventory; `host` the one host it targets, when one. */
export interface Project {
  dir: string;
  host?: string;
  /** What ansible-playbook needs in its environment to reach the host. */
  env?: NodeJS.ProcessEnv;
}

export interface AnsibleOptions {
  /** Relative to the project (default inventory.ini, site.yml). */
  inventory?: string;
  playbook?: string;
  check?: boolean;
  diff?: boolean;
  extraVars?: Vars;
  /** More command-line arguments. */
  args?: string[];
  /** Added to the environment (env lookups). */
  env?: NodeJS.ProcessEnv;
  /** A run that ends before its recap (a playbook that does not load) is a result, not an error. */
  loadErrorOk?: boolean;
  /** What ansible-playbook reads on stdin (answers to `--step`); none: stdin is closed. */
  input?: string;
}

/** ansible-playbook in the project, its results read from the callback's JSON lines. */
export async function runAnsible(p: Project, o: AnsibleOptions = {}): Promise<EngineRun> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-oracle-'));
  const out = path.join(tmp, 'events.jsonl');
  const args = [
    '-i', o.inventory ?? 'inventory.ini', o.playbook ?? 'site.yml',
    ...(o.check ? ['--check'] : []), ...(o.diff ? ['--diff'] : []),
    ...(o.extraVars ? ['-e', JSON.stringify(o.extraVars)] : []), ...(o.args ?? []),
  ];
  try {
    const env = { ...ANSIBLE_ENV, ...p.env, ...o.env, ANSIBLE_CALLBACK_PLUGINS: CALLBACKS, ANSIBLE_CALLBACKS_ENABLED: 'playwatch', PLAYWATCH_CALLBACK_OUT: out };
    const { out: log } = await spawnText('ansible-playbook', args, p.dir, env, o.input);
    const events: Loose[] = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
    if (!o.loadErrorOk && !events.some((e) => e.type === 'stats')) throw new Error(`ansible-playbook ${args.join(' ')} ended before its recap:\n${log}`);
    return { ...read(events), log };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * What every ansible-playbook of these tests runs with: plain text, no
 * retry files, no warnings about the inventory. Nothing else: the parity
 * corpus reads settings with lookup('config').
 */
const ANSIBLE_ENV = {
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_RETRY_FILES_ENABLED: 'False',
  ANSIBLE_LOCALHOST_WARNING: 'False',
  ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False',
};

/** Besides, on the sshd hosts: no host key prompts (the hosts are this machine), modules piped (the tests are not about ansible-core's speed). */
const FLEET_ENV = { ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_PIPELINING: 'True' };

/** playwatch's engine in this process, in the project (site.yml and inventory.ini unless `spec` says otherwise). */
export async function runPlaywatch(p: Project, spec: Omit<RunSpec, 'files'> = {}): Promise<EngineRun> {
  const execs: string[] = [];
  const wrap = spec.wrapTransport;
  const run = await runIn(p.dir, { ...spec, wrapTransport: (t, host) => counted(wrap ? wrap(t, host) : t, execs) });
  const events = run.events.map(toCallbackShape).filter((e) => e !== undefined);
  return { ...read(events), log: run.plain, execs };
}

/** playwatch's events in the callback's shape: starts, final host results (not items), the stats. */
function toCallbackShape(e: RunEvent): Loose | undefined {
  if (e.type === 'task.start' || e.type === 'handler.start') return { type: e.type, task: e.task };
  if (e.type === 'host.ok' || e.type === 'host.failed' || e.type === 'host.skipped' || e.type === 'host.unreachable') {
    return 'item' in e && e.item !== undefined ? undefined : e;
  }
  if (e.type === 'run.end') {
    const hosts: Loose = {};
    for (const [h, s] of Object.entries(e.stats)) hosts[h] = { ...s, failures: s.failed };
    return { type: 'stats', hosts };
  }
  return undefined;
}

/** The callback's lines (or playwatch's events in their shape) as steps, results by task and the recap. */
function read(events: Loose[]): Omit<EngineRun, 'log'> {
  const steps: Step[] = [];
  const tasks = new Map<string, Seen>();
  let recap: Recap = {};
  for (const e of events) {
    const at = { task: e.task?.name ?? '', ...(e.task?.role ? { role: e.task.role } : {}) };
    if (e.type === 'task.start' || e.type === 'handler.start') steps.push({ kind: 'start', ...at });
    else if (e.type === 'stats') recap = recapOf(e.hosts);
    else if (/^host\.(ok|failed|skipped|unreachable)$/.test(e.type)) {
      const result = e.result ?? {};
      const status = (e.type === 'host.ok' ? (e.changed ? 'changed' : 'ok') : e.type.slice(5)) as Status;
      const seen: Seen = { host: e.host, status, ignored: Boolean(e.ignored), result };
      steps.push({ kind: 'result', ...at, ...seen });
      tasks.set(at.task, seen);
    }
  }
  return { steps, tasks, recap };
}

function recapOf(hosts: Loose): Recap {
  const out: Recap = {};
  for (const [h, s] of Object.entries(hosts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[h] = { ok: s.ok, changed: s.changed, unreachable: s.unreachable, failed: s.failures, skipped: s.skipped, rescued: s.rescued, ignored: s.ignored };
  }
  return out;
}

/** The transport with each command it runs written down. */
function counted(t: Transport, execs: string[]): Transport {
  return {
    host: t.host,
    connect: () => t.connect(),
    exec: (command, opts) => {
      execs.push(command);
      return t.exec(command, opts);
    },
    put: (content, remotePath, mode) => t.put(content, remotePath, mode),
    get: (remotePath) => t.get(remotePath),
    close: () => t.close(),
    ...(t.describe ? { describe: () => t.describe!() } : {}),
  };
}

/** Each task's status, a table easy to read in a failed assertion. */
export function statuses(run: EngineRun): Record<string, string> {
  return Object.fromEntries([...run.tasks].map(([k, v]) => [k, v.status]));
}

/**
 * The differences between two runs, ansible-core's first, on status and on
 * the result keys `keys` names for each task (`?key`: whether the key is
 * there only).
 */
export function differences(a: EngineRun, p: EngineRun, keys: Record<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [task, ra] of a.tasks) {
    const rp = p.tasks.get(task);
    if (!rp) {
      out.push(`${task}: no result from playwatch`);
      continue;
    }
    if (ra.status !== rp.status) out.push(`${task}: status ${rp.status}, ansible-core ${ra.status} (${JSON.stringify(ra.result.msg ?? '')} / ${JSON.stringify(rp.result.msg ?? '')})`);
    for (const k of keys[task] ?? []) {
      const present = k.startsWith('?');
      const name = present ? k.slice(1) : k;
      const va = present ? name in ra.result : ra.result[name];
      const vp = present ? name in rp.result : rp.result[name];
      if (JSON.stringify(va) !== JSON.stringify(vp)) out.push(`${task}: ${name} ${JSON.stringify(vp)}, ansible-core ${JSON.stringify(va)}`);
    }
  }
  for (const task of p.tasks.keys()) if (!a.tasks.has(task)) out.push(`${task}: no result from ansible-core`);
  return out;
}

/** The inventory line of `host` on the local connection. */
export function localInventory(host = 'localhost'): string {
  return `${host} ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n`;
}

/**
 * The inventory line of the fleet host `name` (default the first): how to
 * reach it (address, port, user, key) and its known_hosts, for both
 * engines, and the machine's python.
 */
export function fleetInventory(name?: string, dir = fleetDir): { host: string; text: string } {
  const hosts = fleetHosts(dir);
  const h = name === undefined ? hosts[0] : hosts.find((x) => x.name === name);
  if (!h) throw new Error(`fleet host ${name} not found in ${dir}`);
  const v = h.vars;
  const known = v.playwatch_known_hosts;
  const text =
    `${h.name} ansible_host=${v.ansible_host} ansible_port=${v.ansible_port} ansible_user=${v.ansible_user}` +
    ` ansible_ssh_private_key_file=${v.ansible_ssh_private_key_file} playwatch_known_hosts=${known}` +
    ` ansible_python_interpreter=/usr/bin/python3 "ansible_ssh_common_args=-o UserKnownHostsFile=${known}"\n`;
  return { host: h.name, text };
}

/** A fresh project: `site.yml`, `files`, and an inventory of one fleet host (default the first; the fleet's hosts are this machine) of the fleet in `dir`. */
export function fleetProject(playbook: string, files: Files = {}, host?: string, dir = fleetDir): Project & { host: string } {
  const inv = fleetInventory(host, dir);
  return { dir: makeProject({ ...files, 'site.yml': playbook, 'inventory.ini': inv.text }), host: inv.host, env: FLEET_ENV };
}

/** A fresh project: `site.yml`, `files`, and an inventory of `host` on the local connection. */
export function localProject(playbook: string, files: Files = {}, host = 'localhost'): Project & { host: string } {
  return { dir: makeProject({ ...files, 'site.yml': playbook, 'inventory.ini': localInventory(host) }), host };
}

/**
 * The module oracles' pair: ansible-playbook on the local connection as
 * `host`, or playwatch over SSH to the fleet host `host` (this same machine).
 */
export function runOn(engine: 'ansible' | 'playwatch', playbook: string, host: string, o: { extraVars?: Vars; check?: boolean } = {}): Promise<EngineRun> {
  return engine === 'ansible' ? runAnsible(localProject(playbook, {}, host), o) : runPlaywatch(fleetProject(playbook, {}, host), o);
}

/** Runs a command on this machine (the fleet's hosts are this machine): stdout, or the failure. */
export function sh(script: string): string {
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sh failed (${r.status}): ${script}\n${r.stderr}`);
  return r.stdout;
}

/** A command line's exit code, its stdout, and everything it printed (stdout, then stderr). */
export interface TextRun {
  status: number | null;
  stdout: string;
  out: string;
}

/** ansible-playbook `args` in `dir` with its default output, as a user sees it (on the local connection or the sshd hosts). */
export function ansibleText(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<TextRun> {
  return spawnText('ansible-playbook', args, dir, { ...ANSIBLE_ENV, ...FLEET_ENV, ANSIBLE_FORCE_COLOR: '0', ANSIBLE_STDOUT_CALLBACK: 'default', ...env });
}

/** `playwatch run args` in `dir` (from the sources) with plain output, its runs under `runsDir` (default `<dir>/runs`). */
export function playwatchText(dir: string, args: string[], runsDir = path.join(dir, 'runs')): Promise<TextRun> {
  const argv = ['--import', import.meta.resolve('tsx'), MAIN, 'run', ...args, '--ui', 'plain', '--runs-dir', runsDir];
  return spawnText(process.execPath, argv, dir, { NO_COLOR: '1' });
}

/**
 * A program run without blocking this process (tests serve HTTP from here
 * while ansible-playbook runs). ansible-playbook missing fails with the
 * package to install.
 */
function spawnText(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<TextRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} could not run (install the Debian package ansible-core): ${e.message}`));
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, out: stdout + stderr });
    });
  });
}
