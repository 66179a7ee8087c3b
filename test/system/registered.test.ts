/**
 * The registered-results fixture passes under ansible-core too, so its
 * table is ansible-core 2.14's truth and not our guess. Needs ansible-core
 * (`apt-get install --no-install-recommends ansible-core`): fails without it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ansibleText } from './oracle.js';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/registered');

test('ansible-playbook passes every assertion of the registered-results fixture', async () => {
  const run = await ansibleText(FIXTURE, ['-i', 'inventory.ini', 'site.yml']);
  const recap = run.stdout.match(/^localhost\s+: (.*)$/m)?.[1] ?? '';
  assert.equal(run.status, 0, run.out.slice(-3000));
  assert.match(recap, /\bfailed=0\b/);
  assert.match(recap, /\bok=28\b/, 'every task and assertion ran');
});
