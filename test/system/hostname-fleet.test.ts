/**
 * `hostname` on one fleet host (this machine) through ansible-playbook and
 * through playwatch. The machine's name is not changed (other tests share
 * it): check mode predicts a new name with its diff, the name it has is
 * left alone, and `use: systemd` on this host (no systemd as PID 1) fails
 * with hostnamectl's own words. The change itself goes through a
 * recording `hostnamectl` stand-in on the play's PATH (both engines), which
 * keeps the names in files of the test's own.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { differences, fleetProject, runAnsible, runPlaywatch, sh, statuses, type EngineRun } from './oracle.js';

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
  const a = await runAnsible(p, { diff: true });
  const mine = await runPlaywatch(p, { diff: true });
  assert.deepEqual(statuses(mine), statuses(a), mine.log);
  assert.deepEqual(statuses(mine), { 'a new name, predicted': 'changed', 'the name it has': 'ok', 'hostnamectl on a host without systemd': 'failed' });
  assert.deepEqual(differences(a, mine, KEYS), []);
  assert.deepEqual(mine.recap, a.recap);
  assert.equal(fs.readFileSync('/etc/hostname', 'utf8').trim(), CURRENT);
  assert.match(String(mine.tasks.get('hostnamectl on a host without systemd')?.result.msg), /^Command failed rc=1, out=, err=System has not been booted with systemd/);
  fs.rmSync(p.dir, { recursive: true, force: true });
});

const BASE = '/tmp/pw-test-hostname';
const STAND_IN = `#!/bin/sh
echo "hostnamectl $*" >>${BASE}/calls
case "$*" in
  "--transient status") cat ${BASE}/transient ;;
  "--static status") cat ${BASE}/static ;;
  "--pretty --static set-hostname "*) echo "$4" >${BASE}/static ;;
  "--transient set-hostname "*) echo "$3" >${BASE}/transient ;;
  *) echo "hostnamectl stand-in: unexpected $*" >&2; exit 1 ;;
esac
`;

after(() => fs.rmSync(BASE, { recursive: true, force: true }));

test('hostname through hostnamectl (a recording stand-in): the static name then the running one, as ansible-core sets them; a second run changes nothing', async () => {
  const p = fleetProject(`- hosts: all
  gather_facts: false
  environment:
    PATH: ${BASE}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  tasks:
    - name: the new name
      hostname: name=pw-new.example.net use=systemd
`);
  const passes = async (engine: 'ansible' | 'playwatch') => {
    sh(`rm -rf ${BASE}; mkdir -p ${BASE}/bin; echo old >${BASE}/transient; echo old-static >${BASE}/static; : >${BASE}/calls`);
    fs.writeFileSync(`${BASE}/bin/hostnamectl`, STAND_IN, { mode: 0o755 });
    const go = async (): Promise<EngineRun> => (engine === 'ansible' ? runAnsible(p, { diff: true }) : runPlaywatch(p, { diff: true }));
    const run = await go();
    const sets = sh(`grep set-hostname ${BASE}/calls || true`);
    const names = sh(`cat ${BASE}/static ${BASE}/transient`);
    const again = await go();
    return { run, again, sets, names };
  };
  const a = await passes('ansible');
  const mine = await passes('playwatch');
  assert.deepEqual(statuses(mine.run), { 'the new name': 'changed' }, mine.run.log);
  assert.deepEqual(statuses(mine.again), { 'the new name': 'ok' }, mine.again.log);
  assert.deepEqual(statuses(a.run), statuses(mine.run));
  assert.deepEqual(statuses(a.again), statuses(mine.again));
  assert.deepEqual(differences(a.run, mine.run, { 'the new name': ['name', 'diff'] }), []);
  assert.equal(mine.sets, 'hostnamectl --pretty --static set-hostname pw-new.example.net\nhostnamectl --transient set-hostname pw-new.example.net\n');
  assert.equal(mine.sets, a.sets);
  assert.equal(mine.names, 'pw-new.example.net\npw-new.example.net\n');
  assert.deepEqual(mine.run.tasks.get('the new name')?.result.diff, { after: 'hostname = pw-new.example.net\n', before: 'hostname = old\n' });
  fs.rmSync(p.dir, { recursive: true, force: true });
});
