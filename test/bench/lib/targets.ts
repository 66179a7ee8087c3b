/** Checking a row's figure against its target. */
import type { Row, Status, Target } from './types.js';

/** at most `value` */
export const atMost = (value: number, text: string, ifMissed: string): Target => ({ op: '<=', value, text, ifMissed });
/** at least `value` */
export const atLeast = (value: number, text: string, ifMissed: string): Target => ({ op: '>=', value, text, ifMissed });

/** met or missed on the median; "no figure" when there is a target but nothing measured; '' without a target. */
export function status(row: Row): Status {
  if (!row.target) return '';
  if (!row.figure) return 'no figure';
  const v = row.figure.median;
  return (row.target.op === '<=' ? v <= row.target.value : v >= row.target.value) ? 'met' : 'missed';
}

/** The rows whose target is missed, with the reason to print under the table. */
export function misses(rows: Row[]): { row: Row; reason: string }[] {
  return rows.filter((r) => status(r) === 'missed').map((row) => ({ row, reason: row.target!.ifMissed }));
}
