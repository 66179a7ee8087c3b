/** README.md's parity table is the corpus's: regenerate it with `node --import tsx test/parity/compat.ts --write`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { corpusRows, README, withTable } from './compat.js';

test('every parity playbook says on its first line which corner it proves', () => {
  const silent = corpusRows().filter((r) => r.proves === '').map((r) => r.playbook);
  assert.deepEqual(silent, []);
});

test('README.md holds the parity table, up to date with test/parity/', () => {
  const readme = fs.readFileSync(README, 'utf8');
  assert.ok(readme.includes('<!-- parity-table:begin'), 'README.md lacks the parity table markers');
  assert.equal(readme, withTable(readme), 'README.md is stale: run node --import tsx test/parity/compat.ts --write');
});
