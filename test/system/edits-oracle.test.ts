/**
 * The text-edit table regenerated live: every case of
 * test/modules/edit/cases.ts run through ansible-playbook now gives what
 * oracle.json recorded and what our pure edits predict. Needs ansible-core
 * (`apt-get install --no-install-recommends ansible-core`): fails without it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ORACLE_FILE, type OracleRow } from '../modules/edit/oracle-table.js';
import { runOracle } from './edit-oracle.js';
import { predict, predictAgain } from '../modules/edit/predict.js';

test('ansible-core edits every case as oracle.json says, and as our edits predict', async () => {
  const live = await runOracle();
  const recorded: OracleRow[] = JSON.parse(fs.readFileSync(ORACLE_FILE, 'utf8'));
  assert.deepEqual(live, recorded, 'ansible-core no longer gives the recorded table: regenerate it with test/system/edit-oracle.ts and review the change');
  for (const row of live) {
    assert.deepEqual(predict(row, false), row.run, `${row.module} ${row.name}`);
    assert.deepEqual(predict(row, true), row.check, `${row.module} ${row.name} (check mode)`);
    assert.deepEqual(predictAgain(row), row.again, `${row.module} ${row.name} (second run)`);
  }
});
