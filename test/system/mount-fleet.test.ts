/**
 * `mount` on one fleet host (this machine) with an fstab of the test's
 * own: entries added, changed and removed (byte for byte as ansible.posix
 * writes them: `src name fstype opts dump passno`, a space as `\040`), and
 * real tmpfs mounts, which this machine allows (mount -T reads the test's
 * fstab): mounted, remounted, unmounted, absent; a mount that fails puts
 * the fstab and the directories it made back. ansible-core 2.14 does not
 * ship this module (ansible.posix does).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fleetProject, runPlaywatch, sh, statuses } from './oracle.js';

const BASE = '/tmp/pw-test-mount';
const FSTAB = `${BASE}/fstab`;
const A = `${BASE}/mnt/a`;

const SETUP = `- hosts: all
  gather_facts: false
  tasks:
    - name: a tmpfs mounted
      mount: path=${A} src=tmpfs fstype=tmpfs opts=size=1m,mode=0755 state=mounted fstab=${FSTAB}
    - name: an entry only, not at boot
      mount: path=${BASE}/mnt/b src=/dev/pw-none fstype=ext4 state=present boot=false fstab=${FSTAB}
    - name: an entry changed
      mount: path=/srv/data src=/dev/sdz2 fstype=xfs opts=noatime state=present fstab=${FSTAB}
    - name: an entry removed
      mount: path=/srv/old state=absent_from_fstab fstab=${FSTAB}
    - name: a path with a space
      mount: path="${BASE}/mnt/with space" src=tmpfs fstype=tmpfs state=present fstab=${FSTAB}
`;

const TEARDOWN = `- hosts: all
  gather_facts: false
  tasks:
    - name: remounted
      mount: path=${A} state=remounted fstab=${FSTAB}
    - name: unmounted
      mount: path=${A} state=unmounted fstab=${FSTAB}
    - name: absent
      mount: path=${A} state=absent fstab=${FSTAB}
`;

const FAILING = `- hosts: all
  gather_facts: false
  tasks:
    - name: a device that is not there
      mount: path=${BASE}/mnt/c/d src=/dev/pw-none fstype=ext4 state=mounted fstab=${FSTAB}
`;

const BEFORE = `# test fstab
/dev/sdz1 /srv/old ext4 defaults 0 2
/dev/sdz2 /srv/data ext4 defaults
`;
const AFTER = `# test fstab
/dev/sdz2 /srv/data xfs noatime 0 0
tmpfs ${A} tmpfs size=1m,mode=0755 0 0
/dev/pw-none ${BASE}/mnt/b ext4 defaults,noauto 0 0
tmpfs ${BASE}/mnt/with\\040space tmpfs defaults 0 0
`;

const mounted = () => sh(`grep -c ' ${A} ' /proc/self/mountinfo || true`).trim();

function cleanUp(): void {
  sh(`if grep -q ' ${A} ' /proc/self/mountinfo; then umount ${A}; fi; rm -rf ${BASE}`);
}

after(cleanUp);

test('mount: fstab entries and a real tmpfs; check mode predicts, a second run changes nothing, unmounted and absent undo it', async () => {
  cleanUp();
  fs.mkdirSync(BASE, { recursive: true });
  fs.writeFileSync(FSTAB, BEFORE);
  const setup = fleetProject(SETUP);
  const all = { 'a tmpfs mounted': 'changed', 'an entry only, not at boot': 'changed', 'an entry changed': 'changed', 'an entry removed': 'changed', 'a path with a space': 'changed' };
  const check = await runPlaywatch(setup, { check: true });
  assert.deepEqual(statuses(check), all, check.log);
  assert.equal(fs.readFileSync(FSTAB, 'utf8'), BEFORE);
  assert.equal(fs.existsSync(A), false);

  const run = await runPlaywatch(setup);
  assert.deepEqual(statuses(run), all, run.log);
  assert.equal(fs.readFileSync(FSTAB, 'utf8'), AFTER);
  assert.equal(mounted(), '1');
  assert.deepEqual(run.tasks.get('a tmpfs mounted')?.result, {
    changed: true, failed: false, name: A, src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m,mode=0755', dump: '0', passno: '0', fstab: FSTAB, boot: 'yes', backup_file: '',
  });
  const again = await runPlaywatch(setup);
  assert.deepEqual(Object.values(again.recap).map((r) => [r.ok, r.changed]), [[5, 0]], again.log);
  // Nothing to change costs one round trip a task.
  assert.equal(again.execs?.length, again.tasks.size, again.execs?.join('\n---\n'));

  const teardown = fleetProject(TEARDOWN);
  const down = await runPlaywatch(teardown);
  assert.deepEqual(statuses(down), { remounted: 'changed', unmounted: 'changed', absent: 'changed' }, down.log);
  assert.equal(mounted(), '0');
  assert.equal(fs.existsSync(A), false);
  assert.doesNotMatch(fs.readFileSync(FSTAB, 'utf8'), /mnt\/a /);
  const gone = await runPlaywatch(fleetProject(TEARDOWN.replace(/    - name: remounted\n.*\n/, '')));
  assert.deepEqual(statuses(gone), { unmounted: 'ok', absent: 'ok' }, gone.log);
});

test('mount: a mount that fails names the error and puts the fstab and the directories back', async () => {
  cleanUp();
  fs.mkdirSync(BASE, { recursive: true });
  fs.writeFileSync(FSTAB, BEFORE);
  const run = await runPlaywatch(fleetProject(FAILING));
  assert.deepEqual(statuses(run), { 'a device that is not there': 'failed' });
  assert.match(String(run.tasks.get('a device that is not there')?.result.msg), new RegExp(`^Error mounting ${BASE}/mnt/c/d: mount: `));
  assert.equal(fs.readFileSync(FSTAB, 'utf8'), BEFORE);
  assert.equal(fs.existsSync(`${BASE}/mnt`), false);
});
