/**
 * The parity runner: one playbook of test/parity/ under ansible-playbook
 * (its results read through our callback plugin, ansible/callback/) and
 * under playwatch's engine, both on the local connection, each with a fresh
 * scratch directory (`parity_tmp`); then per task and host: the status, the
 * value every `debug` printed (per loop item too), and the recap.
 *
 * A task whose name holds `(shape)` prints values random by nature
 * (password, random_choice): they are compared by type and length. A
 * failed task is compared by status; when its name holds `(msg)`, by its
 * message too (without playwatch's `file:line:col: ` prefix).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../src/events/index.js';
import { runIn } from '../helpers/run.js';

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

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pw-parity-'));
}

const INVENTORY = 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n';

/** ansible-playbook's run, read from the callback's JSON lines. */
export function runAnsible(playbook: string): Outcome {
  const tmp = scratch();
  const out = path.join(tmp, 'events.jsonl');
  const inv = path.join(tmp, 'inventory.ini');
  fs.writeFileSync(inv, INVENTORY);
  const file = path.join(PARITY_DIR, playbook);
  const res = spawnSync('ansible-playbook', ['-i', inv, file, '-e', `parity_tmp=${tmp}`], {
    encoding: 'utf8',
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

/** playwatch's run: the engine in this process, on the local connection. */
export async function runPlaywatch(playbook: string): Promise<Outcome> {
  const tmp = scratch();
  const inv = path.join(tmp, 'inventory.ini');
  fs.writeFileSync(inv, INVENTORY);
  const file = path.join(PARITY_DIR, playbook);
  const saved = { ...process.env };
  Object.assign(process.env, PARITY_ENV);
  try {
    const run = await runIn(path.dirname(file), { playbook: path.basename(file), inventory: [inv], extraVars: { parity_tmp: tmp }, delayScale: 1 });
    const events = run.events.map(toCallbackShape).filter((e) => e !== undefined);
    const outcome = fromEvents(events, tmp);
    return { ...outcome, log: run.plain };
  } catch (e) {
    // A load error: no task ran, as ansible-playbook's run of a playbook it cannot load.
    return { rows: [], recap: {}, log: String(e) };
  } finally {
    for (const k of Object.keys(PARITY_ENV)) if (saved[k] === undefined) delete process.env[k];
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
    if (e.type === 'task.start') current = `${++n}. ${e.task.role ? `${e.task.role} : ` : ''}${e.task.name}`;
    else if (e.type === 'stats') recap = normalizeRecap(e.hosts);
    else if (e.type.startsWith('host.')) {
      const row: Row = { task: current, host: e.host, status: statusOf(e) };
      const result = e.result ?? {};
      const v = e.type === 'host.failed' ? failureMessage(result, current) : e.type === 'host.ok' ? debugValue(result) : undefined;
      if (v !== undefined) row.value = normalize(v, tmp, /\(shape\)/.test(current));
      rows.push(row);
    }
  }
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
  const keys = Object.keys(result).filter((k) => !IGNORED_KEYS.has(k) && !k.startsWith('_ansible'));
  if (keys.length === 1) return { [keys[0]]: result[keys[0]] };
  return undefined;
}

/** Keys of a result that are not what debug printed. */
const IGNORED_KEYS = new Set([
  'changed', 'failed', 'skipped', 'item', 'ansible_loop_var', 'ansible_index_var', 'ansible_loop', 'invocation', 'skip_reason',
  'skipped_reason', 'false_condition', 'attempts', 'results', 'msg', 'include', 'include_args',
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
  for (const [h, s] of Object.entries(hosts)) {
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
