/**
 * lineinfile, blockinfile and replace edit text as ansible-core 2.14 does:
 * every case of cases.ts gives what ansible-playbook gave (oracle.json,
 * written by test/system/edit-oracle.ts), in check mode, in a run, and in a second run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ORACLE_FILE, type OracleRow } from './oracle-table.js';
import { CASES } from './cases.js';
import { predict, predictAgain } from './predict.js';

const rows: OracleRow[] = JSON.parse(fs.readFileSync(ORACLE_FILE, 'utf8'));

test('the oracle table holds every case of cases.ts (regenerate it with test/system/edit-oracle.ts)', () => {
  assert.deepEqual(rows.map(({ run: _r, check: _c, again: _a, ...c }) => c), CASES);
});

for (const row of rows) {
  test(`${row.module} ${row.name}`, () => {
    assert.deepEqual(predict(row, false), row.run, 'run');
    assert.deepEqual(predict(row, true), row.check, 'check mode');
    assert.deepEqual(predictAgain(row), row.again, 'a second run');
  });
}

test('a second run changes nothing, except where ansible-core itself edits again', () => {
  const again = rows.filter((r) => r.again.changed).map((r) => `${r.module} ${r.name}`);
  assert.deepEqual(again, [
    'lineinfile inserts after an unterminated last line', // it appends to "b=2" without a newline: "b=2new"
    'lineinfile lets . match the carriage return in backrefs',
    'replace expands \\1 and \\g<name>', // swaps keys and values back and forth
    'replace matches ^ after the final newline too',
    'replace replaces empty matches next to others as Python does',
    'replace expands a named group and a literal backslash',
  ]);
  assert.ok(rows.filter((r) => !r.run.failed).length > 80);
});
