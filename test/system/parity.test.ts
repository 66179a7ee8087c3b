/**
 * npm run test:parity (part of test:system): every playbook of test/parity/
 * runs under ansible-playbook and under playwatch, on the local connection
 * and on the sshd fleet's first host (PLAYWATCH_FLEET_DIR: test:system and
 * test/system/parity.sh start the fleet); per task and host the status,
 * every value debug printed and the recap must agree. Needs
 * ansible-playbook and the fleet; fails, never skips, without them.
 * Differences print as a table.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fleetDir } from '../fleet/helpers.js';
import { corpus, differences, runBoth, runsOn, type Connection } from './parity.js';

const playbooks = corpus();

test('the parity corpus holds playbooks for the lookups, loops, Jinja semantics, filters and tests', () => {
  const count = (dir: string) => playbooks.filter((p) => p.startsWith(`${dir}/`)).length;
  assert.ok(count('lookups') >= 15, playbooks.join(', '));
  assert.ok(count('loops') >= 4, playbooks.join(', '));
  assert.ok(count('jinja') >= 3, playbooks.join(', '));
  assert.ok(count('filters') >= 5, playbooks.join(', '));
  assert.ok(count('tests') >= 4, playbooks.join(', '));
});

test('the sshd fleet is up for the fleet half of the corpus', () => {
  assert.ok(fs.existsSync(path.join(fleetDir, 'inventory.ini')), `no fleet at ${fleetDir}: run test/system/parity.sh, or test/fleet/fleet.sh up 1 ${fleetDir}`);
});

// Playbooks are independent (each engine run has its own scratch directory): a few at once keep CI's time down.
const CONCURRENCY = Number(process.env.PARITY_CONCURRENCY ?? 3);

for (const connection of ['local', 'fleet'] as Connection[]) {
  describe(`parity on the ${connection} connection`, { concurrency: CONCURRENCY }, () => {
    for (const playbook of playbooks.filter((p) => runsOn(p, connection))) {
      test(`${playbook} (${connection}): ansible-playbook and playwatch agree on each task's status, each debug value and the recap`, async () => {
        const { ansible, mine } = await runBoth(playbook, connection);
        assert.ok(ansible.rows.length > 0, `ansible-playbook ran no task:\n${ansible.log.slice(-3000)}`);
        const diff = differences(ansible, mine);
        assert.deepEqual(diff, [], `\n| task | host | ansible-playbook | playwatch |\n|---|---|---|---|\n${diff.join('\n')}\n\nplaywatch's output:\n${mine.log.slice(-3000)}`);
      });
    }
  });
}
