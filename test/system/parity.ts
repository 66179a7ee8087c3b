/**
 * The parity runner: one playbook of test/parity/ under ansible-playbook
 * (its results read through our callback plugin, ansible/callback/) and
 * under playwatch's engine, at once, against the same host: the local
 * connection, or the first host of the sshd fleet (test/fleet/fleet.sh,
 * PLAYWATCH_FLEET_DIR), each engine with a fresh scratch directory
 * (`parity_tmp`, the same machine's path on the fleet host); then per task
 * and host: the status, the value every `debug` printed (per loop item
 * too), and the recap.
 *
 * A task whose name holds `(shape)` prints values random by nature
 * (password, random_choice): they are compared by type and length. A
 * failed task is compared by status; when its name holds `(msg)`, by its
 * message too (without playwatch's `file:line:col: ` prefix).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../src/events/index.js';
import { runIn } from '../helpers/run.js';
import { fleetDir, fleetHosts } from '../fleet/helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PARITY_DIR = path.join(ROOT, 'test/parity');
const CALLBACKS = path.join(ROOT, 'ansible/callback');

/** Environment both engines see, for the `env` lookups. */
export const PARITY_ENV: Record<string, string> = { PARITY_ONE: 'one', PARITY_TWO: 'two words' };

/** One host's run of one task. */
export interface Row {
  /** `n. name` (the n-th task started, from 1). */
  task: string;
  host: string;
  status: string;
  /** What debug printed: the value, or one per loop item. */
  value?: unknown;
}

export interface Outcome {
  rows: Row[];
  recap: Record<string, Record<string, number>>;
  /** Output that explains a failure to run at all. */
  log: string;
}

/** Every playbook of the corpus, as paths relative to test/parity/. */
export function corpus(): string[] {
  return fs
    .readdirSync(PARITY_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(PARITY_DIR, d.name)).filter((f) => f.endsWith('.yml')).map((f) => `${d.name}/${f}`))
    .sort();
}

/**
 * Whether a playbook runs on this connection: one whose first line says
 * `(parity: local only — reason)` runs on the local connection only
 * (DIFFERENCES.md lists them with their reasons).
 */
export function runsOn(playbook: string, connection: Connection): boolean {
  if (connection === 'local') return true;
  const first = fs.readFileSync(path.join(PARITY_DIR, playbook), 'utf8').split('\n', 1)[0];
  return !/\(parity: local only\b/.test(first);
}

/** Command-line options of a playbook, from `(parity args: --tags a,b --skip-tags c --start-at-task "name")` on its first line. */
export interface ParityArgs {
  tags?: string[];
  skipTags?: string[];
  startAtTask?: string;
}

export function argsOf(playbook: string): ParityArgs {
  const first = fs.readFileSync(path.join(PARITY_DIR, playbook), 'utf8').split('\n', 1)[0];
  const m = /\(parity args: ([^)]*)\)/.exec(first);
  if (!m) return {};
  const out: ParityArgs = {};
  const re = /--([a-z-]+)\s+("([^"]*)"|\S+)/g;
  for (let x = re.exec(m[1]); x; x = re.exec(m[1])) {
    const value = x[3] ?? x[2];
    if (x[1] === 'tags') out.tags = value.split(',');
    else if (x[1] === 'skip-tags') out.skipTags = value.split(',');
    else if (x[1] === 'start-at-task') out.startAtTask = value;
    else throw new Error(`${playbook}: unknown parity arg --${x[1]}`);
  }
  return out;
}

function ansibleArgs(a: ParityArgs): string[] {
  return [
    ...(a.tags ? ['--tags', a.tags.join(',')] : []),
    ...(a.skipTags ? ['--skip-tags', a.skipTags.join(',')] : []),
    ...(a.startAtTask ? ['--start-at-task', a.startAtTask] : []),
  ];
}

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pw-parity-'));
}

/** Where both engines run the playbook. */
export type Connection = 'local' | 'fleet';

const LOCAL_INVENTORY = 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n';

/**
 * The inventory of one host: localhost, or the fleet's first host with what
 * ansible-playbook needs to reach it (the fleet's key and known_hosts).
 */
export function inventoryFor(connection: Connection): string {
  if (connection === 'local') return LOCAL_INVENTORY;
  const host = fleetHosts(fleetDir)[0];
  const v = host.vars;
  const known = v.playwatch_known_hosts;
  return (
    `${host.name} ansible_host=${v.ansible_host} ansible_port=${v.ansible_port} ansible_user=${v.ansible_user}` +
    ` ansible_ssh_private_key_file=${v.ansible_ssh_private_key_file} playwatch_known_hosts=${known}` +
    ` ansible_python_interpreter=/usr/bin/python3 "ansible_ssh_common_args=-o UserKnownHostsFile=${known}"\n`
  );
}

