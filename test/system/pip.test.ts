/**
 * pip on a fleet host, offline: a virtualenv the module makes
 * (`python3 -m venv`) and a wheel the test writes, found through
 * PIP_NO_INDEX / PIP_FIND_LINKS in the task's environment. Check mode,
 * the real run and a second run, against ansible-playbook on the same
 * playbook with a virtualenv of its own; then removal.
 * Needs root, the fleet (PLAYWATCH_FLEET_DIR), python3 with venv, and ansible-core.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetHosts } from '../fleet/helpers.js';
import { makeWheels, TEST_WHEEL_NAME } from '../helpers/wheel.js';
import { runOn, statuses } from './oracle.js';

const HOST = fleetHosts()[0]!.name;
const wheels = makeWheels(['1.0', '1.1']);
after(() => fs.rmSync(wheels, { recursive: true, force: true }));

const play = (tasks: string) => `
- hosts: all
  gather_facts: false
  environment: {PIP_NO_INDEX: "1", PIP_FIND_LINKS: "${wheels}", PIP_DISABLE_PIP_VERSION_CHECK: "1"}
  tasks:
${tasks}`;

const INSTALL = play(`
    - name: pinned in a new virtualenv
      pip: {name: ${TEST_WHEEL_NAME}, version: "1.0", virtualenv: "{{ venv }}", virtualenv_command: python3 -m venv}
    - name: satisfied by a range
      pip: {name: "${TEST_WHEEL_NAME}>=1.0,<2", virtualenv: "{{ venv }}"}
`);

const REMOVE = play(`
    - name: removed
      pip: {name: "${TEST_WHEEL_NAME}", state: absent, virtualenv: "{{ venv }}"}
`);

function installed(venv: string): string[] {
  const site = path.join(venv, 'lib');
  if (!fs.existsSync(site)) return [];
  return fs.readdirSync(site).flatMap((py) => fs.readdirSync(path.join(site, py, 'site-packages')).filter((f) => f.startsWith('playwatch_test_pip-')));
}

test('pip makes a virtualenv and installs a pinned wheel offline, is unchanged again, removes it; check mode predicts; ansible-core agrees', async () => {
  const outcome = async (engine: 'ansible' | 'playwatch') => {
    const venv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pw-venv-')), 'venv');
    const go = (site: string, check = false) => runOn(engine, site, HOST, { extraVars: { venv }, check });
    const check = await go(INSTALL, true);
    const run = await go(INSTALL);
    const again = await go(INSTALL);
    const after = installed(venv);
    const checkRemove = await go(REMOVE, true);
    const remove = await go(REMOVE);
    const removeAgain = await go(REMOVE);
    fs.rmSync(path.dirname(venv), { recursive: true, force: true });
    return { check, run, again, checkRemove, remove, removeAgain, after };
  };
  const p = await outcome('playwatch');
  assert.deepEqual(statuses(p.check), { 'pinned in a new virtualenv': 'changed', 'satisfied by a range': 'changed' }, p.check.log);
  assert.deepEqual(statuses(p.run), { 'pinned in a new virtualenv': 'changed', 'satisfied by a range': 'ok' }, p.run.log);
  assert.deepEqual(statuses(p.again), { 'pinned in a new virtualenv': 'ok', 'satisfied by a range': 'ok' }, p.again.log);
  assert.deepEqual(p.after, ['playwatch_test_pip-1.0.dist-info']);
  assert.deepEqual([p.checkRemove, p.remove, p.removeAgain].map((r) => statuses(r).removed), ['changed', 'changed', 'ok']);
  const r = p.run.tasks.get('pinned in a new virtualenv')!.result;
  assert.deepEqual(r.cmd, ['pip', 'install', `${TEST_WHEEL_NAME}==1.0`]);
  assert.equal(r.version, '1.0');
  assert.match(r.stdout, /Successfully installed playwatch-test-pip-1\.0/);

  const a = await outcome('ansible');
  for (const pass of ['check', 'run', 'again', 'checkRemove', 'remove', 'removeAgain'] as const) {
    assert.deepEqual(statuses(p[pass]), statuses(a[pass]), `${pass}: ${a[pass].log}`);
    assert.deepEqual(p[pass].recap, a[pass].recap, pass);
  }
  assert.deepEqual(p.after, a.after);
});

test('pip on a host without pip fails saying so', async () => {
  const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bare-'));
  const site = `
- hosts: all
  gather_facts: false
  environment: {PATH: "${bare}"}
  tasks:
    - {name: no pip, pip: {name: anything}, ignore_errors: true}
`;
  const p = await runOn('playwatch', site, HOST);
  assert.equal(p.tasks.get('no pip')!.result.msg, 'Unable to find any of pip3 to use.  pip needs to be installed (nor does python3 -m pip work).');
  fs.rmSync(bare, { recursive: true, force: true });
});
