/**
 * `cron` on one fleet host (this machine), through ansible-playbook and
 * through playwatch from the same state: check mode, a run with --diff, a
 * second run with nothing to change; statuses, recaps, the result keys
 * (jobs, envs, cron_file, diff) and the crontabs left must agree.
 *
 * This machine has no `crontab` program (the cron package is not
 * installed), so a user's crontab goes through a stand-in `crontab` on the
 * play's PATH that keeps crontabs in a spool directory of the test's own
 * and records every call; ansible-core's module asks for `crontab` even
 * for a cron_file, so it needs the stand-in too. Files under /etc/cron.d
 * are real (named pw_test_*, removed afterwards).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { differences, fleetProject, runAnsible, runPlaywatch, sh, statuses, type EngineRun } from './oracle.js';

const BASE = '/tmp/pw-test-cron';
const BIN = `${BASE}/bin`;
const SPOOL = `${BASE}/spool`;
const CALLS = `${BASE}/calls`;

/** `crontab [-u user] -l | -r | - | FILE`, on files in SPOOL. */
const STAND_IN = `#!/bin/sh
echo "crontab $*" >>${CALLS}
u=$(id -un)
if [ "$1" = -u ]; then u=$2; shift 2; fi
case "$1" in
  -l) if [ -f ${SPOOL}/"$u" ]; then cat ${SPOOL}/"$u"; else echo "no crontab for $u" >&2; exit 1; fi ;;
  -r) rm -f ${SPOOL}/"$u" ;;
  -) cat >${SPOOL}/"$u" ;;
  *) cat -- "$1" >${SPOOL}/"$u" ;;
esac
`;

const PLAYBOOK = `- hosts: all
  gather_facts: false
  environment:
    PATH: ${BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  tasks:
    - name: a job changes its time
      cron: name="nightly backup" user=pw_test_cron minute=5 hour=2 job="/usr/local/bin/backup --all > /dev/null 2>&1"
    - name: a new job
      cron: name="hourly sync" user=pw_test_cron minute=0 job="rsync -a /src/ /dst/"
    - name: a variable goes first
      cron: name=MAILTO env=true job=ops@example.com user=pw_test_cron
    - name: a variable after another
      cron: name=SHELL env=true job=/bin/sh insertafter=MAILTO user=pw_test_cron
    - name: a special time, disabled
      cron: name="reboot note" special_time=reboot job="echo 'it is up' | logger" disabled=true user=pw_test_cron
    - name: a job that is there goes
      cron: name="old job" state=absent user=pw_test_cron
    - name: a job in a cron file
      cron: name="cleanup tmp" cron_file=pw_test_cleanup user=root minute=*/15 job="find /tmp/pw-test-cron -mtime +7 -delete"
    - name: the only job of a cron file goes, and the file
      cron: name=gone cron_file=pw_test_gone state=absent
`;

const KEYS: Record<string, readonly string[]> = Object.fromEntries(
  PLAYBOOK.split('\n').filter((l) => l.includes('- name: ')).map((l) => [l.split('- name: ')[1]!, ['jobs', 'envs', 'cron_file', 'state', 'diff', 'msg']]),
);

const USER_CRONTAB = `# written by hand
@daily /usr/local/bin/hand
#Ansible: old job
0 1 * * * /old
#Ansible: nightly backup
0 3 * * * /usr/local/bin/backup
`;

function prepare(): void {
  cleanUp();
  fs.mkdirSync(BIN, { recursive: true });
  fs.mkdirSync(SPOOL, { recursive: true });
  fs.mkdirSync('/etc/cron.d', { recursive: true });
  fs.writeFileSync(`${BIN}/crontab`, STAND_IN, { mode: 0o755 });
  fs.writeFileSync(`${SPOOL}/pw_test_cron`, USER_CRONTAB);
  fs.writeFileSync('/etc/cron.d/pw_test_gone', '#Ansible: gone\n* * * * * root /bin/true\n');
  fs.writeFileSync(CALLS, '');
}

function cleanUp(): void {
  sh(`rm -rf ${BASE} /etc/cron.d/pw_test_cleanup /etc/cron.d/pw_test_gone`);
}

