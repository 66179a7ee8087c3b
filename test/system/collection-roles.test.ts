/**
 * Roles from collections given as FQCN, under both engines: one small
 * project whose ansible.cfg sets `collections_path`, with a collection
 * installed there and one beside the playbook (`collections/`), used from
 * `roles:`, `import_role` and `include_role`. ansible-playbook and playwatch
 * run it on the local connection; the PLAY RECAP and every debug result
 * must be the same. A role missing from an installed collection fails the
 * load in both, and playwatch names the role and the collection dir.
 *
 * Needs ansible-core (`npm run test:system` checks it); fails without it.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { debugResults, recapOf } from '../contract/views.js';
import { makeProject } from '../helpers/run.js';
import { ansibleText, playwatchText } from './oracle.js';

const INSTALLED = 'installed/ansible_collections';
const BESIDE = 'collections/ansible_collections';

/** The project: relative path → text. */
const PROJECT: Record<string, string> = {
  'ansible.cfg': '[defaults]\ncollections_path = ./installed\n',
  'inventory.ini': 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n',
  [`${INSTALLED}/acme/web/roles/nginx/defaults/main.yml`]: 'nginx_port: 8080\nnginx_user: www\n',
  [`${INSTALLED}/acme/web/roles/nginx/tasks/main.yml`]: [
    '- name: nginx says',
    '  debug: {msg: "nginx on {{ nginx_port }} as {{ nginx_user }}, role {{ role_name }}"}',
    '- name: nginx changes',
    '  command: "true"',
    '  notify: reload nginx',
    '',
  ].join('\n'),
  [`${INSTALLED}/acme/web/roles/nginx/handlers/main.yml`]: '- name: reload nginx\n  debug: {msg: reloaded}\n',
  [`${INSTALLED}/acme/db/roles/pg/tasks/main.yml`]: '- name: pg says\n  debug: {msg: "pg {{ pg_version }}"}\n',
  [`${BESIDE}/local/site/roles/main/tasks/main.yml`]: '- name: site says\n  debug: {msg: "site beside the playbook, role {{ role_name }}"}\n',
  'site.yml': [
    '- hosts: all',
    '  gather_facts: false',
    '  roles:',
    '    - role: acme.web.nginx',
    '      nginx_port: 9090',
    '  tasks:',
    '    - import_role:',
    '        name: local.site.main',
    '    - include_role:',
    '        name: acme.db.pg',
    '      vars:',
    '        pg_version: 15',
    '    - import_role: {name: acme.db.pg, tasks_from: main}',
    '      vars: {pg_version: 16}',
    '',
  ].join('\n'),
  'missing.yml': '- hosts: all\n  gather_facts: false\n  roles:\n    - acme.web.absent\n',
};

const work = makeProject(PROJECT);
after(() => fs.rmSync(work, { recursive: true, force: true }));

const ansible = (playbook: string) => ansibleText(work, ['-i', 'inventory.ini', playbook]);
const playwatch = (playbook: string) => playwatchText(work, ['-i', 'inventory.ini', playbook]);

test('FQCN roles from collections_path and the collections dir beside the playbook run as under ansible-playbook', async () => {
  const theirs = await ansible('site.yml');
  assert.equal(theirs.status, 0, `ansible-playbook:\n${theirs.out.slice(-3000)}`);
  const mine = await playwatch('site.yml');
  assert.equal(mine.status, 0, `playwatch:\n${mine.out.slice(-3000)}`);
  assert.deepEqual(recapOf(mine.out), recapOf(theirs.out));
  const debug = debugResults(theirs.out);
  // What the fixture is meant to show, so a broken fixture cannot pass by both engines printing nothing.
  assert.deepEqual(debug, [
    'acme.db.pg : pg says | localhost | {"msg":"pg 15"}',
    'acme.db.pg : pg says | localhost | {"msg":"pg 16"}',
    'acme.web.nginx : nginx says | localhost | {"msg":"nginx on 9090 as www, role nginx"}',
    'acme.web.nginx : reload nginx | localhost | {"msg":"reloaded"}',
    'local.site.main : site says | localhost | {"msg":"site beside the playbook, role main"}',
  ]);
  assert.deepEqual(debugResults(mine.out), debug);
});

test('a role missing from an installed collection fails the load under both engines, and playwatch says where it looked', async () => {
  const theirs = await ansible('missing.yml');
  assert.notEqual(theirs.status, 0, theirs.out);
  assert.match(theirs.out, /the role 'acme\.web\.absent' was not found/);
  const mine = await playwatch('missing.yml');
  assert.notEqual(mine.status, 0, mine.out);
  // Paths under the working directory are shown relative to it.
  const dir = `${INSTALLED}/acme/web`;
  assert.ok(
    mine.out.includes(`missing.yml:4:7: role 'acme.web.absent' not found in collection acme.web (at ${dir}): no roles/absent there`),
    mine.out,
  );
  assert.doesNotMatch(mine.out, /PLAY RECAP/);
});