/** Both engines' runs of one playbook, at once (ansible-playbook is a child process, playwatch runs here). */
export async function runBoth(playbook: string, connection: Connection = 'local'): Promise<{ ansible: Outcome; mine: Outcome }> {
  const [ansible, mine] = await Promise.all([runAnsible(playbook, connection), runPlaywatch(playbook, connection)]);
  return { ansible, mine };
}

/** ansible-playbook's run, read from the callback's JSON lines. */
export async function runAnsible(playbook: string, connection: Connection = 'local'): Promise<Outcome> {
  const tmp = scratch();
  const out = path.join(tmp, 'events.jsonl');
  const inv = path.join(tmp, 'inventory.ini');
  fs.writeFileSync(inv, inventoryFor(connection));
  const file = path.join(PARITY_DIR, playbook);
  const res = await spawnText('ansible-playbook', ['-i', inv, file, '-e', `parity_tmp=${tmp}`, ...ansibleArgs(argsOf(playbook))], {
    cwd: path.dirname(file),
    env: {
      ...process.env,
      ...PARITY_ENV,
      ANSIBLE_CALLBACK_PLUGINS: CALLBACKS,
      ANSIBLE_CALLBACKS_ENABLED: 'playwatch',
      PLAYWATCH_CALLBACK_OUT: out,
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_RETRY_FILES_ENABLED: 'False',
      ANSIBLE_LOCALHOST_WARNING: 'False',
      ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False',
    },
  });
  if (res.error) throw new Error(`ansible-playbook could not run (install the Debian package ansible-core): ${res.error.message}`);
  const events = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  const outcome = fromEvents(events, tmp);
  fs.rmSync(tmp, { recursive: true, force: true });
  return { ...outcome, log: res.stdout + res.stderr };
}

interface Spawned {
  stdout: string;
  stderr: string;
  code: number | null;
  error?: Error;
}

function spawnText(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Spawned> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => resolve({ stdout, stderr, code: null, error }));
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

