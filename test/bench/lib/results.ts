/** bench/results.json: the machine, and every scenario's figures with their targets. */
import os from 'node:os';
import { single, type Summary } from './stats.js';
import { status } from './targets.js';
import type { Row, Unit } from './types.js';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryMB: number;
  /** 1, 5 and 15 minute load averages at the start and the end of the run. */
  loadAverage: { start: number[]; end: number[] };
  node: string;
  /** "not installed" when ansible-playbook is absent. */
  ansibleCore: string;
}

export interface ResultFigure {
  measure: string;
  unit: string;
  median: number | null;
  min: number | null;
  max: number | null;
  values: number[];
  note?: string;
  cited?: boolean;
  derived?: boolean;
  target: { text: string; op: string; value: number } | null;
  met: boolean | null;
  /** For a missed target: why, and what would close it. */
  reason?: string;
}

export interface Results {
  date: string;
  command: string;
  quick: boolean;
  runs: number;
  durationS: number;
  machine: Machine;
  /** Scenarios that could not run, and an interruption. */
  failures: string[];
  scenarios: { name: string; figures: ResultFigure[] }[];
}

export function machine(loadStart: number[], ansibleCore: string): Machine {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryMB: Math.round(os.totalmem() / 2 ** 20),
    loadAverage: { start: loadStart.map(round2), end: os.loadavg().map(round2) },
    node: process.version,
    ansibleCore,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round = (x: number) => Number(x.toPrecision(6));

/** The rows grouped by scenario, in the order they came. */
export function results(rows: Row[], o: Omit<Results, 'scenarios'>): Results {
  const scenarios: Results['scenarios'] = [];
  for (const r of rows) {
    let s = scenarios.find((x) => x.name === r.scenario);
    if (!s) scenarios.push((s = { name: r.scenario, figures: [] }));
    const st = status(r);
    s.figures.push({
      measure: r.measure,
      unit: r.unit,
      median: r.figure ? round(r.figure.median) : null,
      min: r.figure ? round(r.figure.min) : null,
      max: r.figure ? round(r.figure.max) : null,
      values: r.figure?.values.map(round) ?? [],
      ...(r.note ? { note: r.note } : {}),
      ...(r.cited ? { cited: true } : {}),
      ...(r.derived ? { derived: true } : {}),
      target: r.target ? { text: r.target.text, op: r.target.op, value: r.target.value } : null,
      met: st === 'met' ? true : st === 'missed' ? false : null,
      ...(st === 'missed' ? { reason: r.target!.ifMissed } : {}),
    });
  }
  return { ...o, scenarios };
}

/** The rows back from a results file (for the Markdown table README quotes). */
export function rowsOf(res: Results): Row[] {
  return res.scenarios.flatMap((s) =>
    s.figures.map((f): Row => {
      const figure: Summary | undefined =
        f.median === null ? undefined : f.values.length ? { median: f.median, min: f.min!, max: f.max!, values: f.values } : single(f.median);
      return {
        scenario: s.name,
        measure: f.measure,
        unit: f.unit as Unit,
        ...(figure ? { figure } : {}),
        ...(f.note ? { note: f.note } : {}),
        ...(f.cited ? { cited: true } : {}),
        ...(f.derived ? { derived: true } : {}),
        ...(f.target ? { target: { op: f.target.op as '<=' | '>=', value: f.target.value, text: f.target.text, ifMissed: f.reason ?? '' } } : {}),
      };
    }),
  );
}
