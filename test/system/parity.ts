/**
 * The parity runner: one playbook of test/parity/ under ansible-playbook
 * and under playwatch's engine (both run by ./oracle.ts), at once, against
 * the same host: the local connection, or the first host of the sshd fleet
 * (test/fleet/fleet.sh, PLAYWATCH_FLEET_DIR), each engine with a fresh scratch directory
 * (`parity_tmp`, the same machine's path on the fleet host); then per task
 * and host: the status, the value every `debug` printed (per loop item
 * too), and the recap.
 *
 * A task whose name holds `(shape)` prints values random by nature
 * (password, random_choice): they are compared by type and length. A
 * failed task is compared by status; when its name holds `(msg)`, by its
 * message too (without playwatch's `file:line:col: ` prefix).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as oracle from './oracle.js';
import { fleetInventory, localInventory, type EngineRun, type Seen } from './oracle.js';
import type { StepAnswer } from '../../src/events/types.js';
import type { StepGate } from '../../src/engine/state.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PARITY_DIR = path.join(ROOT, 'test/parity');

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

/** Command-line options of a playbook, from `(parity args: --tags a,b --skip-tags c --start-at-task "name" --step y,n,c)` on its first line. */
export interface ParityArgs {
  tags?: string[];
  skipTags?: string[];
  startAtTask?: string;
  /** `--step`, and the operator's answers in order (y, n or c). */
  step?: string[];
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
    else if (x[1] === 'step') out.step = value.split(',');
    else throw new Error(`${playbook}: unknown parity arg --${x[1]}`);
  }
  return out;
}

function ansibleArgs(a: ParityArgs): string[] {
  return [
    ...(a.tags ? ['--tags', a.tags.join(',')] : []),
    ...(a.skipTags ? ['--skip-tags', a.skipTags.join(',')] : []),
    ...(a.startAtTask ? ['--start-at-task', a.startAtTask] : []),
    ...(a.step ? ['--step'] : []),
  ];
}

const ANSWERS: Record<string, StepAnswer> = { y: 'yes', n: 'no', c: 'continue' };

/** playwatch's `--step` gate answering as the playbook's parity args say, in order; out of answers is an error. */
function stepGate(answers: string[]): StepGate {
  const left = [...answers];
  return async (label) => {
    const a = left.shift();
    if (!a || !ANSWERS[a]) throw new Error(`--step asked about ${label} with no answer left`);
    return ANSWERS[a];
  };
}

/** The engine's options from the parity args (`step` becomes the gate). */
function specOf(a: ParityArgs): Omit<ParityArgs, 'step'> & { step?: StepGate } {
  const { step, ...rest } = a;
  return { ...rest, ...(step ? { step: stepGate(step) } : {}) };
}

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pw-parity-'));
}

/** Where both engines run the playbook. */
export type Connection = 'local' | 'fleet';

/** The inventory of one host: localhost, or the fleet's first host. */
export function inventoryFor(connection: Connection): string {
  return connection === 'local' ? localInventory() : fleetInventory().text;
}

/** Both engines' runs of one playbook, at once (ansible-playbook is a child process, playwatch runs here). */
export async function runBoth(playbook: string, connection: Connection = 'local'): Promise<{ ansible: Outcome; mine: Outcome }> {
  const [ansible, mine] = await Promise.all([runAnsible(playbook, connection), runPlaywatch(playbook, connection)]);
  return { ansible, mine };
}

/** ansible-playbook's run, read from the callback's JSON lines. */
export async function runAnsible(playbook: string, connection: Connection = 'local'): Promise<Outcome> {
  const tmp = scratch();
  const inv = path.join(tmp, 'inventory.ini');
  fs.writeFileSync(inv, inventoryFor(connection));
  const file = path.join(PARITY_DIR, playbook);
  try {
    const a = argsOf(playbook);
    const input = a.step ? a.step.map((x) => `${x}\n`).join('') : undefined;
    const o = { inventory: inv, playbook: file, extraVars: { parity_tmp: tmp }, args: ansibleArgs(a), env: PARITY_ENV, loadErrorOk: true, input };
    const run = await oracle.runAnsible({ dir: path.dirname(file) }, o);
    return { ...fromRun(run, tmp), log: run.log };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
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
    const spec = { playbook: path.basename(file), inventory: [inv], extraVars: { parity_tmp: tmp }, delayScale: 1, ...specOf(argsOf(playbook)) };
    const run = await oracle.runPlaywatch({ dir: path.dirname(file) }, spec);
    return { ...fromRun(run, tmp), log: run.log };
  } catch (e) {
    // A load error: no task ran, as ansible-playbook's run of a playbook it cannot load.
    return { rows: [], recap: {}, log: String(e) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

type Loose = Record<string, any>;

/** Rows by task start (numbered from 1) and host, with what each debug printed. */
function fromRun(run: EngineRun, tmp: string): Omit<Outcome, 'log'> {
  const rows: Row[] = [];
  let n = 0;
  let current = '';
  for (const s of run.steps) {
    if (s.kind === 'start') {
      current = `${++n}. ${s.role ? `${s.role} : ` : ''}${s.task}`;
      continue;
    }
    const row: Row = { task: current, host: s.host, status: statusOf(s) };
    const v = s.status === 'failed' ? failureMessage(s.result, current) : s.status === 'ok' || s.status === 'changed' ? debugValue(s.result) : undefined;
    if (v !== undefined) row.value = normalize(v, tmp, /\(shape\)/.test(current));
    rows.push(row);
  }
  // Hosts finish a task in any order: within a task, rows go by host name.
  const taskNo = (r: Row) => Number(r.task.slice(0, r.task.indexOf('.')));
  rows.sort((a, b) => taskNo(a) - taskNo(b) || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  return { rows, recap: run.recap };
}

function statusOf(s: Seen): string {
  return s.status === 'failed' && s.ignored ? 'failed (ignored)' : s.status;
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