/** playwatch's run: the engine in this process. */
export async function runPlaywatch(playbook: string, connection: Connection = 'local'): Promise<Outcome> {
  const tmp = scratch();
  const inv = path.join(tmp, 'inventory.ini');
  fs.writeFileSync(inv, inventoryFor(connection));
  const file = path.join(PARITY_DIR, playbook);
  // Set for the process's life, not per run: runs overlap (the suite runs a few at once).
  Object.assign(process.env, PARITY_ENV);
  try {
    const run = await runIn(path.dirname(file), { playbook: path.basename(file), inventory: [inv], extraVars: { parity_tmp: tmp }, delayScale: 1, ...argsOf(playbook) });
    const events = run.events.map(toCallbackShape).filter((e) => e !== undefined);
    const outcome = fromEvents(events, tmp);
    return { ...outcome, log: run.plain };
  } catch (e) {
    // A load error: no task ran, as ansible-playbook's run of a playbook it cannot load.
    return { rows: [], recap: {}, log: String(e) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

type Loose = Record<string, any>;

/** playwatch's events in the callback's shape (items, the final per-host result, the stats). */
function toCallbackShape(e: RunEvent): Loose | undefined {
  const x = e as Loose;
  if (e.type === 'task.start' || e.type === 'handler.start') return { type: 'task.start', task: { name: x.task?.name ?? x.name, role: x.task?.role } };
  if (e.type === 'host.ok' || e.type === 'host.failed' || e.type === 'host.skipped' || e.type === 'host.unreachable') {
    if (x.item !== undefined) return undefined;
    return { ...x, type: e.type };
  }
  if (e.type === 'run.end') {
    const hosts: Loose = {};
    for (const [h, s] of Object.entries(x.stats as Loose)) hosts[h] = { ...s, failures: s.failed };
    return { type: 'stats', hosts };
  }
  return undefined;
}

function fromEvents(events: Loose[], tmp: string): Omit<Outcome, 'log'> {
  const rows: Row[] = [];
  let recap: Outcome['recap'] = {};
  let n = 0;
  let current = '';
  for (const e of events) {
    if (e.type === 'task.start' || e.type === 'handler.start') current = `${++n}. ${e.task.role ? `${e.task.role} : ` : ''}${e.task.name}`;
    else if (e.type === 'stats') recap = normalizeRecap(e.hosts);
    else if (e.type.startsWith('host.')) {
      const row: Row = { task: current, host: e.host, status: statusOf(e) };
      const result = e.result ?? {};
      const v = e.type === 'host.failed' ? failureMessage(result, current) : e.type === 'host.ok' ? debugValue(result) : undefined;
      if (v !== undefined) row.value = normalize(v, tmp, /\(shape\)/.test(current));
      rows.push(row);
    }
  }
  // Hosts finish a task in any order: within a task, rows go by host name.
  const taskNo = (r: Row) => Number(r.task.slice(0, r.task.indexOf('.')));
  rows.sort((a, b) => taskNo(a) - taskNo(b) || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  return { rows, recap };
}

function statusOf(e: Loose): string {
  if (e.type === 'host.ok') return e.changed ? 'changed' : 'ok';
  if (e.type === 'host.failed') return e.ignored ? 'failed (ignored)' : 'failed';
  return e.type.slice(5);
}

function failureMessage(result: Loose, task: string): unknown {
  // PARITY_ALL_MSG (test/system/parity-one.ts -m): every failure's message, to see why while writing a playbook.
  if ((!/\(msg\)/.test(task) && !process.env.PARITY_ALL_MSG) || typeof result.msg !== 'string') return undefined;
  return result.msg.replace(/^\S+:\d+:\d+: /, '');
}

/** What a debug result printed: `msg`, or the variable `var=` named; per item for a loop. */
function debugValue(result: Loose): unknown {
  // An include's result is not something debug printed.
  if ('include' in result || (Array.isArray(result.results) && result.results.some((r: Loose) => 'include' in r))) return undefined;
  if (Array.isArray(result.results)) {
    const items = result.results.map((r: Loose) => (r.skipped ? '<skipped>' : debugValue(r)));
    return items.some((v: unknown) => v !== undefined) ? items : undefined;
  }
  if (result.failed || result.skipped) return undefined;
  if ('msg' in result) return result.msg;
  // Fact gathering's result is the facts (named ansible_*), not something debug printed; set_fact's are compared.
  if (Object.keys(result.ansible_facts ?? {}).some((k) => k.startsWith('ansible_'))) return undefined;
  const keys = Object.keys(result).filter((k) => !IGNORED_KEYS.has(k) && !k.startsWith('_ansible'));
  if (keys.length === 1) return { [keys[0]]: result[keys[0]] };
  return undefined;
}

/** Keys of a result that are not what debug printed. */
const IGNORED_KEYS = new Set([
  'changed', 'failed', 'skipped', 'item', 'ansible_loop_var', 'ansible_index_var', 'ansible_loop', 'invocation', 'skip_reason',
  'skipped_reason', 'false_condition', 'attempts', 'results', 'msg', 'include', 'include_args', 'diff',
]);

function normalize(v: unknown, tmp: string, shape: boolean): unknown {
  if (typeof v === 'string') {
    const s = v.split(tmp).join('<tmp>');
    return shape ? `<${s.length} chars>` : s;
  }
  if (Array.isArray(v)) return v.map((x) => normalize(x, tmp, shape));
  // Mappings compare by content: the template engine hands back mappings with sorted keys.
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, normalize(x, tmp, shape)]));
  }
  return v;
}

function normalizeRecap(hosts: Loose): Outcome['recap'] {
  const out: Outcome['recap'] = {};
  for (const [h, s] of Object.entries(hosts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[h] = { ok: s.ok, changed: s.changed, unreachable: s.unreachable, failed: s.failures, skipped: s.skipped, rescued: s.rescued, ignored: s.ignored };
  }
  return out;
}

/** The differences between two outcomes, as table lines (empty when equal). */
export function differences(ansible: Outcome, mine: Outcome): string[] {
  const lines: string[] = [];
  const n = Math.max(ansible.rows.length, mine.rows.length);
  const show = (r?: Row) => (r ? `${r.status}${r.value !== undefined ? ' ' + JSON.stringify(r.value) : ''}` : '(none)');
  for (let i = 0; i < n; i++) {
    const a = ansible.rows[i];
    const b = mine.rows[i];
    const same = a && b && a.task === b.task && a.host === b.host && a.status === b.status && JSON.stringify(a.value) === JSON.stringify(b.value);
    if (same) continue;
    lines.push(`| ${a?.task ?? b?.task} | ${a?.host ?? b?.host} | ansible: ${show(a)} | playwatch: ${b && a && b.task !== a.task ? `[${b.task}] ` : ''}${show(b)} |`);
  }
  if (JSON.stringify(ansible.recap) !== JSON.stringify(mine.recap)) {
    lines.push(`| PLAY RECAP | | ansible: ${JSON.stringify(ansible.recap)} | playwatch: ${JSON.stringify(mine.recap)} |`);
  }
  return lines;
}
