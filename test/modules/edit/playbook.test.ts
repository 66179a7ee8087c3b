/**
 * lineinfile, blockinfile and replace in a playbook on the local transport:
 * `--check` predicts exactly the changes the run then makes, `--diff` prints
 * them (and nothing of a `no_log` task), a second run changes nothing, and
 * a misspelt argument stops the playbook at load with its position.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProject, type TestRun } from '../../helpers/run.js';
import { tempDir } from '../context.js';

const INVENTORY = '[all]\nh1 ansible_connection=local\n';

const PLAY = `- hosts: all
  gather_facts: false
  tasks:
    - name: port line
      lineinfile: { path: app.conf, regexp: '^port=', line: 'port=8080', mode: '0640' }
    - name: bind first
      lineinfile: { path: app.conf, line: 'bind=0.0.0.0', insertbefore: BOF }
    - name: managed block
      blockinfile: { path: app.conf, block: "a=1\\nb=2", marker: "; {mark} app" }
    - name: name suffix
      replace: { path: app.conf, regexp: '^name=(\\w+)$', replace: 'name=\\g<1>-app' }
      register: rep
    - name: secret line
      lineinfile: { path: app.conf, line: 'token=s3cret' }
      no_log: true
    - name: what replace said
      assert:
        that: ["rep.rc == 0", "rep.msg in ['1 replacements made', '']"]
`;

const FINAL = 'bind=0.0.0.0\nname=x-app\nport=8080\n; BEGIN app\na=1\nb=2\n; END app\ntoken=s3cret\n';

function hosts(): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'h1'));
  fs.writeFileSync(path.join(dir, 'h1', 'app.conf'), 'name=x\nport=80\n');
  fs.chmodSync(path.join(dir, 'h1', 'app.conf'), 0o644);
  return dir;
}

const run = (hostsDir: string, o: { check?: boolean; diff?: boolean } = {}) =>
  runProject({ files: { 'site.yml': PLAY, 'inventory.ini': INVENTORY }, hostsDir, ...o });

const TASKS = ['port line', 'bind first', 'managed block', 'name suffix', 'secret line'];
const outcome = (r: TestRun) => TASKS.map((t) => r.results(t).h1);

test('--check predicts the changes the run makes, and a second run changes nothing', async () => {
  const dir = hosts();
  const file = path.join(dir, 'h1', 'app.conf');
  const check = await run(dir, { check: true });
  assert.deepEqual(outcome(check), ['changed', 'changed', 'changed', 'changed', 'changed']);
  assert.equal(fs.readFileSync(file, 'utf8'), 'name=x\nport=80\n', 'check mode leaves the file alone');

  const real = await run(dir);
  assert.deepEqual(outcome(real), ['changed', 'changed', 'changed', 'changed', 'changed']);
  assert.equal(fs.readFileSync(file, 'utf8'), FINAL);
  assert.equal(fs.statSync(file).mode & 0o777, 0o640);
  assert.doesNotMatch(real.plain, /^(---|\+\+\+) /m, 'no diff without --diff');

  const again = await run(dir);
  assert.deepEqual(outcome(again), ['ok', 'ok', 'ok', 'ok', 'ok']);
  assert.equal(again.results('what replace said').h1, 'ok');
});

test('--diff prints each change as a unified diff and nothing of a no_log task', async () => {
  const r = await run(hosts(), { diff: true });
  const section = (name: string) => r.plain.split(`TASK [${name}]`)[1].split('TASK [')[0];
  assert.match(section('port line'), /--- before: app\.conf \(content\)\n\+\+\+ after: app\.conf \(content\)\n@@ -1,2 \+1,2 @@\n name=x\n-port=80\n\+port=8080\n/);
  assert.match(section('port line'), /-\s+"mode": "0644"\n\+\s+"mode": "0640"/);
  assert.match(section('managed block'), /\+; BEGIN app\n\+a=1\n\+b=2\n\+; END app\n/);
  assert.match(section('name suffix'), /--- before: app\.conf\n\+\+\+ after: app\.conf\n@@ -1,5 \+1,5 @@\n bind=0\.0\.0\.0\n-name=x\n\+name=x-app\n/);
  assert.doesNotMatch(section('secret line'), /s3cret|token|\+\+\+/);
  assert.doesNotMatch(JSON.stringify(r.events.filter((e) => 'task' in e && e.task.name === 'secret line')), /s3cret/);
});

test('a misspelt argument stops the playbook at load, with where and what was meant', async () => {
  const bad = PLAY.replace("line: 'port=8080'", "lne: 'port=8080'");
  await assert.rejects(
    runProject({ files: { 'site.yml': bad, 'inventory.ini': INVENTORY }, hostsDir: hosts() }),
    /site\.yml:5:\d+: unsupported parameter 'lne' for module 'lineinfile'.*'line'/,
  );
});
