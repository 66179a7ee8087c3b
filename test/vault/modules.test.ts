/**
 * Modules that read controller files open vault as ansible-core's do:
 * `copy` (a file or a directory; `decrypt: no` copies the vault text as
 * it is), `template` and `include_vars`; `vars_files` of a play too. What
 * they open is masked in every event, and a copy's diff does not show it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runProject } from '../helpers/run.js';
import { bothPasswords, INLINE_11, read, SECRET_CONF, VARS_SECRETS } from './fixtures.js';

const SITE = `
- hosts: web1
  gather_facts: false
  vars_files: [vault.yml]
  tasks:
    - {name: copy file, copy: {src: secret.conf, dest: "{{ playbook_dir }}/out/file.conf"}}
    - {name: copy raw, copy: {src: secret.conf, dest: "{{ playbook_dir }}/out/raw.conf", decrypt: false}}
    - {name: copy dir, copy: {src: conf.d/, dest: "{{ playbook_dir }}/out/dir"}}
    - {name: template, template: {src: app.j2, dest: "{{ playbook_dir }}/out/app.conf"}}
    - {name: include, include_vars: inline.yml}
    - {name: show, debug: {msg: "{{ db_password }} {{ inline_11 }}"}}
    - {name: cat, shell: "cat {{ playbook_dir }}/out/file.conf {{ playbook_dir }}/out/dir/secret.conf"}
`;

test('copy, template, include_vars and vars_files open encrypted files; events show none of it', async () => {
  const run = await runProject({
    files: {
      'site.yml': SITE,
      'vault.yml': read('vars-1.1.yml'),
      'files/secret.conf': read('secret.conf'),
      'files/conf.d/secret.conf': read('secret.conf'),
      // An encrypted template: opened, then rendered.
      'templates/app.j2': read('app.j2.vault'),
      'vars/inline.yml': read('inline-1.1.yml'),
      'out/dir/.keep': '',
    },
    vault: bothPasswords(),
    diff: true,
  });
  const out = (f: string) => fs.readFileSync(path.join(run.dir, 'out', f), 'utf8');
  assert.equal(run.exitCode, 0, run.plain);
  assert.equal(out('file.conf'), SECRET_CONF);
  assert.equal(out('dir/secret.conf'), SECRET_CONF);
  assert.equal(out('raw.conf'), read('secret.conf'), 'decrypt: no copies the vault text');
  assert.equal(out('app.conf'), `db = ${VARS_SECRETS[0]}\n`);
  const copied = run.of('host.ok').find((e) => e.task.name === 'copy file')!;
  assert.equal(copied.result.diff, undefined, 'no diff of an encrypted source');
  const shown = JSON.stringify(run.events) + run.plain;
  assert.match(run.plain, /"msg": "\*{8} \*{8}"/);
  for (const v of [...VARS_SECRETS, INLINE_11, 'copy-source-secret-42']) assert.ok(!shown.includes(v), v);
});
