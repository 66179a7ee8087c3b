import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { atLeast, parseVersion, killJobsScript } from '../../src/ansible/index.js';
import { playbookArgs, connectionArgs } from '../../src/ansible/args.js';
import { checkPlaywatchKeywords } from '../../src/ansible/keywords.js';
import { errorOf, exitCodeFor, fatalLine } from '../../src/ansible/outcome.js';
import { zeroStats } from '../../src/events/index.js';

test('ansible-core versions: read from --version, compared to 2.12', () => {
  const rows: Array<[string, string | undefined, boolean]> = [
    ['ansible-playbook [core 2.14.18]\n  config file = None', '2.14.18', true],
    ['ansible-playbook [core 2.12.0]', '2.12.0', true],
    ['ansible-playbook [core 2.11.12]', '2.11.12', false],
    ['ansible-playbook 2.9.27\n  config file', '2.9.27', false],
    ['ansible-playbook [core 2.16.0rc1]', '2.16.0rc1', true],
  ];
  for (const [text, version, ok] of rows) {
    assert.equal(parseVersion(text), version, text);
    assert.equal(atLeast(version!, [2, 12]), ok, text);
  }
  assert.equal(parseVersion('nothing here'), undefined);
});

test("playwatch run's options become ansible-playbook's, the playbook, then what came after --", () => {
  const args = playbookArgs(
    'site.yml',
    {
      inventory: ['inv.ini', 'more'], limit: 'web:!web3', tags: ['a,b'], skipTags: ['c'], extraVars: ['v=1', '@x.yml'], forks: 7,
      check: true, diff: true, user: 'deploy', connection: 'local', privateKey: 'k', timeout: 5, become: true, becomeUser: 'app',
      startAtTask: 'role : t', verbose: 2, vaultId: ['prod@f'], vaultPasswordFile: ['pw'], becomePasswordFile: '/t/b', connectionPasswordFile: '/t/s',
    },
    ['--flush-cache'],
  );
  assert.deepEqual(args, [
    '-i', 'inv.ini', '-i', 'more', '-l', 'web:!web3', '-t', 'a,b', '--skip-tags', 'c', '-e', 'v=1', '-e', '@x.yml', '-f', '7',
    '--check', '--diff', '-u', 'deploy', '-c', 'local', '--private-key', 'k', '-T', '5', '--become', '--become-user', 'app',
    '--start-at-task', 'role : t', '--vault-id', 'prod@f', '--vault-password-file', 'pw', '--become-password-file', '/t/b',
    '--connection-password-file', '/t/s', '-vv', 'site.yml', '--flush-cache',
  ]);
  assert.deepEqual(connectionArgs({ inventory: ['i'], user: 'u', limit: 'x', tags: ['t'], check: true }), ['-i', 'i', '-u', 'u']);
});

test("a playbook using playwatch's own keywords stops under ansible-core with the keyword and where it is, imports followed", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-kw-'));
  fs.writeFileSync(path.join(dir, 'site.yml'), '- import_playbook: deploy.yml\n- hosts: all\n  tasks: []\n');
  fs.writeFileSync(path.join(dir, 'deploy.yml'), '- hosts: web\n  max_concurrent_per: "{{ group }}"\n  max_concurrent: 1\n  tasks: []\n');
  fs.writeFileSync(path.join(dir, 'plain.yml'), '- hosts: all\n  serial: 2\n  tasks: []\n');
  assert.throws(() => checkPlaywatchKeywords(path.join(dir, 'site.yml')), /deploy\.yml:2:3: 'max_concurrent_per' is playwatch's own keyword \(group budgets\)/);
  assert.doesNotThrow(() => checkPlaywatchKeywords(path.join(dir, 'plain.yml')));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the exit code comes from the stats, an abort, or the error that stopped ansible-playbook (DESIGN §6)', () => {
  const st = (x: Partial<ReturnType<typeof zeroStats>>) => ({ h: { ...zeroStats(), ...x } });
  const rows: Array<[string, Parameters<typeof exitCodeFor>[0], number]> = [
    ['all ok', { aborted: false, ansibleCode: 0, stats: st({ ok: 3 }) }, 0],
    ['a host failed', { aborted: false, ansibleCode: 2, stats: st({ failed: 1 }) }, 2],
    ['unreachable and failed', { aborted: false, ansibleCode: 4, stats: { ...st({ failed: 1 }), u: { ...zeroStats(), unreachable: 1 } } }, 4],
    ['drained', { aborted: true, ansibleCode: 0, stats: st({ failed: 1 }) }, 99],
    ['a parse error', { aborted: false, ansibleCode: 4, stats: {}, fatal: { message: 'x', user: true } }, 1],
    ['ansible-core crashed', { aborted: false, ansibleCode: 250, stats: {}, fatal: { message: 'x', user: false } }, 250],
  ];
  for (const [what, r, code] of rows) assert.equal(exitCodeFor(r), code, what);
});

test("ansible-playbook's ERROR! is the run's fatal line; no record from the plugin is said plainly", () => {
  const tail = "ERROR! couldn't resolve module/action 'nope.nope.x'. This often indicates a misspelling.\n\nThe error appears to be in '/p/site.yml': line 3, column 7, but may\nbe elsewhere\n";
  assert.equal(errorOf(tail), "couldn't resolve module/action 'nope.nope.x'. This often indicates a misspelling. ('/p/site.yml': line 3, column 7)");
  const yamlError = "ERROR! We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: Expecting value: line 1 column 1 (char 0)\n\nSyntax Error while loading YAML.\n  did not find expected key\n\nThe error appears to be in '/p/bad.yml': line 5, column 6, but may\nbe elsewhere\n";
  assert.equal(
    errorOf(yamlError),
    "We were unable to read either as JSON nor YAML, these are the errors we got from each: JSON: Expecting value: line 1 column 1 (char 0) Syntax Error while loading YAML. did not find expected key ('/p/bad.yml': line 5, column 6)",
  );
  const base = { code: 4, hello: true, helloFailed: false, gotStats: false, tail, pluginDir: '/pkg/ansible/callback', helloTimeoutMs: 5000 };
  assert.deepEqual(fatalLine(base), { message: errorOf(tail), user: true });
  assert.match(fatalLine({ ...base, tail: 'boom', helloFailed: true, hello: false })!.message, /did not load playwatch's callback plugin \(\/pkg\/ansible\/callback\) within 5 s/);
  assert.match(fatalLine({ ...base, tail: '[WARNING]: Skipping plugin', hello: false, code: 0 })!.message, /exited with 0 without loading playwatch's callback plugin/);
  assert.equal(fatalLine({ ...base, gotStats: true, code: 2 }), undefined);
  const broken = "[WARNING]: Skipping plugin (/pkg/ansible/callback/playwatch.py), cannot load: No\nmodule named 'x'\nERROR! Unexpected Exception, this is probably a bug: No module named 'x'\n";
  assert.deepEqual(fatalLine({ ...base, tail: broken, hello: false, code: 250 }), { message: "ansible-core could not load playwatch's callback plugin (/pkg/ansible/callback/playwatch.py): No module named 'x'", user: false });
});

test('the kill script finds a job by the number before the dot, never itself', () => {
  const s = killJobsScript(['j123.45', '678.9', 'bad;rm']);
  assert.match(s, /^for n in j123 678; do/);
  assert.match(s, /pgrep -f "async_wrappe\[r\]\.py \$n "/);
});
