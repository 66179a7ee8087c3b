/**
 * `user` and `group` on one fleet host (this machine: the accounts are
 * real), through ansible-playbook and through playwatch from the same
 * clean state: check mode, a run, a second run with nothing to change;
 * statuses, recaps, the result keys, and the accounts left (getent lines,
 * the home and its ssh key) must agree. Every name starts with `pw_test_`
 * and everything is removed afterwards.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { differences, fleetProject, runAnsible, runPlaywatch, sh, statuses, type EngineRun } from './oracle.js';

const BASE = '/tmp/pw-test-users';
const HASH = '$6$pwtestsalt$qvjNuqVesYKGrYxxw38dAmAThXI5DU4p21p2Vj.178vSZQbECRmd9Qx8IKGUhHYLqUNDTotSYXeNQv4Fg.9wg/';
const USERS = ['pw_test_user', 'pw_test_svc', 'pw_test_gone'];
const GROUPS = ['pw_test_grp', 'pw_test_sys', 'pw_test_extra', 'pw_test_gone'];

const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: group with a gid
      group: name=pw_test_grp gid=23901
    - name: system group
      group: name=pw_test_sys system=true
    - name: another group
      group: name=pw_test_extra
    - name: user with everything
      user:
        name: pw_test_user
        uid: 23901
        group: pw_test_grp
        groups: [pw_test_sys]
        append: true
        comment: "Test user; it's $(quoted)"
        home: ${BASE}/home/pw_test_user
        password: '${HASH}'
        generate_ssh_key: true
        ssh_key_type: ed25519
        ssh_key_comment: pw test key
        expires: 1893456000
        password_expire_max: 90
    - name: append a group
      user: name=pw_test_user groups=pw_test_extra append=true
    - name: change the shell
      user: name=pw_test_user shell=/bin/bash password_expire_min=2
    - name: no expiry any more
      user: name=pw_test_svc expires=-1
    - name: system user without home
      user: name=pw_test_svc system=true create_home=false shell=/usr/sbin/nologin
    - name: remove a user that is not there
      user: name=pw_test_gone state=absent
    - name: remove the group
      group: name=pw_test_gone state=absent
`;

const USER_KEYS = ['name', 'state', 'uid', 'group', 'comment', 'home', 'shell', 'groups', 'append', 'move_home', 'system', 'create_home', '?password', '?ssh_fingerprint', 'ssh_key_file', '?ssh_public_key'];
const GROUP_KEYS = ['name', 'state', 'gid', 'system'];
const KEYS: Record<string, readonly string[]> = {
  'group with a gid': GROUP_KEYS, 'system group': ['name', 'state', 'system'], 'another group': ['name', 'state', 'system'],
  'remove the group': GROUP_KEYS,
  'user with everything': USER_KEYS, 'append a group': USER_KEYS, 'change the shell': USER_KEYS,
  'system user without home': ['name', 'state', 'comment', 'home', 'shell', 'system', 'create_home'], 'no expiry any more': USER_KEYS, 'remove a user that is not there': ['name', 'state'],
};

function cleanUp(): void {
  sh(`for u in ${USERS.join(' ')}; do if getent passwd "$u" >/dev/null; then userdel -r "$u" 2>/dev/null || userdel "$u"; fi; done
for g in ${GROUPS.join(' ')}; do if getent group "$g" >/dev/null; then groupdel "$g"; fi; done
rm -rf ${BASE}
getent group pw_test_gone >/dev/null || groupadd pw_test_gone`);
}

/** The accounts as this machine holds them: getent lines (ids that vary masked), the home and the key files. */
function state(): Record<string, string> {
  const out: Record<string, string> = {};
  const mask = (line: string, keep: boolean) => (keep ? line : line.replace(/^([^:]*:[^:]*:)\d+:(?:\d+:)?/, (m, head: string) => `${head}<id>:${m.split(':').length > 4 ? '<gid>:' : ''}`));
  for (const u of USERS) out[`passwd ${u}`] = mask(sh(`getent passwd ${u} || true`), u === 'pw_test_user');
  out['shadow pw_test_user'] = sh('getent shadow pw_test_user | cut -d: -f1,2,4,5,8');
  out['shadow pw_test_svc'] = sh('getent shadow pw_test_svc | cut -d: -f1,4,5,8');
  for (const g of GROUPS) out[`group ${g}`] = mask(sh(`getent group ${g} || true`), g === 'pw_test_grp');
  out.home = sh(`cd ${BASE}/home/pw_test_user 2>/dev/null && find . -exec stat -c '%n %A %U %G' {} + | sort || true`);
  return out;
}

