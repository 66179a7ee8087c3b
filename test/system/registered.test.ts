/**
 * The registered-results fixture passes under ansible-core too, so its
 * table is ansible-core 2.14's truth and not our guess. Needs ansible-core
 * (`apt-get install --no-install-recommends ansible-core`): fails without it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/registered');

test('ansible-playbook passes every assertion of the registered-results fixture', () => {
  const run = spawnSync('ansible-playbook', ['-i', 'inventory.ini', 'site.yml'], {
    cwd: FIXTURE,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: 'false', ANSIBLE_STDOUT_CALLBACK: 'default' },
  });
  if (run.error) assert.fail(`ansible-playbook could not run (install the ansible-core package): ${run.error.message}`);
  const recap = run.stdout.match(/^localhost\s+: (.*)$/m)?.[1] ?? '';
  assert.equal(run.status, 0, `${run.stdout.slice(-3000)}\n${run.stderr}`);
  assert.match(recap, /\bfailed=0\b/);
  assert.match(recap, /\bok=28\b/, 'every task and assertion ran');
});
