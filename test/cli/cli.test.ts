import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject, LOCAL_INVENTORY } from '../helpers/run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

/** Runs the CLI from source in `cwd`, as a user would. */
function playwatch(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent' },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const OK = `
- hosts: web
  gather_facts: false
  tasks:
    - {name: fine, command: "true"}
`;

test('a clean run exits 0 and writes a private run record whose first event carries the schema', () => {
  const dir = makeProject({ 'inventory.ini': LOCAL_INVENTORY, 'site.yml': OK });
  const r = playwatch(dir, 'run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /PLAY RECAP/);
  const m = /Run record: (.*events\.jsonl)/.exec(r.err);
  assert.ok(m, r.err);
  const file = path.join(dir, m[1]);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
  const first = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]);
  assert.equal(first.type, 'run.start');
  assert.equal(first.schema, 1);
});

test('a failed host exits 2', () => {
  const dir = makeProject({
    'inventory.ini': LOCAL_INVENTORY,
    'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: breaks, command: "false"}
`,
  });
  const r = playwatch(dir, 'run', 'site.yml', '-i', 'inventory.ini');
  assert.equal(r.code, 2, r.err);
  assert.match(r.out, /fatal: \[web1\]: FAILED!/);
});

test('an unknown module exits 1 with its position and a suggestion', () => {
  const dir = makeProject({
    'inventory.ini': LOCAL_INVENTORY,
    'site.yml': `
- hosts: web1
  tasks:
    - name: typo
      comand: ls
`,
  });
  const r = playwatch(dir, 'run', 'site.yml', '-i', 'inventory.ini');
  assert.equal(r.code, 1);
  assert.match(r.err, /site\.yml:5:7: unknown module 'comand' \(did you mean 'command'\?\)/);
});

test('extra vars come from k=v, JSON and @file, later ones winning', () => {
  const dir = makeProject({
    'inventory.ini': LOCAL_INVENTORY,
    'extra.yml': 'b: from-file\nc: from-file\n',
    'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - debug: {msg: "{{ a }} {{ b }} {{ c }}"}
`,
  });
  const r = playwatch(dir, 'run', 'site.yml', '-i', 'inventory.ini', '-e', 'a=kv b=kv', '-e', '@extra.yml', '-e', '{"c": "json"}');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /"msg": "kv from-file json"/);
});

test('--list-hosts and --list-tasks show what would run without running it', () => {
  const dir = makeProject({ 'inventory.ini': LOCAL_INVENTORY, 'site.yml': OK });
  const r = playwatch(dir, 'run', 'site.yml', '-i', 'inventory.ini', '--list-hosts', '--list-tasks', '--limit', 'web1');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /hosts \(1\):\n\s+web1\n/);
  assert.match(r.out, /fine\tTAGS: \[\]/);
  assert.ok(!fs.existsSync(path.join(dir, '.playwatch')));
});

test('--version prints the package version', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const r = playwatch(ROOT, '--version');
  assert.equal(r.out.trim(), pkg.version);
});