interface Passes {
  check: EngineRun;
  run: EngineRun;
  again: EngineRun;
  state: Record<string, string>;
}

async function passes(engine: 'ansible' | 'playwatch'): Promise<Passes> {
  const p = fleetProject(PLAYBOOK);
  const go = (check: boolean) => (engine === 'ansible' ? runAnsible(p, { check }) : runPlaywatch(p, { check }));
  cleanUp();
  const check = await go(true);
  const run = await go(false);
  const s = state();
  const again = await go(false);
  cleanUp();
  fs.rmSync(p.dir, { recursive: true, force: true });
  return { check, run, again, state: s };
}

after(() => {
  cleanUp();
  sh('groupdel pw_test_gone');
});

test('user and group do on a fleet host what ansible-core does: check mode, run, second run unchanged, the accounts left', async () => {
  const a = await passes('ansible');
  const p = await passes('playwatch');
  assert.deepEqual(statuses(p.check), statuses(a.check), `check mode:\n${p.check.log}`);
  assert.deepEqual(statuses(p.run), statuses(a.run), p.run.log);
  assert.deepEqual(p.run.recap, a.run.recap);
  assert.deepEqual(Object.values(p.again.recap).map((r) => r.changed), [0], p.again.log);
  assert.deepEqual(p.again.recap, a.again.recap);
  // Nothing to change costs one round trip a task.
  assert.equal(p.again.execs?.length, p.again.tasks.size, p.again.execs?.join('\n---\n'));
  assert.deepEqual(differences(a.run, p.run, KEYS), []);
  assert.deepEqual(differences(a.again, p.again, KEYS), []);
  assert.deepEqual(p.state, a.state);
  // Things that can fail: the account is really there, with its hash, groups and key.
  assert.match(p.state['passwd pw_test_user']!, /^pw_test_user:x:23901:23901:Test user; it's \$\(quoted\):\/tmp\/pw-test-users\/home\/pw_test_user:\/bin\/bash$/m);
  assert.equal(p.state['shadow pw_test_user'], `pw_test_user:${HASH}:2:90:21915\n`);
  assert.match(p.state['group pw_test_extra']!, /:pw_test_user$/m);
  assert.match(p.state.home!, /\.\/\.ssh\/id_ed25519 -rw------- pw_test_user pw_test_grp/);
});

test('user and group on a host without useradd or groupadd fail naming what is missing', async () => {
  fs.mkdirSync(`${BASE}-empty`, { recursive: true });
  const p = fleetProject(`- hosts: all
  gather_facts: false
  environment:
    PATH: ${BASE}-empty
  tasks:
    - name: a user
      user: name=pw_test_nobody
      ignore_errors: true
    - name: a group
      group: name=pw_test_nobody
`);
  const run = await runPlaywatch(p);
  assert.deepEqual(statuses(run), { 'a user': 'failed', 'a group': 'failed' });
  assert.equal(run.tasks.get('a user')?.result.msg,
    'user: the target has no getent, useradd, usermod on its PATH (install libc-bin (glibc), passwd (shadow-utils); playwatch does not fall back to busybox adduser/addgroup)');
  assert.equal(run.tasks.get('a group')?.result.msg,
    'group: the target has no getent, groupadd, groupmod on its PATH (install libc-bin (glibc), passwd (shadow-utils); playwatch does not fall back to busybox adduser/addgroup)');
  fs.rmSync(`${BASE}-empty`, { recursive: true, force: true });
  fs.rmSync(p.dir, { recursive: true, force: true });
});
