/** What a scenario reports: rows of one table. */
import type { Summary } from './stats.js';

export type Unit = 's' | 'ms' | 'MB' | '%' | '×' | 'RT' | 'fds' | 'µs' | 'n' | '';

/** A bound a figure should stay within; `ifMissed` says why it may miss and what would close it. */
export interface Target {
  op: '<=' | '>=';
  value: number;
  /** How the target reads in the table, e.g. "≥ 30×". */
  text: string;
  ifMissed: string;
}

export interface Row {
  /** The scenario's name, e.g. "throughput". */
  scenario: string;
  /** What was measured, e.g. "20×10 playwatch wall". */
  measure: string;
  unit: Unit;
  /** Absent when the measurement did not run: `note` says why. */
  figure?: Summary;
  /** "not installed", "cited: …", "failed: …", or a remark on the figure. */
  note?: string;
  target?: Target;
  /** Computed from other rows (a ratio of medians): no run count of its own. */
  derived?: boolean;
  /** A figure quoted from elsewhere, not measured by this run. */
  cited?: boolean;
}

export type Status = 'met' | 'missed' | 'no figure' | '';
