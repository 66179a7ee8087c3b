/**
 * `known_hosts` on one fleet host through ansible-playbook and through
 * playwatch from the same file: check mode, a run, a second run with
 * nothing to change; statuses, recaps, the diffs and the file left must
 * agree (hashed host fields are random: compared as `|1|<hash>`).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { differences, fleetProject, runAnsible, runPlaywatch, sh, statuses, type EngineRun } from './oracle.js';

const BASE = '/tmp/pw-test-known-hosts';
const FILE = `${BASE}/ssh/known_hosts`;

function hostKey(name: string): string {
  fs.mkdirSync(`${BASE}/keys`, { recursive: true });
  sh(`rm -f ${BASE}/keys/${name} ${BASE}/keys/${name}.pub; ssh-keygen -q -t ed25519 -N '' -C ${name} -f ${BASE}/keys/${name}`);
  return fs.readFileSync(`${BASE}/keys/${name}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
}

fs.rmSync(BASE, { recursive: true, force: true });
const K1 = hostKey('k1');
const K2 = hostKey('k2');
const K3 = hostKey('k3');
const BEFORE = `a.example ${K3}\nc.example ${K1}\nd.example ${K1}\n`;

const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: a host whose key changed
      known_hosts: path=${FILE} name=A.example key="a.example ${K1}"
    - name: a new host, hashed
      known_hosts: path=${FILE} name=b.example key="b.example ${K2}" hash_host=true
    - name: a host removed, every key
      known_hosts: path=${FILE} name=c.example state=absent
    - name: absent with another key of the same type still removes the host's line, as ansible-core does
      known_hosts: path=${FILE} name=d.example key="d.example ${K2}" state=absent
    - name: a host on another port
      known_hosts: path=${FILE} name=[e.example]:2222 key="[e.example]:2222 ${K1}"
`;

const KEYS: Record<string, readonly string[]> = Object.fromEntries(
  PLAYBOOK.split('\n').filter((l) => l.includes('- name: ')).map((l) => [l.split('- name: ')[1]!, ['name', 'key', 'path', 'hash_host', 'state', 'diff', 'msg']]),
);

const unhash = (s: string) => s.replace(/\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+/g, '|1|<hash>');

function mask(run: EngineRun): EngineRun {
  return { ...run, tasks: new Map([...run.tasks].map(([k, v]) => [k, { ...v, result: JSON.parse(unhash(JSON.stringify(v.result))) }])) };
}

function prepare(): void {
  sh(`rm -rf ${BASE}/ssh; mkdir -p ${BASE}/ssh`);
  fs.writeFileSync(FILE, BEFORE, { mode: 0o640 });
  fs.chmodSync(FILE, 0o640);
}

function state(): string {
  return unhash(sh(`cd ${BASE}/ssh && for f in *; do stat -c '%n %a' "$f"; cat "$f"; done`));
}

async function passes(engine: 'ansible' | 'playwatch') {
  const p = fleetProject(PLAYBOOK);
  const go = async (check: boolean) => mask(await (engine === 'ansible' ? runAnsible(p, { check, diff: true }) : runPlaywatch(p, { check, diff: true })));
  prepare();
  const check = await go(true);
  assert.equal(fs.readFileSync(FILE, 'utf8'), BEFORE, `${engine} --check changed the file`);
  const run = await go(false);
  const s = state();
  const again = await go(false);
  fs.rmSync(p.dir, { recursive: true, force: true });
  return { check, run, again, state: s };
}

after(() => fs.rmSync(BASE, { recursive: true, force: true }));

test('known_hosts does on a fleet host what ansible-core does: check mode, run, second run unchanged, the file left', async () => {
  const a = await passes('ansible');
  const p = await passes('playwatch');
  assert.deepEqual(statuses(p.check), statuses(a.check), p.check.log);
  assert.deepEqual(differences(a.check, p.check, KEYS), []);
  assert.deepEqual(statuses(p.run), statuses(a.run), p.run.log);
  assert.deepEqual(differences(a.run, p.run, KEYS), []);
  assert.deepEqual(p.run.recap, a.run.recap);
  assert.deepEqual(Object.values(p.again.recap).map((r) => r.changed), [0], p.again.log);
  assert.deepEqual(differences(a.again, p.again, KEYS), []);
  // Nothing to change costs one round trip a task.
  assert.equal(p.again.execs?.length, p.again.tasks.size, p.again.execs?.join('\n---\n'));
  assert.equal(p.state, a.state);
  assert.equal(p.state, `known_hosts 640\na.example ${K1}\n|1|<hash> ${K2}\n[e.example]:2222 ${K1}\nknown_hosts.old 640\nc.example ${K1}\nd.example ${K1}\na.example ${K1}\n|1|<hash> ${K2}\n`);
});
