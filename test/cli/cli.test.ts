import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
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
    // A HOME of its own: local hosts keep their deploy lock and async jobs there.
    env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: cwd },
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
  assert.equal(first.schema, 2);
});

test('-vvv reaches plain output and run.log: each command with its exit code and time', () => {
  const dir = makeProject({ 'inventory.ini': LOCAL_INVENTORY, 'site.yml': OK });
  const rows: Array<[string[], boolean]> = [
    [[], false],
    [['-vvv'], true],
    [['-v', '-v', '-v'], true],
  ];
  for (const [flags, shown] of rows) {
    const r = playwatch(dir, 'run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', ...flags);
    assert.equal(r.code, 0, r.err);
    const exec = /^<web\d> EXEC exec 'true' \(rc=0, \d+ ms\)$/m;
    assert.equal(exec.test(r.out), shown, `${flags.join(' ')}:\n${r.out}`);
    const log = fs.readFileSync(path.join(dir, /Run log: (.*)/.exec(r.err)![1]), 'utf8');
    assert.equal(exec.test(log), shown, flags.join(' '));
  }
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

test('-c local runs hosts without ansible_connection on this machine, as ansible-playbook -c local does; an unknown type is refused', () => {
  const dir = makeProject({
    'inventory.ini': 'far ansible_host=nosuch.invalid\n',
    'site.yml': `
- hosts: far
  gather_facts: false
  tasks:
    - {name: here, command: "echo ran-locally"}
`,
  });
  const local = playwatch(dir, 'run', 'site.yml', '-i', 'inventory.ini', '-c', 'local', '--ui', 'plain');
  assert.equal(local.code, 0, local.out + local.err);
  assert.match(local.out, /^changed: \[far\]$/m);
  const bad = playwatch(dir, 'run', 'site.yml', '-i', 'inventory.ini', '--connection', 'docker', '--ui', 'plain');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /-c\/--connection 'docker' is not supported: playwatch connects with 'local' or 'ssh'/);
});

test('--version prints the package version', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const r = playwatch(ROOT, '--version');
  assert.equal(r.out.trim(), pkg.version);
});

/** Starts the CLI, sends `signal` `afterMs` after stdout first shows `when`, and collects everything. */
function playwatchSignalled(cwd: string, signal: NodeJS.Signals, when: RegExp, afterMs: number, ...args: string[]) {
  return new Promise<{ code: number | null; out: string; err: string; ms: number }>((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], {
      cwd,
      env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: cwd },
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d) => {
      out += d;
      if (!timer && when.test(out)) timer = setTimeout(() => child.kill(signal), afterMs);
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, ms: Date.now() - started });
    });
  });
}

const ROLLOUT = `
- hosts: all
  gather_facts: false
  serial: 1
  tasks:
    - {name: step one, shell: "sleep 1.2; echo one >> done.log"}
    - {name: step two, shell: "echo two >> done.log"}
`;

test('Ctrl-C drains (exit 99) and the printed resume commands, pasted, finish the rollout', async () => {
  const inventory = '[all]\na ansible_connection=local playwatch_local_root=hosts/a\nb ansible_connection=local playwatch_local_root=hosts/b\nc ansible_connection=local playwatch_local_root=hosts/c\n[all:vars]\nplaywatch_lock_path=~/.playwatch/lock\n';
  const dir = makeProject({ 'inventory.ini': inventory, 'site.yml': ROLLOUT });
  const first = await playwatchSignalled(dir, 'SIGINT', /TASK \[step one\]/, 300, 'run', 'site.yml', '-i', 'inventory.ini');
  assert.equal(first.code, 99, first.err);
  const commands = first.err.split('\n').filter((l) => l.startsWith('  playwatch run '));
  assert.ok(commands.length >= 1, first.err);
  for (const cmd of commands) {
    const r = spawnSync('sh', ['-c', cmd.trim().replace(/^playwatch /, `${shq(process.execPath)} --import ${shq(import.meta.resolve('tsx'))} ${shq(MAIN)} `)], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: dir },
    });
    assert.equal(r.status, 0, r.stderr);
  }
  for (const h of ['a', 'b', 'c']) {
    const log = fs.readFileSync(path.join(dir, 'hosts', h, 'done.log'), 'utf8');
    assert.ok(log.includes('one') && log.includes('two'), `${h} finished both steps: ${JSON.stringify(log)}`);
  }
});

test('SIGTERM drains, then kills when the drain outlasts its budget', async () => {
  const dir = makeProject({ 'inventory.ini': LOCAL_INVENTORY, 'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: hang, command: sleep 30}
` });
  const r = await playwatchSignalled(dir, 'SIGTERM', /TASK \[hang\]/, 200, 'run', 'site.yml', '-i', 'inventory.ini', '--drain-timeout', '1');
  assert.equal(r.code, 99);
  assert.ok(r.ms < 10_000, `ended in ${r.ms} ms`);
  assert.match(r.out, /ABORT REQUESTED \(drain, by SIGTERM\)/);
  assert.match(r.out, /ABORT REQUESTED \(kill, by (SIGTERM|drain timeout)\)/);
});

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
