/**
 * `-v`…`-vvvv` in plain output and run.log, over events of a real run
 * (local transport): each level adds what ansible-playbook's default
 * callback adds, and -vvv each command's text and time from `host.command`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunEvent } from '../../src/events/index.js';
import { createPlainPresenter } from '../../src/reporters/plain.js';
import { createRunLog } from '../../src/reporters/run-log.js';
import { debugMsgs, runProject, type TestRun } from '../helpers/run.js';

const SITE = `
- hosts: web1
  gather_facts: false
  tasks:
    - name: greet
      command: echo hi-from-web1
    - name: nap
      shell: sleep 0.3
    - name: hidden
      shell: echo s3cr3t-text
      no_log: true
`;

let shared: Promise<TestRun> | undefined;
/** One real run, rendered at each verbosity by the tests below. */
const realRun = () => (shared ??= runProject({ files: { 'site.yml': SITE } }));

function plainAt(events: RunEvent[], verbosity: number): string {
  let out = '';
  const p = createPlainPresenter({ write: (s) => (out += s), verbosity, formatClock: () => 'DATE' });
  for (const e of events) p.onEvent(e);
  return out;
}

test('-vvv shows each command a module ran with its text, exit code and wall time', async () => {
  const run = await realRun();
  const out = plainAt(run.events, 3);
  const greet = /^<web1> EXEC (.*hi-from-web1.*) \(rc=(\d+), (\d+) ms\)$/m.exec(out);
  assert.ok(greet, out);
  assert.match(greet[1], /^exec 'echo' 'hi-from-web1'$/);
  assert.equal(greet[2], '0');
  const nap = /^<web1> EXEC (.*sleep 0\.3.*) \(rc=0, (\d+) ms\)$/m.exec(out);
  assert.ok(nap, out);
  const ms = Number(nap[2]);
  assert.ok(ms >= 300 && ms < 5000, `sleep 0.3 took ${ms} ms`);
  // The line sits under its task's banner, before the task's result.
  const napBanner = out.indexOf('TASK [nap]');
  assert.ok(napBanner < out.indexOf(nap[0]) && out.indexOf(nap[0]) < out.indexOf('changed: [web1]', napBanner));
  // Each command's event carries the same figures the line shows.
  const event = run.of('host.command').find((e) => e.task.name === 'nap')!;
  assert.equal(Math.round(event.ms), ms);
});

test('-v prints the result dict after => as ansible-playbook -v does, on one line', async () => {
  const run = await realRun();
  const out = plainAt(run.events, 1);
  const line = /^changed: \[web1\] => (\{.*\})$/m.exec(out.slice(out.indexOf('TASK [greet]')));
  assert.ok(line, out);
  const dict = JSON.parse(line[1]) as Record<string, unknown>;
  assert.equal(dict.stdout, 'hi-from-web1');
  assert.equal(dict.rc, 0);
  assert.equal(dict.changed, true);
  assert.deepEqual(dict.cmd, ['echo', 'hi-from-web1']);
  assert.deepEqual(dict.stdout_lines, ['hi-from-web1']);
  assert.doesNotMatch(out, /<web1> EXEC/);
});

test('each -v adds its own detail and keeps the ones below', async () => {
  const run = await realRun();
  const rows: Array<[number, { dict: boolean; path: boolean; exec: boolean; connect: boolean; pretty: boolean }]> = [
    [0, { dict: false, path: false, exec: false, connect: false, pretty: false }],
    [1, { dict: true, path: false, exec: false, connect: false, pretty: false }],
    [2, { dict: true, path: true, exec: false, connect: false, pretty: false }],
    [3, { dict: true, path: true, exec: true, connect: false, pretty: true }],
    [4, { dict: true, path: true, exec: true, connect: true, pretty: true }],
  ];
  for (const [v, want] of rows) {
    const out = plainAt(run.events, v);
    const seen = {
      dict: /^changed: \[web1\] => \{/m.test(out),
      path: new RegExp(`^task path: ${run.dir}/site\\.yml:5$`, 'm').test(out),
      exec: /^<web1> EXEC /m.test(out),
      connect: /^<web1> ESTABLISH LOCAL CONNECTION FOR USER: \S+ \(host root .*web1\)$/m.test(out),
      pretty: /^changed: \[web1\] => \{\n {4}"changed": true,$/m.test(out),
    };
    assert.deepEqual(seen, want, `-v×${v}:\n${out}`);
    assert.equal(/^PLAYBOOK: site\.yml \*+$/m.test(out), v >= 2, `PLAYBOOK banner at -v×${v}`);
  }
});

test('a no_log task shows that a command ran, but not its text', async () => {
  const run = await realRun();
  const out = plainAt(run.events, 4);
  assert.match(out, /^<web1> EXEC \(hidden: 'no_log: true' was specified for this task\) \(rc=0, \d+ ms\)$/m);
  assert.doesNotMatch(out, /s3cr3t-text/);
  assert.ok(!JSON.stringify(run.events).includes('s3cr3t-text'));
});

test('run.log is written at -v at least, and at the run\'s verbosity when higher', async () => {
  const run = await realRun();
  const logAt = (verbosity: number | undefined) => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-verbosity-'));
    const log = createRunLog({ runDir, ...(verbosity === undefined ? {} : { verbosity }) });
    for (const e of run.events) log.onEvent(e);
    log.close?.();
    return fs.readFileSync(path.join(runDir, 'run.log'), 'utf8');
  };
  const rows: Array<[number | undefined, boolean, boolean]> = [
    // verbosity, result dicts, EXEC lines
    [undefined, true, false],
    [1, true, false],
    [3, true, true],
  ];
  for (const [v, dict, exec] of rows) {
    const out = logAt(v);
    assert.equal(/^changed: \[web1\] => \{/m.test(out), dict, `run.log at ${v}`);
    assert.equal(/^<web1> EXEC exec 'echo' 'hi-from-web1' \(rc=0, \d+ ms\)$/m.test(out), exec, `run.log at ${v}`);
  }
});

test("debug's verbosity: compares with the run's -v count, as ansible_verbosity", async () => {
  const site = `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: loud, debug: {msg: "v={{ ansible_verbosity }}", verbosity: 2}}
`;
  const rows: Array<[number, Record<string, unknown>]> = [
    [0, {}],
    [1, {}],
    [2, { web1: 'v=2' }],
  ];
  for (const [verbosity, msgs] of rows) {
    const run = await runProject({ files: { 'site.yml': site }, verbosity });
    assert.deepEqual(debugMsgs(run, 'loud'), msgs, `at -v×${verbosity}`);
  }
});
