/**
 * PLAY RECAP parity with ansible-core (Debian package `ansible-core`): the
 * contract fixtures run under ansible-playbook and under playwatch give the
 * same numbers. Needs ansible-playbook; fails, never skips, without it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { customStatsOf, debugResults, FIXTURES, recapOf, views } from '../contract/views.js';
import { ansibleText } from './oracle.js';

function ansiblePlaybook(playbook: string) {
  return ansibleText(FIXTURES, ['-i', path.join(FIXTURES, 'inventory.ini'), path.join(FIXTURES, playbook)], { ANSIBLE_SHOW_CUSTOM_STATS: 'True' });
}

for (const playbook of ['recap.yml', 'free.yml', 'serial.yml']) {
  test(`${playbook}: playwatch's PLAY RECAP equals ansible-playbook's`, async () => {
    const mine = await views(playbook);
    assert.deepEqual(mine.plain, recapOf((await ansiblePlaybook(playbook)).stdout));
  });
}

/**
 * group_by, add_host, every meta action and set_stats: the same PLAY RECAP,
 * the same debug output (task, host and value; not the order hosts
 * finished in), the same CUSTOM STATS and the same exit code.
 */
for (const playbook of ['flow-inventory.yml', 'flow-meta.yml', 'flow-stats.yml', 'flow-play-hosts.yml']) {
  test(`${playbook}: recap, debug output, custom stats and exit code equal ansible-playbook's`, async () => {
    const theirs = await ansiblePlaybook(playbook);
    const mine = await views(playbook);
    assert.deepEqual(mine.plain, recapOf(theirs.stdout), 'PLAY RECAP');
    const debug = debugResults(theirs.stdout);
    assert.ok(debug.length > 0, 'ansible-playbook printed debug results');
    assert.deepEqual(debugResults(mine.run.plain), debug, 'debug output');
    const end = mine.run.of('run.end')[0]!;
    assert.deepEqual(end.custom ?? {}, customStatsOf(theirs.stdout), 'CUSTOM STATS');
    assert.equal(mine.run.exitCode, theirs.status, 'exit code');
  });
}
