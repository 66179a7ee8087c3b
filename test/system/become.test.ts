/**
 * `-K` with the real sudo (Debian package `sudo`; `npm run test:system`
 * checks it is installed before running this).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject } from '../helpers/run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

test('-K reads the become password once, hands it to sudo on stdin, and keeps it out of the record', () => {
  const dir = makeProject({
    'inventory.ini': '[web]\nweb1 ansible_connection=local playwatch_local_root=hosts/web1 playwatch_lock_path=~/.playwatch/lock\n',
    'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: who, command: id -un, become: true, register: who}
    - debug: {msg: "{{ who.stdout }}"}
`,
  });
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', 'site.yml', '-i', 'inventory.ini', '-K'], {
    cwd: dir,
    input: 's3cret-become-pw\n',
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: dir },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /BECOME password: /);
  assert.match(r.stdout, /"msg": "root"/);
  const record = /Run record: (.*events\.jsonl)/.exec(r.stderr)![1];
  assert.ok(!fs.readFileSync(path.join(dir, record), 'utf8').includes('s3cret-become-pw'));
});
