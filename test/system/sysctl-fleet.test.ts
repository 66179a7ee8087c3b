/**
 * `sysctl` on one fleet host (this machine) with a sysctl_file of the
 * test's own and `reload: false`: the kernel's values are read
 * (`sysctl -e -n`) but never changed (other tests share the machine); a
 * key the kernel does not have shows the error when `sysctl_set` is asked.
 * ansible-core 2.14 does not ship this module (ansible.posix does): the
 * file expected is written here as ansible.posix's module writes it (every
 * key=value line rewritten without spaces around `=`, a key given twice
 * kept once).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fleetProject, runPlaywatch, sh, statuses } from './oracle.js';

const BASE = '/tmp/pw-test-sysctl';
const FILE = `${BASE}/sysctl.conf`;
const SWAPPINESS = sh('sysctl -n vm.swappiness').trim();

const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: a key the file lacks
      sysctl: name=vm.swappiness value=${SWAPPINESS} sysctl_file=${FILE} reload=false
    - name: a value of several words
      sysctl: name=net.ipv4.tcp_rmem value="4096 87380 6291456" sysctl_file=${FILE} reload=false
    - name: a key removed
      sysctl: name=kernel.old state=absent sysctl_file=${FILE} reload=false
    - name: yes is 1
      sysctl: name=kernel.pw_test value=yes sysctl_file=${FILE} reload=false
    - name: the running value already right
      sysctl: name=vm.swappiness value=${SWAPPINESS} sysctl_set=true sysctl_file=${FILE} reload=false
    - name: a key the kernel does not have
      sysctl: name=kernel.pw_no_such_key value=1 sysctl_set=true sysctl_file=${BASE}/other.conf reload=false
      ignore_errors: true
`;

const BEFORE = '# comment\nkernel.old = 1\nvm.overcommit_memory = 0\nvm.overcommit_memory = 1\n';
const AFTER = `# comment\nvm.overcommit_memory=0\nvm.swappiness=${SWAPPINESS}\nnet.ipv4.tcp_rmem=4096 87380 6291456\nkernel.pw_test=1\n`;

function prepare(): void {
  fs.rmSync(BASE, { recursive: true, force: true });
  fs.mkdirSync(BASE, { recursive: true });
  fs.writeFileSync(FILE, BEFORE, { mode: 0o600 });
}

after(() => fs.rmSync(BASE, { recursive: true, force: true }));

test('sysctl: check mode predicts, the run writes the file as ansible.posix does, a second run changes nothing, the kernel is left alone', async () => {
  const p = fleetProject(PLAYBOOK);
  prepare();
  const check = await runPlaywatch(p, { check: true });
  const want = {
    'a key the file lacks': 'changed', 'a value of several words': 'changed', 'a key removed': 'changed', 'yes is 1': 'changed',
    'the running value already right': 'changed', 'a key the kernel does not have': 'changed',
  };
  // In check mode the file is not written, so the fifth task still finds the key missing from it.
  assert.deepEqual(statuses(check), want, check.log);
  assert.equal(fs.readFileSync(FILE, 'utf8'), BEFORE);
  const run = await runPlaywatch(p);
  assert.deepEqual(statuses(run), { ...want, 'the running value already right': 'ok', 'a key the kernel does not have': 'failed' }, run.log);
  assert.equal(fs.readFileSync(FILE, 'utf8'), AFTER);
  assert.equal(sh(`stat -c %a ${FILE}`).trim(), '600');
  assert.match(String(run.tasks.get('a key the kernel does not have')?.result.msg), /^setting kernel\.pw_no_such_key failed: sysctl: cannot stat \/proc\/sys\/kernel\/pw_no_such_key/);
  assert.equal(fs.existsSync(`${BASE}/other.conf`), false);
  const again = await runPlaywatch(p);
  assert.deepEqual(Object.values(again.recap).map((r) => [r.changed, r.failed, r.ignored]), [[0, 0, 1]], again.log);
  assert.equal(sh('sysctl -n vm.swappiness').trim(), SWAPPINESS);
  fs.rmSync(p.dir, { recursive: true, force: true });
});
