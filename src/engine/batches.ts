import { UserError, type Pos } from '../model/index.js';

/**
 * `N%` of `total`, as ansible-core's pct_to_int: rounded down, and never
 * below `min` (so 10% of 4 hosts is 1, not 0).
 */
export function pctToInt(value: number | string, total: number, min = 1): number {
  if (typeof value === 'string' && value.trim().endsWith('%')) {
    const pct = parseInt(value.trim().slice(0, -1), 10);
    return Math.floor((pct / 100) * total) || min;
  }
  return Math.trunc(Number(value));
}

/**
 * Splits a play's hosts into `serial` batches exactly as ansible-core's
 * `_get_serialized_batches`: each list entry is used once, the last one
 * repeats, and a size of 0 or less takes every host left.
 */
export function serialBatches<T>(hosts: readonly T[], serial: unknown, pos?: Pos): T[][] {
  const list = serialList(serial, pos);
  const left = [...hosts];
  const total = left.length;
  const batches: T[][] = [];
  let cur = 0;
  while (left.length > 0) {
    const size = pctToInt(list[cur], total);
    if (!(size > 0)) {
      batches.push(left.splice(0));
      break;
    }
    batches.push(left.splice(0, size));
    cur = Math.min(cur + 1, list.length - 1);
  }
  return batches;
}

function serialList(serial: unknown, pos?: Pos): Array<number | string> {
  if (serial === undefined || serial === null) return [-1];
  const list = Array.isArray(serial) ? serial : [serial];
  if (list.length === 0) return [-1];
  for (const v of list) {
    const ok = typeof v === 'number' ? Number.isFinite(v) : typeof v === 'string' && /^\s*-?\d+%?\s*$/.test(v);
    if (!ok) throw new UserError(`serial must be a number, a percentage or a list of them, got ${JSON.stringify(v)}`, pos);
  }
  return list as Array<number | string>;
}
