/**
 * lineinfile, blockinfile and replace edit text as ansible-core 2.14 does:
 * every case of cases.ts gives what ansible-playbook gave (oracle.json,
 * written by oracle.ts), in a real run and in check mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ORACLE_FILE, type OracleRow } from './oracle.js';
import { CASES } from './cases.js';
import { predict } from './predict.js';

const rows: OracleRow[] = JSON.parse(fs.readFileSync(ORACLE_FILE, 'utf8'));

test('the oracle table holds every case of cases.ts (regenerate it with oracle.ts)', () => {
  assert.deepEqual(rows.map(({ run: _r, check: _c, ...c }) => c), CASES);
});

for (const row of rows) {
  test(`${row.module} ${row.name}`, () => {
    assert.deepEqual(predict(row, false), row.run, 'run');
    assert.deepEqual(predict(row, true), row.check, 'check mode');
  });
}