/** The crontabs: the user's (as the stand-in keeps it) and the cron.d files with their modes. */
function state(): Record<string, string> {
  const out: Record<string, string> = { user: fs.readFileSync(`${SPOOL}/pw_test_cron`, 'utf8') };
  for (const f of ['pw_test_cleanup', 'pw_test_gone']) {
    const p = path.join('/etc/cron.d', f);
    out[f] = fs.existsSync(p) ? `${(fs.statSync(p).mode & 0o777).toString(8)}\n${fs.readFileSync(p, 'utf8')}` : '<none>';
  }
  return out;
}

interface Passes {
  check: EngineRun;
  run: EngineRun;
  again: EngineRun;
  state: Record<string, string>;
  calls: string;
}

async function passes(engine: 'ansible' | 'playwatch'): Promise<Passes> {
  const p = fleetProject(PLAYBOOK);
  const go = (check: boolean, diff: boolean) => (engine === 'ansible' ? runAnsible(p, { check, diff }) : runPlaywatch(p, { check, diff }));
  prepare();
  const check = await go(true, true);
  const checkState = state();
  assert.equal(checkState.user, USER_CRONTAB, `${engine} --check changed the crontab`);
  prepare();
  const run = await go(false, true);
  const s = state();
  const calls = fs.readFileSync(CALLS, 'utf8');
  const again = await go(false, false);
  fs.rmSync(p.dir, { recursive: true, force: true });
  return { check, run, again, state: s, calls };
}

after(cleanUp);

test('cron does on a fleet host what ansible-core does: check mode, run with diff, second run unchanged, the crontabs left', async () => {
  const a = await passes('ansible');
  const p = await passes('playwatch');
  assert.deepEqual(statuses(p.check), statuses(a.check), p.check.log);
  assert.deepEqual(differences(a.check, p.check, KEYS), []);
  assert.deepEqual(statuses(p.run), statuses(a.run), p.run.log);
  assert.deepEqual(differences(a.run, p.run, KEYS), []);
  assert.deepEqual(p.run.recap, a.run.recap);
  assert.deepEqual(Object.values(p.again.recap).map((r) => r.changed), [0], p.again.log);
  assert.deepEqual(p.again.recap, a.again.recap);
  // Nothing to change costs one round trip a task.
  assert.equal(p.again.execs?.length, p.again.tasks.size, p.again.execs?.join('\n---\n'));
  assert.deepEqual(differences(a.again, p.again, KEYS), []);
  assert.deepEqual(p.state, a.state);
  assert.equal(p.state.user, `SHELL="/bin/sh"
MAILTO="ops@example.com"
# written by hand
@daily /usr/local/bin/hand
#Ansible: nightly backup
5 2 * * * /usr/local/bin/backup --all > /dev/null 2>&1
#Ansible: hourly sync
0 * * * * rsync -a /src/ /dst/
#Ansible: reboot note
#@reboot echo 'it is up' | logger
`.replace('SHELL="/bin/sh"\nMAILTO="ops@example.com"', 'MAILTO="ops@example.com"\nSHELL="/bin/sh"'));
  assert.equal(p.state.pw_test_cleanup, '644\n#Ansible: cleanup tmp\n*/15 * * * * root find /tmp/pw-test-cron -mtime +7 -delete\n');
  assert.equal(p.state.pw_test_gone, '<none>');
  // Each user task reads the crontab once and writes it at most once, through -u (root is not pw_test_cron), fed on stdin.
  const calls = p.calls.trim().split('\n');
  assert.equal(calls.filter((c) => c === 'crontab -u pw_test_cron -l').length, 6);
  assert.equal(calls.filter((c) => c === 'crontab -u pw_test_cron -').length, 6);
  assert.equal(calls.length, 12);
});

test('cron for a user on a host without crontab fails naming what is missing, and how to do without', async () => {
  fs.mkdirSync(`${BASE}/empty`, { recursive: true });
  const p = fleetProject(`- hosts: all
  gather_facts: false
  tasks:
    - name: a job
      cron: name=x job=/bin/true
      environment:
        PATH: ${BASE}/empty
`);
  const run = await runPlaywatch(p);
  assert.deepEqual(statuses(run), { 'a job': 'failed' });
  assert.equal(run.tasks.get('a job')?.result.msg, 'cron: the target has no crontab on its PATH (install cron); or give cron_file to write under /etc/cron.d');
  fs.rmSync(p.dir, { recursive: true, force: true });
});
