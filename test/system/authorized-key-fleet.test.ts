/**
 * `authorized_key` on one fleet host (this machine), for a user the
 * playbook creates: check mode (with its diff), a run, a second run with
 * nothing to change, and the files left, byte for byte. ansible-core 2.14
 * does not ship this module (it is in the ansible.posix collection, which
 * `--no-install-recommends` leaves out), so the expected files are written
 * here as ansible.posix's authorized_key writes them: new keys after the
 * existing lines, a key whose options or comment changed moved to the end,
 * `exclusive` keeping only the keys given (comments go too), and a space
 * before an empty comment. The same playbook was run through ansible.posix's
 * module on this machine and left the same files.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fleetProject, runPlaywatch, sh, statuses } from './oracle.js';

const BASE = '/tmp/pw-test-keys';
const HOME = `${BASE}/home`;
const K1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIKeyOne1111111111111111111111111111111111';
const K2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIKeyTwo2222222222222222222222222222222222';
const K3 = 'AAAAB3NzaC1yc2EAAAADAQABAAABAQKeyThree333333333333333333333333333';
const OLD = 'AAAAC3NzaC1lZDI1NTE5AAAAIKeyOld0000000000000000000000000000000000';

export const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: the user
      user: name=pw_test_keys home=${HOME}
    - name: two keys with options
      authorized_key:
        user: pw_test_keys
        key: |
          ssh-ed25519 ${K1} one@example
          # a comment line in the key is ignored
          ssh-ed25519 ${K2}
        key_options: 'no-pty,from="10.0.0.1,10.0.0.2"'
    - name: a key with a new comment
      authorized_key: user=pw_test_keys key="ssh-rsa ${K3} old-comment" comment="three; $(not run)"
    - name: the old key goes
      authorized_key: user=pw_test_keys key="ssh-ed25519 ${OLD}" state=absent
    - name: exclusive in a file of its own
      authorized_key:
        user: pw_test_keys
        path: ${BASE}/shared/keys
        manage_dir: false
        exclusive: true
        key: ssh-ed25519 ${K2} two
`;

const BEFORE = `# managed by hand
ssh-ed25519 ${OLD} old@example
ssh-rsa ${K3} three
`;
const SHARED_BEFORE = `# shared keys
ssh-ed25519 ${K1} one
ssh-ed25519 ${K2} two
`;

const OPTS = 'no-pty,from="10.0.0.1,10.0.0.2"';
const AFTER_TWO = `# managed by hand
ssh-ed25519 ${OLD} old@example
ssh-rsa ${K3} three
${OPTS} ssh-ed25519 ${K1} one@example
${OPTS} ssh-ed25519 ${K2} \n`;
const AFTER = `# managed by hand
${OPTS} ssh-ed25519 ${K1} one@example
${OPTS} ssh-ed25519 ${K2} \nssh-rsa ${K3} three; $(not run)
`;

function cleanUp(): void {
  sh(`if getent passwd pw_test_keys >/dev/null; then userdel pw_test_keys; fi; rm -rf ${BASE}`);
}

/** The files the tasks edit, as they are before the playbook runs. */
function prepare(): void {
  cleanUp();
  fs.mkdirSync(`${HOME}/.ssh`, { recursive: true });
  fs.mkdirSync(`${BASE}/shared`, { recursive: true });
  fs.writeFileSync(`${HOME}/.ssh/authorized_keys`, BEFORE);
  fs.writeFileSync(`${BASE}/shared/keys`, SHARED_BEFORE);
}

after(cleanUp);

test('authorized_key: check mode predicts with its diff, the run writes the lines ansible.posix writes, a second run changes nothing', async () => {
  const p = fleetProject(PLAYBOOK);
  prepare();
  // The user is there already, so every task predicts (ansible.posix fails a key of a user that is not there in check mode).
  sh(`useradd -M -d ${HOME} pw_test_keys`);
  const check = await runPlaywatch(p, { check: true, diff: true });
  assert.deepEqual(statuses(check), {
    'the user': 'ok', 'two keys with options': 'changed', 'a key with a new comment': 'changed', 'the old key goes': 'changed', 'exclusive in a file of its own': 'changed',
  }, check.log);
  assert.deepEqual(check.tasks.get('two keys with options')?.result.diff, {
    before_header: `${HOME}/.ssh/authorized_keys`, after_header: `${HOME}/.ssh/authorized_keys`, before: BEFORE, after: AFTER_TWO,
  });
  assert.match(check.log, /^-ssh-ed25519 \S+ old@example$/m);
  assert.equal(fs.readFileSync(`${HOME}/.ssh/authorized_keys`, 'utf8'), BEFORE);

  prepare();
  const run = await runPlaywatch(p);
  assert.deepEqual(statuses(run), {
    'the user': 'changed', 'two keys with options': 'changed', 'a key with a new comment': 'changed', 'the old key goes': 'changed',
    'exclusive in a file of its own': 'changed',
  }, run.log);
  assert.equal(fs.readFileSync(`${HOME}/.ssh/authorized_keys`, 'utf8'), AFTER);
  assert.equal(fs.readFileSync(`${BASE}/shared/keys`, 'utf8'), `ssh-ed25519 ${K2} two\n`);
  assert.equal(sh(`stat -c '%a %U' ${HOME}/.ssh ${HOME}/.ssh/authorized_keys`), '700 pw_test_keys\n600 pw_test_keys\n');
  assert.deepEqual(run.tasks.get('the old key goes')?.result, {
    changed: true, failed: false, user: 'pw_test_keys', key: `ssh-ed25519 ${OLD}`, path: null, manage_dir: true, state: 'absent', key_options: null,
    exclusive: false, comment: null, validate_certs: true, follow: false, keyfile: `${HOME}/.ssh/authorized_keys`,
  });

  const again = await runPlaywatch(p);
  assert.deepEqual(Object.values(again.recap).map((r) => [r.ok, r.changed]), [[5, 0]], again.log);
  // Nothing to change costs one round trip a task.
  assert.equal(again.execs?.length, again.tasks.size, again.execs?.join('\n---\n'));
  assert.equal(fs.readFileSync(`${HOME}/.ssh/authorized_keys`, 'utf8'), AFTER);
  fs.rmSync(p.dir, { recursive: true, force: true });
});
