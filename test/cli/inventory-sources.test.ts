import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject } from '../helpers/run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

const SCRIPT = `#!/bin/sh
echo '{"app": {"hosts": ["app1", "app2"], "vars": {"ansible_connection": "local"}}, "_meta": {"hostvars": {"app1": {"color": "blue"}, "app2": {"color": "green"}}}}'
`;

function playwatch(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', ...args, '--ui', 'plain'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', HOME: dir, ANSIBLE_CONFIG: undefined, ...env },
    timeout: 60_000,
  });
}

function project(files: Record<string, string>, executable: string[]): string {
  const dir = makeProject(files);
  for (const f of executable) fs.chmodSync(path.join(dir, f), 0o755);
  return dir;
}

test('ansible.cfg naming an inventory directory with a script and a constructed file runs the play on the constructed group', () => {
  const dir = project(
    {
      'ansible.cfg': '[defaults]\ninventory = inventory\n',
      'inventory/10-hosts.sh': SCRIPT,
      'inventory/20-by-color.yml': 'plugin: constructed\nkeyed_groups:\n  - {key: color, prefix: color}\n',
      'site.yml': '- hosts: color_green\n  gather_facts: false\n  tasks:\n    - debug: {msg: "{{ inventory_hostname }} is {{ color }}"}\n',
    },
    ['inventory/10-hosts.sh'],
  );
  const r = playwatch(dir, ['site.yml']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /"msg": "app2 is green"/);
  assert.match(r.stdout, /app2\s+: ok=1/);
  assert.doesNotMatch(r.stdout, /app1\s+:/);
});

test('ANSIBLE_INVENTORY can name the script too', () => {
  const dir = project({ 'hosts.sh': SCRIPT, 'site.yml': '- hosts: app\n  gather_facts: false\n  tasks: [{debug: {var: color}}]\n' }, ['hosts.sh']);
  const r = playwatch(dir, ['site.yml'], { ANSIBLE_INVENTORY: 'hosts.sh' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /app1\s+: ok=1/);
  assert.match(r.stdout, /app2\s+: ok=1/);
});

test('an inventory script that hangs stops the run before anything starts, after inventory_script_timeout, exit 1', () => {
  const dir = project(
    { 'hosts.sh': '#!/bin/sh\nsleep 60\n', 'playwatch.yml': 'inventory_script_timeout: 1\n', 'site.yml': '- hosts: all\n  tasks: []\n' },
    ['hosts.sh'],
  );
  const started = Date.now();
  const r = playwatch(dir, ['site.yml', '-i', 'hosts.sh']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /inventory script .*hosts\.sh --list did not finish within 1 s and was killed/);
  assert.ok(Date.now() - started < 20_000);
});

test('a cloud inventory plugin is one error saying how to export it, exit 1', () => {
  const dir = project({ 'aws_ec2.yml': 'plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n', 'site.yml': '- hosts: all\n  tasks: []\n' }, []);
  const r = playwatch(dir, ['site.yml', '-i', 'aws_ec2.yml']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /aws_ec2\.yml:1:9: inventory plugin 'amazon\.aws\.aws_ec2' is not built into playwatch/);
  assert.match(r.stderr, /ansible-inventory -i .*aws_ec2\.yml --list --yaml > inventory\.yml/);
});
