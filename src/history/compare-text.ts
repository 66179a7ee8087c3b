/** What `playwatch compare` prints: one row per task, only-in lists, role and run totals. */
import { inert } from '../text/index.js';
import type { Comparison, TaskRow, TaskTime, TotalRow } from './compare.js';

const label = (t: { role?: string; name: string; n: number; handler?: boolean }) =>
  `${t.handler ? 'handler ' : ''}${t.role ? `${t.role} : ` : ''}${t.name}${t.n > 1 ? ` (#${t.n})` : ''}`;
const secs = (s: number) => `${s.toFixed(2)}s`;
const signed = (s: number) => (Math.abs(s) < 0.005 ? ' 0.00s' : `${s > 0 ? '+' : '-'}${Math.abs(s).toFixed(2)}s`);
const ratio = (r: number | null) => (r === null ? '-' : `${r.toFixed(2)}x`);

export function comparisonLines(c: Comparison): string[] {
  const rows: string[][] = c.tasks.map((t: TaskRow) => [label(t), secs(t.a), secs(t.b), signed(t.delta), ratio(t.ratio), t.regression ? 'REGRESSION' : '']);
  const totals = (list: TotalRow[], prefix: string) => list.map((t) => [`${prefix}${t.name}`, secs(t.a), secs(t.b), signed(t.delta), ratio(t.ratio), '']);
  const table = [['TASK', 'A', 'B', 'DELTA', 'B/A', ''], ...rows];
  const roleTable = c.roles.length ? [['ROLE', 'A', 'B', 'DELTA', 'B/A', ''], ...totals(c.roles, '')] : [];
  const runRow = totals([c.run], 'RUN ')[0]!;
  runRow[0] = 'RUN (wall time)';
  const all = [...table, ...roleTable, runRow];
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...all.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => [r[0]!.padEnd(widths[0]!), ...[1, 2, 3, 4].map((i) => r[i]!.padStart(widths[i]!)), r[5]].join('  ').trimEnd();
  const only = (what: string, list: TaskTime[]) => (list.length ? ['', `ONLY IN ${what}`, ...list.map((t) => `  ${label(t)}  ${secs(t.seconds)}  (${t.path})`)] : []);
  const pct = Math.round(c.threshold * 1000) / 10;
  const lines = [
    `A: ${c.a.id}  ${c.a.playbook}`,
    `B: ${c.b.id}  ${c.b.playbook}`,
    '',
    ...table.map(fmt),
    ...only('A', c.onlyA),
    ...only('B', c.onlyB),
    ...(roleTable.length ? ['', ...roleTable.map(fmt)] : []),
    '',
    fmt(runRow),
    '',
    c.regressions === 0
      ? `no task slower by more than ${pct}% (tasks under ${c.noiseFloorS}s in both runs are not judged by ratio)`
      : `${c.regressions} task${c.regressions === 1 ? '' : 's'} slower by more than ${pct}%: ${c.tasks.filter((t) => t.regression).map(label).join(', ')}`,
  ];
  return lines.map((l) => inert(l));
}
