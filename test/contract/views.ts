/**
 * Every view of one real run: the engine runs a fixture of
 * fixtures/contract on the local transport, and its events are fed to
 * reduce (the TUI's state), the TUI's final view, the plain presenter,
 * run.log and summary.json. The contract tests compare what they say.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initialState, reduce, vecToArray, type RunEvent, type RunState } from '../../src/events/index.js';
import type { HostStats } from '../../src/model/index.js';
import { createRunLog, SummaryCollector, type RunSummary } from '../../src/reporters/index.js';
import { finalLines } from '../../src/ui/final.js';
import { runIn, type RunSpec, type TestRun } from '../helpers/run.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/contract');

/** Recap columns in PLAY RECAP order; `cancelled` only when some host was cancelled. */
const COLUMNS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored', 'cancelled'] as const;

/** A host's counts as `[ok, changed, unreachable, failed, skipped, rescued, ignored(, cancelled)]`. */
export type Row = number[];

export interface Views {
  run: TestRun;
  /** reduce's per-host counts just before `run.end` (what the live header added up). */
  live: Record<string, Row>;
  /** reduce's total counts just before `run.end`. */
  liveTotal: Row;
  /** run.end's stats. */
  end: Record<string, Row>;
  /** PLAY RECAP as the plain presenter printed it. */
  plain: Record<string, Row>;
  /** PLAY RECAP in run.log. */
  runLog: Record<string, Row>;
  /** run.log as written. */
  runLogText: string;
  /** PLAY RECAP in the TUI's final view. */
  final: Record<string, Row>;
  /** summary.json as written. */
  summary: RunSummary;
  /** reduce's state after every event. */
  state: RunState;
}

/** Runs a fixture playbook and builds every view of the run. */
export async function views(playbook: string, spec: Omit<RunSpec, 'files' | 'playbook'> = {}): Promise<Views> {
  const run = await runIn(FIXTURES, { ...spec, playbook });
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-contract-'));
  const summary = new SummaryCollector({ runDir });
  const log = createRunLog({ runDir });
  let state = initialState();
  let beforeEnd = state;
  for (const e of run.events) {
    if (e.type === 'run.end') beforeEnd = state;
    state = reduce(state, e);
    summary.onEvent(e);
    log.onEvent(e);
  }
  await log.close?.();
  const withCancelled = Object.values(end(run.events)).some((s) => (s.cancelled ?? 0) > 0);
  const row = (s: HostStats) => rowOf(s, withCancelled);
  return {
    run,
    live: Object.fromEntries(vecToArray(beforeEnd.hosts).map((h) => [h.name, row(h.stats)])),
    liveTotal: row(beforeEnd.counts),
    end: Object.fromEntries(Object.entries(end(run.events)).map(([h, s]) => [h, row(s)])),
    plain: recapOf(run.plain),
    runLog: recapOf(fs.readFileSync(path.join(runDir, 'run.log'), 'utf8')),
    runLogText: fs.readFileSync(path.join(runDir, 'run.log'), 'utf8'),
    final: recapOf(finalLines(state).join('\n')),
    summary: JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary,
    state,
  };
}

function end(events: RunEvent[]): Record<string, HostStats> {
  const e = events.find((x) => x.type === 'run.end');
  if (!e || e.type !== 'run.end') throw new Error('the run never sent run.end');
  return e.stats;
}

export function rowOf(s: HostStats, withCancelled: boolean): Row {
  const cols = withCancelled ? COLUMNS : COLUMNS.slice(0, -1);
  return cols.map((c) => s[c] ?? 0);
}

/** The rows of the (last) PLAY RECAP in a text. */
export function recapOf(text: string): Record<string, Row> {
  const at = text.lastIndexOf('PLAY RECAP');
  if (at < 0) throw new Error(`no PLAY RECAP in:\n${text}`);
  const out: Record<string, Row> = {};
  for (const line of text.slice(at).split('\n').slice(1)) {
    const m = /^(\S+)\s+: (.*\S)\s*$/.exec(line);
    if (!m) {
      if (Object.keys(out).length) break;
      continue;
    }
    const pairs = [...m[2]!.matchAll(/(\w+)=(\d+)/g)];
    out[m[1]!] = pairs.map((p) => Number(p[2]));
  }
  return out;
}

/** The sum of rows, column by column. */
export function total(rows: Record<string, Row>): Row {
  const all = Object.values(rows);
  return all[0]!.map((_, i) => all.reduce((n, r) => n + r[i]!, 0));
}

/**
 * What the debug tasks printed, as ansible's default callback prints them
 * (`ok: [h1] => {` … `}`): one `task | host | result` line each, sorted, so
 * the order hosts finished in does not matter.
 */
export function debugResults(text: string): string[] {
  const out: string[] = [];
  let task = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const banner = /^(?:TASK|RUNNING HANDLER) \[(.*)\] \*+$/.exec(lines[i]!);
    if (banner) task = banner[1]!;
    const start = /^ok: \[([^\]]+)\] => \{$/.exec(lines[i]!);
    if (!start) continue;
    const end = lines.indexOf('}', i);
    const body = JSON.parse(lines.slice(i + 1, end).join('\n').replace(/^/, '{') + '}') as unknown;
    out.push(`${task} | ${start[1]} | ${JSON.stringify(body)}`);
    i = end;
  }
  return out.sort();
}

/** ansible's CUSTOM STATS block read back: per host, and the run's under `_run`. */
export function customStatsOf(text: string): Record<string, unknown> {
  const at = text.lastIndexOf('CUSTOM STATS:');
  if (at < 0) return {};
  const out: Record<string, unknown> = {};
  for (const line of text.slice(at).split('\n').slice(1)) {
    const m = /^\t(\S+): (.*)$/.exec(line);
    if (m) out[m[1] === 'RUN' ? '_run' : m[1]!] = JSON.parse(m[2]!);
  }
  return out;
}
