/** The suite's one table: as aligned text for the terminal and as Markdown for README. */
import { num, range } from './format.js';
import { misses, status } from './targets.js';
import type { Row } from './types.js';

export const COLUMNS = ['scenario', 'measure', 'median', 'min–max', 'runs', 'target', 'status'] as const;

/** The cells of one row, in COLUMNS order; a missed target carries its footnote number. */
export function cells(row: Row, footnote?: number): string[] {
  const st = status(row);
  const fig = row.figure;
  return [
    row.scenario,
    row.measure,
    fig ? num(fig.median, row.unit) : (row.note ?? '—'),
    fig ? range(fig, row.unit) : '',
    fig && !row.derived ? (row.cited ? 'cited' : String(fig.values.length)) : '',
    row.target?.text ?? '',
    st === 'missed' && footnote ? `missed [${footnote}]` : st,
  ];
}

/** The rows with their footnote numbers (1, 2, … for each missed target in order). */
function numbered(rows: Row[]): { lines: string[][]; notes: string[] } {
  const missed = misses(rows);
  const lines = rows.map((r) => {
    const i = missed.findIndex((m) => m.row === r);
    const c = cells(r, i >= 0 ? i + 1 : undefined);
    // A note beside a figure (e.g. "cited") goes after the measure.
    if (r.figure && r.note) c[1] = `${c[1]} (${r.note})`;
    return c;
  });
  return { lines, notes: missed.map((m, i) => `[${i + 1}] ${m.row.scenario} ${m.row.measure}: ${m.reason}`) };
}

/** Aligned columns, numbers right-aligned, then the reasons for missed targets. */
export function textTable(rows: Row[]): string {
  const { lines, notes } = numbered(rows);
  const all = [[...COLUMNS], ...lines];
  const widths = COLUMNS.map((_, k) => Math.max(...all.map((l) => l[k].length)));
  const right = new Set([2, 3, 4]);
  const out = all.map((l) => l.map((c, k) => (right.has(k) ? c.padStart(widths[k]) : c.padEnd(widths[k]))).join('  ').trimEnd());
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return [...out, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** A Markdown table (pipes escaped), then the reasons for missed targets as a list. */
export function markdownTable(rows: Row[]): string {
  const { lines, notes } = numbered(rows);
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const out = [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map((_, k) => ([2, 3, 4].includes(k) ? '---:' : '---')).join('|')}|`];
  for (const l of lines) out.push(`| ${l.map(esc).join(' | ')} |`);
  return [...out, ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : [])].join('\n');
}
