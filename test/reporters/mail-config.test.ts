/** The typed `mail:` section and the run-record settings of playwatch.yml, and how --mail-to joins them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { UserError } from '../../src/model/index.js';
import { mailConfig, createRunRecord } from '../../src/reporters/run-record.js';

function load(yml: string, env: NodeJS.ProcessEnv = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-mailcfg-'));
  for (const d of ['cwd', 'home']) fs.mkdirSync(path.join(root, d));
  fs.writeFileSync(path.join(root, 'cwd/playwatch.yml'), yml);
  return loadConfig({ cwd: path.join(root, 'cwd'), home: path.join(root, 'home'), env, systemConfig: path.join(root, 'none.cfg') });
}

test('the mail section is typed, with defaults filled in', () => {
  const c = load(['mail:', '  host: smtp.example.com', '  port: 587', '  starttls: yes', '  user: deploy', '  password_env: SMTP_PASSWORD', '  from: deploy@example.com', '  to: [ops@example.com, dev@example.com]'].join('\n'));
  assert.deepEqual(c.settings.mail, {
    host: 'smtp.example.com',
    port: 587,
    secure: false,
    starttls: true,
    user: 'deploy',
    passwordEnv: 'SMTP_PASSWORD',
    from: 'deploy@example.com',
    to: ['ops@example.com', 'dev@example.com'],
    on: ['failed', 'unreachable', 'aborted'],
  });
  assert.equal(c.sources.mail, 'playwatch.yml');
});

test('secure mail defaults to port 465, plain to 25, and one address may be a string', () => {
  assert.equal(load('mail: {secure: true, to: a@example.com}').settings.mail!.port, 465);
  const plain = load('mail: {to: a@example.com, on: [unreachable]}').settings.mail!;
  assert.equal(plain.port, 25);
  assert.equal(plain.host, 'localhost');
  assert.deepEqual(plain.to, ['a@example.com']);
  assert.deepEqual(plain.on, ['unreachable']);
  assert.match(plain.from, /^playwatch@/);
});

test('mistakes in the mail section are errors at the section\'s position', () => {
  const cases: Array<[string, RegExp]> = [
    ['mail:\n  passwd_env: PW', /playwatch\.yml:2:3: mail: unknown key 'passwd_env' \(did you mean 'password_env'\?\)/],
    ['mail:\n  port: 99999', /mail: 'port' must be a whole number from 1 to 65535, got 99999/],
    ['mail:\n  on: [failed, exploded]', /mail: 'on' takes failed, unreachable, aborted; got "exploded"/],
    ['mail:\n  to: [not-an-address]', /mail: 'to' must be an e-mail address/],
    ['mail:\n  secure: maybe', /mail: 'secure' must be true or false \(yes\/no\), got "maybe"/],
    ['mail: smtp.example.com', /mail: expected a mapping/],
  ];
  for (const [yml, re] of cases) {
    assert.throws(() => load(yml), (err: unknown) => err instanceof UserError && re.test(err.message), yml);
  }
});

test('profile and runs settings come from playwatch.yml, the environment or ansible.cfg names', () => {
  const c = load('profile_limit: 25\nruns_keep: 7\nruns_max_mb: 300\n', { ANSIBLE_PROFILE_TASKS_SORT_ORDER: 'ascending' });
  assert.equal(c.settings.profileLimit, 25);
  assert.equal(c.settings.profileSort, 'ascending');
  assert.equal(c.settings.runsKeep, 7);
  assert.equal(c.settings.runsMaxMb, 300);
  const d = load('');
  assert.deepEqual([d.settings.profileLimit, d.settings.profileSort, d.settings.runsKeep, d.settings.runsMaxMb, d.settings.mail], [10, 'descending', 100, 1024, undefined]);
  assert.throws(() => load('profile_sort: fastest'), /expected one of descending, ascending, none/);
});

test('--mail-to without a mail section sends through localhost:25', () => {
  const m = mailConfig(undefined, ['oncall@example.com']);
  assert.equal(m?.host, 'localhost');
  assert.equal(m?.port, 25);
  assert.deepEqual(m?.to, ['oncall@example.com']);
  assert.deepEqual(m?.on, ['failed', 'unreachable', 'aborted']);
  assert.equal(mailConfig(undefined, []), undefined);
  assert.deepEqual(mailConfig(undefined, ['a@x.test, b@x.test', 'a@x.test'])?.to, ['a@x.test', 'b@x.test']);
  assert.throws(() => mailConfig(undefined, ['oncall']), /--mail-to: 'oncall' is not an e-mail address/);
});

test('the loaded settings can be handed to the run record as they are', () => {
  const c = load('mail: {to: a@example.com}\nruns_keep: 3');
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-rr-'));
  const record = createRunRecord({ runDir, settings: c.settings });
  assert.deepEqual(record.reporters.map((r) => r.name), ['run-log', 'host-logs', 'summary']);
  for (const r of record.reporters) void r.close?.();
});

test('playwatch.yml and --mail-to take and refuse the same addresses (one rule)', () => {
  const cases: Array<[string, boolean]> = [
    ['ops@example.com', true],
    ['Ops Team <ops@example.com>', true],
    ['oncall', false],
    ['ops @example.com', false],
    ['ops@example.com>', false],
    ['a@@example.com', false],
    ['ops@example.com\\nBcc: all@example.com', false],
  ];
  for (const [addr, ok] of cases) {
    const yml = `mail:\n  to: ["${addr}"]`;
    const fromYml = (() => { try { load(yml); return true; } catch { return false; } })();
    const fromFlag = (() => { try { mailConfig(undefined, [JSON.parse(`"${addr}"`)]); return true; } catch { return false; } })();
    assert.deepEqual([fromYml, fromFlag], [ok, ok], addr);
  }
});
