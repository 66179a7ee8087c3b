/**
 * script through the engine, data-driven, on the local transport and over
 * SSH: the controller file (role/playbook `files/`) sent and run in one
 * command, its arguments read by the target's shell as ansible-core does,
 * creates/removes skips, chdir, executable, check mode, and nothing left
 * behind in the target's temp directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { firstWordEnd } from '../../src/modules/script.js';
import { runCases } from './cases.js';
import { CASES, PROJECT } from './tables/script.js';

runCases(CASES, 'local', PROJECT);
runCases(CASES, 'ssh', PROJECT);

test('the script name ends at the first unquoted blank', () => {
  for (const [s, end] of [['a.sh x', 4], ["'my s.sh' x", 9], ['"a\\" b.sh" y', 10], ['  s.sh', 6], ['s\\ x.sh y', 7]] as const) {
    assert.equal(firstWordEnd(s), end, s);
  }
});

test('no script directory is left in the temp directory', () => {
  assert.deepEqual(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('playwatch-script.')), []);
});
