import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ratio, single, summarize } from '../bench/lib/stats.js';
import { num, range } from '../bench/lib/format.js';
import { parseTimes } from '../bench/lib/measure.js';

/** [values, median, min, max] */
const summaries: Array<[number[], number, number, number]> = [
  [[3], 3, 3, 3],
  [[5, 1, 3], 3, 1, 5],
  [[4, 1, 3, 2], 2.5, 1, 4],
  [[2, NaN, 8], 5, 2, 8],
];

test('a summary is the median (mean of the middle two for an even count), the min and the max, NaN left out', () => {
  for (const [values, median, min, max] of summaries) {
    const s = summarize(values)!;
    assert.deepEqual([s.median, s.min, s.max], [median, min, max], String(values));
  }
});

test('a summary keeps the values in the order measured', () => {
  assert.deepEqual(summarize([3, 1, 2])!.values, [3, 1, 2]);
});

test('no values (or only NaN) summarize to nothing, and a ratio with nothing is nothing', () => {
  assert.equal(summarize([]), undefined);
  assert.equal(summarize([NaN]), undefined);
  assert.equal(ratio(undefined, single(1)), undefined);
  assert.equal(ratio(single(1), single(0)), undefined);
});

test('a ratio divides the medians', () => {
  assert.equal(ratio(summarize([30, 31, 29]), summarize([1, 2, 0.5]))!.median, 30);
});

/** [value, unit, text] */
const numbers: Array<[number, Parameters<typeof num>[1], string]> = [
  [1.234, 's', '1.23 s'],
  [0.456, 'ms', '0.46 ms'],
  [45.67, 'ms', '45.7 ms'],
  [456.7, 'ms', '457 ms'],
  [149.6, 'MB', '150 MB'],
  [3.49, '×', '3.49×'],
  [31.26, '×', '31.3×'],
  [19.33, '%', '19.3 %'],
  [1.06, 'RT', '1.06 RT'],
  [422, 'fds', '422 fds'],
];

test('numbers print by unit', () => {
  for (const [v, unit, text] of numbers) assert.equal(num(v, unit), text);
});

test('a range shares its unit and is empty for one value', () => {
  assert.equal(range(summarize([1.4, 1.7, 1.5])!, 's'), '1.40–1.70 s');
  assert.equal(range(summarize([2.5, 31])!, '×'), '2.50–31.0×');
  assert.equal(range(single(3), 's'), '');
});

/** [bash `times` output, children's user + system in ms] */
const times: Array<[string, number | undefined]> = [
  ['0m0.002s 0m0.001s\n0m1.200s 0m0.300s\n', 1500],
  ['0m0.000s 0m0.000s\n2m3.500s 0m0.500s\n', 124_000],
  ['garbage', undefined],
];

test('the CPU of a command tree is read from the children line of bash\'s times', () => {
  for (const [text, ms] of times) {
    const got = parseTimes(text);
    assert.equal(got === undefined ? undefined : Math.round(got), ms, text);
  }
});
