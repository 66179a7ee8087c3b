/**
 * Seed 002's devops repo as an on-call engineer runs it: `cd` into it and
 * `playwatch run site.yml`, no flags. ansible.cfg names the inventory (a
 * directory: an INI file, a script, vaulted group_vars) and the vault
 * password file; site.yml imports the api and worker playbooks, whose tasks
 * use fully qualified module names and an inline `!vault` value. The same
 * run through ansible-playbook is in test/system/seeds-parity.test.ts; its
 * recap is the one checked here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { recapOf } from '../contract/views.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const FIXTURE = path.join(ROOT, 'fixtures/seed002');

/** What the vault holds (group_vars/all/vault.yml and api.yml's inline `sentry_dsn`). */
const SECRETS = ['Kq7-tr0ut-Lamp-92', '4f1c9e7a-bd20-seed002-c0ffee', 'https://9f3b2c71e0@sentry.mgt.gen.local/12'];

/** ansible-playbook's recap of `ansible-playbook site.yml` in the fixture (ansible-core 2.14). */
const RECAP = {
  'elh-api1': [12, 8, 0, 0, 0, 0, 0],
  'elh-beat1': [12, 9, 0, 0, 0, 0, 0],
  'elh-worker1': [16, 12, 0, 0, 0, 0, 0],
  'elh-worker2': [16, 12, 0, 0, 0, 0, 0],
};

/** A copy of the fixture, so the hosts' targets/ is made outside the repository. */
function copyOfFixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-seed002-'));
  fs.cpSync(FIXTURE, dir, { recursive: true, filter: (src) => path.basename(src) !== 'targets' });
  return dir;
}

function playwatch(cwd: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', NO_COLOR: '1', HOME: cwd, ANSIBLE_CONFIG: undefined, ANSIBLE_VAULT_PASSWORD_FILE: undefined, ANSIBLE_INVENTORY: undefined },
    timeout: 120_000,
  });
}

/** Every file under `dir`, the run's archive unpacked among them: path → text. */
function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, rel);
    if (fs.lstatSync(p).isFile()) out.set(rel, fs.readFileSync(p, 'latin1'));
  }
  return out;
}

test('seed 002 with `playwatch run site.yml` and nothing else: ansible.cfg gives the inventory directory and the vault password, the recap is ansible-playbook\'s, and no vault secret reaches the run directory', () => {
  const dir = copyOfFixture();
  const runs = path.join(dir, '.playwatch/runs');
  const r = playwatch(dir, ['run', 'site.yml', '--ui', 'plain']);
  assert.equal(r.status, 0, r.stderr + r.stdout.slice(-3000));
  assert.deepEqual(recapOf(r.stdout), RECAP);

  // The vaulted values did their work on the target.
  const secrets = fs.readFileSync(path.join(dir, 'targets/elh-api1/srv/api/shared/config/secrets.ini'), 'utf8');
  assert.equal(
    secrets,
    `[secrets]\nDATABASE_URL=postgres://api:${SECRETS[0]}@db.mgt.gen.local:5432/api\nSECRET_KEY=${SECRETS[1]}\nSENTRY_DSN=${SECRETS[2]}\n`,
  );
  // The script's host var reached the handler.
  assert.equal(fs.readFileSync(path.join(dir, 'targets/elh-api1/srv/api/log/api/uwsgi.log'), 'utf8'), 'uwsgi api restarted on release 2018.06.14-3 at elh-api1.mgt.gen.local\n');

  const [runId] = fs.readdirSync(runs).filter((n) => !n.endsWith('.tar.gz'));
  assert.ok(runId, `a run directory under ${runs}`);
  const unpacked = path.join(dir, 'unpacked');
  fs.mkdirSync(unpacked);
  tar.x({ file: path.join(runs, `${runId}.tar.gz`), cwd: unpacked, sync: true });
  const files = new Map([...filesUnder(path.join(runs, runId)), ...[...filesUnder(unpacked)].map(([k, v]) => [`archive:${k}`, v] as const)]);
  assert.ok(files.has('events.jsonl') && files.has('run.log') && [...files.keys()].some((k) => k.startsWith('archive:')), [...files.keys()].join(', '));
  for (const [file, text] of files) for (const s of SECRETS) assert.ok(!text.includes(s), `${file} holds the secret ${s}`);
  for (const s of SECRETS) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), `the console shows ${s}`);

  // A second run finds everything in place.
  const again = playwatch(dir, ['run', 'site.yml', '--ui', 'plain']);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(Object.values(recapOf(again.stdout)).map((row) => row[1]), [0, 0, 0, 0]);
});

test('seed 002 with a wrong vault password: one error at the first vaulted value read (the inline !vault in api.yml), exit 1, nothing run', () => {
  const dir = copyOfFixture();
  fs.writeFileSync(path.join(dir, '.vault-password'), 'not-the-password\n');
  const r = playwatch(dir, ['run', 'site.yml', '--ui', 'plain']);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /^ERROR! ansible\/api\.yml:9:24: vault decryption failed: tried 'default' from file .*\.vault-password; the password is wrong/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.ok(!fs.existsSync(path.join(dir, 'targets')), 'no host was touched');
});
