/** Numbers as the table prints them, by unit. */
import type { Summary } from './stats.js';
import type { Unit } from './types.js';

/** One number with its unit: seconds with 2 decimals, small ms with 1, ratios with 2 below 10. */
export function num(v: number, unit: Unit): string {
  switch (unit) {
    case 's':
      return `${v.toFixed(2)} s`;
    case 'ms':
    case 'µs':
      return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${unit}`;
    case 'MB':
      return `${v.toFixed(0)} MB`;
    case '%':
      return `${v.toFixed(1)} %`;
    case '×':
      return `${v < 10 ? v.toFixed(2) : v.toFixed(1)}×`;
    case 'RT':
      return `${v.toFixed(2)} RT`;
    case 'fds':
      return `${v.toFixed(0)} fds`;
    case 'n':
      return v.toFixed(0);
    default:
      return String(Number(v.toPrecision(4)));
  }
}

/** "1.2–1.7 s" for several values, '' for one. */
export function range(s: Summary, unit: Unit): string {
  if (s.values.length < 2) return '';
  const a = num(s.min, unit);
  const b = num(s.max, unit);
  const suffix = a.match(/[^\d.]+$/)?.[0] ?? '';
  return suffix && b.endsWith(suffix) ? `${a.slice(0, -suffix.length)}–${b}` : `${a}–${b}`;
}
