/**
 * ansible.cfg keys that change what a run does, through the CLI: ssh_args'
 * User and Port beat the inventory's (they come first on ansible-core's ssh
 * command line, and OpenSSH keeps an option's first value), private_key_file
 * is the key, and retry_files_enabled writes `<playbook>.retry`.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeProject } from '../helpers/run.js';
import { generateKey, startSshServer } from '../helpers/ssh-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const run = promisify(execFile);

/** Runs the CLI without blocking this process (the SSH server lives here). */
async function playwatch(dir: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', ...args, '--ui', 'plain'], {
      cwd: dir,
      env: { ...process.env, CI: 'true', HOME: dir, ANSIBLE_CONFIG: undefined, ANSIBLE_SSH_ARGS: undefined, ANSIBLE_PRIVATE_KEY_FILE: undefined },
      timeout: 60_000,
    });
    return { status: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { status: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

const key = generateKey();
const server = await startSshServer({ authorizedKey: key.public });
after(() => server.close());

test("ssh_args -o User/-o Port beat the inventory's ansible_user and ansible_port, private_key_file is the key, StrictHostKeyChecking=no trusts the host; ControlPersist is moot", async () => {
  const dir = makeProject({
    'ansible.cfg': [
      '[defaults]',
      'inventory = hosts',
      'private_key_file = deploy_key',
      '[ssh_connection]',
      `ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o User=deployer -o Port=${server.port} -o StrictHostKeyChecking=no`,
    ].join('\n'),
    hosts: `[web]\nweb1 ansible_host=127.0.0.1 ansible_port=1 ansible_user=nobody-here playwatch_lock_path=LOCK\n`,
    deploy_key: key.private,
    'site.yml': '- hosts: web\n  gather_facts: false\n  tasks:\n    - command: echo over ssh\n',
  });
  fs.chmodSync(path.join(dir, 'deploy_key'), 0o600);
  fs.writeFileSync(path.join(dir, 'hosts'), fs.readFileSync(path.join(dir, 'hosts'), 'utf8').replace('LOCK', path.join(dir, 'lock')));
  const r = await playwatch(dir, ['site.yml']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /web1\s+: ok=1 /);
  assert.ok(server.users.length > 0 && server.users.every((u) => u === 'deployer'), server.users.join(','));
  assert.doesNotMatch(r.stderr, /ssh_args/, 'nothing in these ssh_args needs a note');
  assert.match(r.stderr, /host key checking is OFF/);
});

test('retry_files_enabled writes <playbook>.retry with the failed hosts, sorted, and says how to use it; a clean run writes none', async () => {
  const dir = makeProject({
    'ansible.cfg': '[defaults]\ninventory = hosts\nretry_files_enabled = True\n',
    hosts: '[web]\nweb2\nweb1\nweb3\n[all:vars]\nansible_connection=local\nplaywatch_lock_path=~/.playwatch/lock\n',
    'deploy.yml': '- hosts: web\n  gather_facts: false\n  tasks:\n    - fail: {msg: broken}\n      when: inventory_hostname != "web2"\n',
    'ok.yml': '- hosts: web\n  gather_facts: false\n  tasks:\n    - debug: {msg: fine}\n',
  });
  const r = await playwatch(dir, ['deploy.yml']);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'deploy.retry'), 'utf8'), 'web1\nweb3\n');
  assert.match(r.stdout + r.stderr, new RegExp(`\\tto retry, use: --limit @${path.join(dir, 'deploy.retry').replaceAll('/', '\\/')}`));
  const ok = await playwatch(dir, ['ok.yml']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(!fs.existsSync(path.join(dir, 'ok.retry')));
});
