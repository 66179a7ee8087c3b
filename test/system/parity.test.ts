/**
 * npm run test:parity (part of test:system): every playbook of test/parity/
 * runs under ansible-playbook and under playwatch on the local connection;
 * per task and host the status, every value debug printed and the recap
 * must agree. Needs ansible-playbook; fails, never skips, without it.
 * Differences print as a table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpus, differences, runAnsible, runPlaywatch } from './parity.js';

const playbooks = corpus();

test('the parity corpus holds playbooks for the lookups and the loops', () => {
  assert.ok(playbooks.filter((p) => p.startsWith('lookups/')).length >= 15, playbooks.join(', '));
  assert.ok(playbooks.filter((p) => p.startsWith('loops/')).length >= 4, playbooks.join(', '));
});

for (const playbook of playbooks) {
  test(`${playbook}: ansible-playbook and playwatch agree on each task's status, each debug value and the recap`, async () => {
    const ansible = runAnsible(playbook);
    assert.ok(ansible.rows.length > 0, `ansible-playbook ran no task:\n${ansible.log.slice(-3000)}`);
    const mine = await runPlaywatch(playbook);
    const diff = differences(ansible, mine);
    assert.deepEqual(diff, [], `\n| task | host | ansible-playbook | playwatch |\n|---|---|---|---|\n${diff.join('\n')}\n\nplaywatch's output:\n${mine.log.slice(-3000)}`);
  });
}
