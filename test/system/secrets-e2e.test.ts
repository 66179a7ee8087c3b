/**
 * Secrets stay secret, end to end through the built CLI (`bin/playwatch.js`,
 * local connection): a run whose secrets come from role defaults, nested
 * vars, include_vars, `-e`, a `no_log` loop, the controller's environment
 * facts and a secret printed in two pieces, ending in a failure so a resume
 * command is printed, leaves none of them in clear on screen (plain output
 * with `-vvv` so commands show too, and `--ui json`), in any file of the run directory or in
 * the archive (unpacked).
 *
 * Needs a build that is not older than src/ (`npm run test:system` builds
 * when it is) and `tar`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject } from '../helpers/run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/playwatch.js');

/** Each secret and where it comes from. */
const SECRETS: Array<[source: string, value: string]> = [
  ['role defaults', 'e2e-roledef-secret'],
  ['nested vars (creds.api_password)', 'e2e-nested-secret'],
  ['include_vars', 'e2e-incvars-secret'],
  ['-e', 'e2e-extra-secret'],
  ['a no_log loop item', 'e2e-loop-item-one'],
  ['a no_log loop item', 'e2e-loop-item-two'],
  ['environment fact MY_SECRET_KEY', 'e2e-env-secret-1'],
  ['environment fact AWS_SECRET_ACCESS_KEY', 'e2e-env-secret-2'],
  ['printed in two pieces', 'splitSecretE2E'],
];

const PROJECT = {
  'inventory.ini': 'web1 ansible_connection=local\n',
  'roles/app/defaults/main.yml': 'app_password: e2e-roledef-secret\nsplit_secret: splitSecretE2E\n',
  'roles/app/tasks/main.yml': [
    '- {name: role uses it, shell: "echo using {{ app_password }}"}',
    // The two halves are written apart in the command: only the output has them together.
    '- {name: in two pieces, shell: "printf \'got spl\'; sleep .5; printf \'itSecretE2E done\'"}',
    '',
  ].join('\n'),
  'vars/extra.yml': 'db_passwd: e2e-incvars-secret\n',
  'site.yml': `
- hosts: web1
  gather_facts: true
  vars:
    creds: {user: deploy, api_password: e2e-nested-secret}
  roles: [app]
  tasks:
    - include_vars: vars/extra.yml
    - name: everything echoed
      shell: "echo {{ creds.api_password }} {{ db_passwd }} {{ api_token }} {{ ansible_env.MY_SECRET_KEY }}"
    - name: environment shown
      debug: {var: ansible_env}
    - name: hidden loop
      shell: "echo {{ item }}"
      loop: [e2e-loop-item-one, e2e-loop-item-two]
      no_log: true
    - name: breaks
      shell: "echo failing with {{ api_token }}; exit 3"
`,
};

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

function inClear(text: string): string[] {
  return SECRETS.filter(([, v]) => text.includes(v)).map(([source, v]) => `${source} (${v})`);
}

for (const ui of ['plain', 'json']) {
  test(`--ui ${ui}: no secret of a failed run is in clear on screen, in the run directory or in the archive`, () => {
    assert.ok(fs.existsSync(path.join(ROOT, 'dist/cli/main.js')), 'build first: npm run build');
    const dir = makeProject(PROJECT);
    const r = spawnSync(process.execPath, [BIN, 'run', 'site.yml', '-i', 'inventory.ini', '--ui', ui, '-vvv', '-e', 'api_token=e2e-extra-secret'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: dir, MY_SECRET_KEY: 'e2e-env-secret-1', AWS_SECRET_ACCESS_KEY: 'e2e-env-secret-2' },
      timeout: 120_000,
    });
    const screen = r.stdout + r.stderr;
    assert.equal(r.status, 2, screen);
    // The run did what it should: each secret was there to leak.
    assert.match(screen, /To resume:\n {2}playwatch run site.yml .*-e 'api_token=\*{8}' --limit @\S+at-1 --start-at-task breaks/, screen);
    assert.match(screen, /got \*{8} done/);
    assert.match(screen, ui === 'plain' ? /\(item=\(censored due to no_log\)\)/ : /"item":"\(censored due to no_log\)"/);
    assert.deepEqual(inClear(screen), [], 'on screen');

    const runDir = path.join(dir, /Run record: (.*)\/events\.jsonl/.exec(r.stderr)![1]);
    const runFiles = filesUnder(runDir);
    assert.ok(runFiles.some((f) => f.endsWith('events.jsonl')) && runFiles.some((f) => f.endsWith('run.log')), runFiles.join('\n'));
    for (const f of runFiles) assert.deepEqual(inClear(fs.readFileSync(f, 'latin1')), [], f);

    const archive = path.join(dir, /Archive: (.*)/.exec(r.stderr)![1]);
    const unpacked = fs.mkdtempSync(path.join(dir, 'unpacked-'));
    const tar = spawnSync('tar', ['-xzf', archive, '-C', unpacked], { encoding: 'utf8' });
    assert.equal(tar.status, 0, tar.stderr);
    const archived = filesUnder(unpacked);
    assert.ok(archived.length >= runFiles.length - 1, archived.join('\n'));
    for (const f of archived) assert.deepEqual(inClear(fs.readFileSync(f, 'latin1')), [], f);
  });
}
