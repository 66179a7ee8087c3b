/**
 * PLAY RECAP parity with ansible-core (Debian package `ansible-core`): the
 * contract fixtures run under ansible-playbook and under playwatch give the
 * same numbers. Needs ansible-playbook; fails, never skips, without it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { FIXTURES, recapOf, views } from '../contract/views.js';

function ansibleRecap(playbook: string): ReturnType<typeof recapOf> {
  const res = spawnSync('ansible-playbook', ['-i', path.join(FIXTURES, 'inventory.ini'), path.join(FIXTURES, playbook)], {
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_RETRY_FILES_ENABLED: 'False' },
    cwd: FIXTURES,
  });
  if (res.error) assert.fail(`ansible-playbook could not run (install the Debian package ansible-core): ${res.error.message}`);
  return recapOf(res.stdout);
}

for (const playbook of ['recap.yml', 'free.yml', 'serial.yml']) {
  test(`${playbook}: playwatch's PLAY RECAP equals ansible-playbook's`, async () => {
    const mine = await views(playbook);
    assert.deepEqual(mine.plain, ansibleRecap(playbook));
  });
}
