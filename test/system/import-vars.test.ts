/**
 * group_vars/ and host_vars/ beside the playbook under `import_playbook`,
 * under both engines: a play brought in by `import_playbook: sub/play.yml`
 * reads `sub/group_vars/` and `sub/host_vars/`, not the top playbook's (a
 * var only the top `group_vars/all.yml` sets is undefined there); the
 * inventory's own `group_vars/` count for every play. ansible-playbook and
 * playwatch run it on the local connection; the PLAY RECAP and every debug
 * result must be the same.
 *
 * Needs ansible-core (`npm run test:system` checks it); fails without it.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { debugResults, recapOf } from '../contract/views.js';
import { makeProject } from '../helpers/run.js';
import { ansibleText, playwatchText } from './oracle.js';

const SHOW = '{{ x }} {{ only_top | default("UNDEF") }} {{ only_sub | default("UNDEF") }} {{ hv | default("UNDEF") }} {{ inv_x }}';
const play = (name: string): string => `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: ${name}\n      debug: {msg: '${name} ${SHOW}'}\n`;

/** The project: relative path → text. The inventory is in its own dir, so the top group_vars/ are only the playbook's. */
const PROJECT: Record<string, string> = {
  'inv/hosts.ini': 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n',
  'inv/group_vars/all.yml': 'inv_x: inv\n',
  'site.yml': `${play('top')}- import_playbook: sub/play.yml\n${play('top2')}`,
  'sub/play.yml': play('sub'),
  'group_vars/all.yml': 'x: top\nonly_top: yes_top\n',
  'host_vars/localhost.yml': 'hv: top\n',
  'sub/group_vars/all.yml': 'x: sub\nonly_sub: yes_sub\n',
  'sub/host_vars/localhost.yml': 'hv: sub\n',
};

const work = makeProject(PROJECT);
after(() => fs.rmSync(work, { recursive: true, force: true }));

const ansible = (playbook: string) => ansibleText(work, ['-i', 'inv/hosts.ini', playbook]);
const playwatch = (playbook: string) => playwatchText(work, ['-i', 'inv/hosts.ini', playbook]);

test('an imported play reads the group_vars/ and host_vars/ beside its own file, as under ansible-playbook', async () => {
  const theirs = await ansible('site.yml');
  assert.equal(theirs.status, 0, `ansible-playbook:\n${theirs.out.slice(-3000)}`);
  const mine = await playwatch('site.yml');
  assert.equal(mine.status, 0, `playwatch:\n${mine.out.slice(-3000)}`);
  assert.deepEqual(recapOf(mine.out), recapOf(theirs.out));
  const debug = debugResults(theirs.out);
  // What the fixture is meant to show, so a broken fixture cannot pass by both engines printing nothing.
  assert.deepEqual(debug, [
    'sub | localhost | {"msg":"sub sub UNDEF yes_sub sub inv"}',
    'top | localhost | {"msg":"top top yes_top UNDEF top inv"}',
    'top2 | localhost | {"msg":"top2 top yes_top UNDEF top inv"}',
  ]);
  assert.deepEqual(debugResults(mine.out), debug);
});
