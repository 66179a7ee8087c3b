/**
 * `hostname` on one fleet host (this machine) through ansible-playbook and
 * through playwatch. The machine's name is not changed (other tests share
 * it): check mode predicts a new name with its diff, the name it has is
 * left alone, and `use: systemd` on this host (no systemd as PID 1) fails
 * with hostnamectl's own words. The real change is the write command
 * (test/modules/hostname.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { differences, fleetProject, runAnsible, runPlaywatch, statuses } from './oracle-fleet.js';

const CURRENT = fs.readFileSync('/etc/hostname', 'utf8').trim();

const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: a new name, predicted
      hostname: name=pw-test-new.example.net
      check_mode: true
    - name: the name it has
      hostname: name=${CURRENT}
    - name: hostnamectl on a host without systemd
      hostname: name=pw-test-new use=systemd
      ignore_errors: true
`;

const KEYS: Record<string, readonly string[]> = {
  'a new name, predicted': ['name', 'diff', 'ansible_facts'],
  'the name it has': ['name', 'diff', 'ansible_facts'],
  'hostnamectl on a host without systemd': ['msg'],
};

test('hostname on a fleet host: the prediction, the name already there, and the error without systemd agree with ansible-core', async () => {
  const p = fleetProject(PLAYBOOK);
  const a = runAnsible(p, { diff: true });
  const mine = await runPlaywatch(p, { diff: true });
  assert.deepEqual(statuses(mine), statuses(a), mine.log);
  assert.deepEqual(statuses(mine), { 'a new name, predicted': 'changed', 'the name it has': 'ok', 'hostnamectl on a host without systemd': 'failed' });
  assert.deepEqual(differences(a, mine, KEYS), []);
  assert.deepEqual(mine.recap, a.recap);
  assert.equal(fs.readFileSync('/etc/hostname', 'utf8').trim(), CURRENT);
  assert.match(String(mine.results.get('hostnamectl on a host without systemd')?.msg), /^Command failed rc=1, out=, err=System has not been booted with systemd/);
  fs.rmSync(p.dir, { recursive: true, force: true });
});
