import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, unknownNames } from '../bench/lib/args.js';
import { results, rowsOf } from '../bench/lib/results.js';
import { single, summarize } from '../bench/lib/stats.js';
import { markdownTable, textTable } from '../bench/lib/table.js';
import { atLeast, atMost, misses, status } from '../bench/lib/targets.js';
import type { Row } from '../bench/lib/types.js';

const rows: Row[] = [
  { scenario: 'throughput', measure: '20×10 playwatch', unit: 's', figure: summarize([1.5, 1.4, 1.7]) },
  { scenario: 'throughput', measure: '20×10 ansible ÷ playwatch', unit: '×', figure: single(20.5), derived: true, target: atLeast(30, '≥ 30×', 'ansible is faster than expected') },
  { scenario: 'throughput', measure: '20×10 ansible + mitogen', unit: 's', figure: single(19.9), cited: true, note: 'cited' },
  { scenario: 'controller', measure: 'peak RSS', unit: 'MB', figure: summarize([96, 101]), target: atMost(150, '≤ 150 MB', 'never') },
  { scenario: 'controller', measure: 'ansible CPU', unit: 's', note: 'not installed', target: atMost(1, '≤ 1 s', 'never') },
];

/** [row index, status] */
const statuses: Array<[number, string]> = [
  [0, ''],
  [1, 'missed'],
  [3, 'met'],
  [4, 'no figure'],
];

test('a target is checked on the median: met, missed, no figure, or nothing without a target', () => {
  for (const [i, st] of statuses) assert.equal(status(rows[i]), st, rows[i].measure);
  assert.equal(status({ ...rows[3], figure: single(150) }), 'met', 'the bound itself meets an at-most target');
  assert.equal(status({ ...rows[1], figure: single(30) }), 'met', 'the bound itself meets an at-least target');
});

test('the missed targets come with their reasons', () => {
  assert.deepEqual(misses(rows).map((m) => [m.row.measure, m.reason]), [['20×10 ansible ÷ playwatch', 'ansible is faster than expected']]);
});

test('the text table aligns its columns and numbers a missed target\'s footnote', () => {
  const lines = textTable(rows).split('\n');
  assert.match(lines[0], /^scenario +measure +median +min–max +runs +target +status$/);
  assert.match(lines[1], /^-+ +-+/);
  assert.match(lines[2], /20×10 playwatch +1\.50 s +1\.40–1\.70 s +3$/);
  assert.match(lines[3], /20\.5× +≥ 30× +missed \[1\]$/);
  assert.match(lines[4], /20×10 ansible \+ mitogen \(cited\) +19\.90 s +cited$/);
  assert.match(lines[6], /ansible CPU +not installed +≤ 1 s +no figure$/);
  assert.equal(lines.at(-1), '[1] throughput 20×10 ansible ÷ playwatch: ansible is faster than expected');
  // Medians are right-aligned under their header.
  const end = lines[0].indexOf('median') + 'median'.length;
  const medians = ['1.50 s', '20.5×', '19.90 s', '99 MB', 'not installed'];
  lines.slice(2, 7).forEach((l, i) => assert.ok(l.slice(0, end).endsWith(medians[i]), l));
});

test('the Markdown table has one line per row, right-aligned number columns and the reasons as a list', () => {
  const md = markdownTable(rows).split('\n');
  assert.equal(md[0], '| scenario | measure | median | min–max | runs | target | status |');
  assert.equal(md[1], '|---|---|---:|---:|---:|---|---|');
  assert.equal(md[2], '| throughput | 20×10 playwatch | 1.50 s | 1.40–1.70 s | 3 |  |  |');
  assert.equal(md.length, 2 + rows.length + 2);
  assert.equal(md.at(-1), '- [1] throughput 20×10 ansible ÷ playwatch: ansible is faster than expected');
});

test('results.json groups the figures by scenario with target, met and the reason for a miss', () => {
  const r = results(rows, { date: 'd', command: 'npm run bench', quick: false, runs: 3, durationS: 1, machine: { cpus: 2, cpuModel: 'x', memoryMB: 1, loadAverage: { start: [1, 2, 3], end: [1, 2, 3] }, node: 'v20', ansibleCore: '2.14.18' }, failures: [] });
  assert.deepEqual(r.scenarios.map((s) => [s.name, s.figures.length]), [['throughput', 3], ['controller', 2]]);
  const [pw, ratio, mitogen] = r.scenarios[0].figures;
  assert.deepEqual(pw, { measure: '20×10 playwatch', unit: 's', median: 1.5, min: 1.4, max: 1.7, values: [1.5, 1.4, 1.7], target: null, met: null });
  assert.deepEqual([ratio.met, ratio.reason, ratio.target], [false, 'ansible is faster than expected', { text: '≥ 30×', op: '>=', value: 30 }]);
  assert.equal(mitogen.cited, true);
  const missing = r.scenarios[1].figures[1];
  assert.deepEqual([missing.median, missing.note, missing.met], [null, 'not installed', null]);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'plain JSON');
});

test('a results file gives back the same Markdown table its rows made', () => {
  const r = results(rows, { date: 'd', command: 'c', quick: false, runs: 3, durationS: 1, machine: { cpus: 2, cpuModel: 'x', memoryMB: 1, loadAverage: { start: [], end: [] }, node: 'v20', ansibleCore: 'not installed' }, failures: [] });
  assert.equal(markdownTable(rowsOf(JSON.parse(JSON.stringify(r)))), markdownTable(rows));
});

/** [argv, quick, only, runs, ansibleRuns, out] */
const argvs: Array<[string[], boolean, string[], number, number, string]> = [
  [[], false, [], 3, 3, 'bench/results.json'],
  [['--quick'], true, [], 1, 1, 'bench/results-quick.json'],
  [['--only', 'tui,scale', '--only', 'latency', '--out', 'x.json'], false, ['tui', 'scale', 'latency'], 3, 3, 'x.json'],
  [['--only=tui', '--runs', '5', '--ansible-runs=1'], false, ['tui'], 5, 1, 'bench/results.json'],
  [['tui'], false, ['tui'], 3, 3, 'bench/results.json'],
];

test('the command line picks quick mode, scenarios, runs and the results file', () => {
  for (const [argv, quick, only, runs, ansibleRuns, out] of argvs) {
    const o = parseArgs(argv);
    assert.ok(typeof o !== 'string', String(o));
    assert.deepEqual([o.quick, o.only, o.runs, o.ansibleRuns, o.out], [quick, only, runs, ansibleRuns, out], argv.join(' '));
  }
});

/** [argv, error] */
const bad: Array<[string[], RegExp]> = [
  [['--runs', '0'], /--runs needs a whole number/],
  [['--only'], /--only needs a scenario name/],
  [['--fast'], /unknown option --fast/],
];

test('a bad command line is an error message, and unknown scenario names are named', () => {
  for (const [argv, error] of bad) assert.match(String(parseArgs(argv)), error);
  assert.deepEqual(unknownNames(['tui', 'tiu'], ['tui', 'scale']), ['tiu']);
});
