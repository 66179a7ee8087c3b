import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { debugMsgs, runProject } from '../helpers/run.js';

const SHOW = `{name: show, debug: {msg: "{{ [ansible_date_time is defined, ansible_distribution is defined, ansible_processor_vcpus is defined, ansible_facts.gather_subset] }}"}}`;

/** gather_subset on a play → [date_time, distribution, processor_vcpus defined?] and the subsets setup reports. */
const PLAY_SUBSETS: [string, unknown[]][] = [
  ['', [true, true, true, ['all']]],
  ['  gather_subset: [min]\n', [true, true, false, ['min']]],
  ['  gather_subset: "!all"\n', [true, true, false, ['!all']]],
  ["  gather_subset: ['!all', '!min', date_time]\n", [true, false, false, ['!all', '!min', 'date_time']]],
  ["  gather_subset: ['!all', hardware]\n  gather_timeout: 5\n", [true, true, true, ['!all', 'hardware']]],
];

for (const [keys, want] of PLAY_SUBSETS) {
  test(`gather_subset on a play selects the facts its gathering collects: ${keys.trim() || '(none)'}`, async () => {
    const run = await runProject({ files: { 'site.yml': `- hosts: web1\n  gather_facts: true\n${keys}  tasks:\n    - ${SHOW}\n` } });
    assert.equal(run.exitCode, 0, run.plain);
    assert.deepEqual(debugMsgs(run, 'show').web1, want);
  });
}

const TWO_PLAYS = (first: string, second: string) => `
- hosts: web1,web2
  gather_facts: true
${first}  tasks:
    - {name: first, debug: {msg: "{{ ansible_hostname }}"}}
- hosts: web1
  gather_facts: true
${second}  tasks:
    - {name: again, setup: {filter: ansible_hostname}}
    - {name: second, debug: {msg: "{{ ansible_facts.hostname }} {{ ansible_default_ipv4 is defined }}"}}
`;

/** Config gathering, the two plays' subsets → how many hosts each play's gathering ran on. */
const CACHE: [string, boolean, string, string, number[]][] = [
  ['implicit gathers again in every play, as ansible-core does', false, '', '', [2, 1]],
  ['smart reuses the facts an earlier play gathered, with no round trip', true, '', '', [2, 0]],
  ['smart reuses them for a play asking for fewer collectors', true, '', '  gather_subset: [min]\n', [2, 0]],
  ['smart gathers again when the play asks for collectors not yet gathered', true, '  gather_subset: [min]\n', '  gather_subset: [network]\n', [2, 1]],
];

for (const [what, smart, first, second, counts] of CACHE) {
  test(`gathering ${what}; an explicit setup task always runs`, async () => {
    const run = await runProject({ smartGathering: smart, files: { 'site.yml': TWO_PLAYS(first, second) } });
    assert.equal(run.exitCode, 0, run.plain);
    const perPlay = [0, 1].map((i) => {
      const starts = run.of('play.start')[i].at;
      const ends = run.of('play.start')[i + 1]?.at ?? Infinity;
      return run.of('host.ok').filter((e) => e.task.name === 'Gathering Facts' && e.at >= starts && e.at < ends).length;
    });
    assert.deepEqual(perPlay, counts);
    assert.deepEqual(run.results('again'), { web1: 'ok' });
    assert.match(String(debugMsgs(run, 'second').web1), /^\S+ (True|False|true|false)$/);
  });
}

test('gather_subset and gather_timeout on a play reach its fact gathering, in one command per host', async () => {
  const commands: string[] = [];
  const run = await runProject({
    files: { 'site.yml': `- hosts: web1\n  gather_facts: true\n  gather_subset: ['!all', '!min', date_time]\n  gather_timeout: 3\n  tasks:\n    - ${SHOW}\n` },
    wrapTransport: (t) => {
      const exec = t.exec.bind(t);
      t.exec = (cmd, opts) => {
        commands.push(cmd);
        return exec(cmd, opts);
      };
      return t;
    },
  });
  assert.equal(run.exitCode, 0, run.plain);
  assert.deepEqual(debugMsgs(run, 'show').web1, [true, false, false, ['!all', '!min', 'date_time']]);
  const gathers = commands.filter((c) => c.includes('@@pw-'));
  assert.equal(gathers.length, 1);
  assert.match(gathers[0], /timeout 3 /);
});

test('a gather_facts task gathers like the play does and counts as gathered for gathering: smart; setup does not', async () => {
  const run = await runProject({
    smartGathering: true,
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: explicit setup, setup: {gather_subset: [all]}}
- hosts: web1
  gather_facts: true
  tasks:
    - {name: facts task, ansible.builtin.gather_facts: {gather_subset: [all], parallel: true}}
- hosts: web1
  gather_facts: true
  tasks:
    - {name: show, debug: {msg: "{{ ansible_processor_vcpus is defined }}"}}
`,
    },
  });
  assert.equal(run.exitCode, 0, run.plain);
  assert.deepEqual(run.of('task.start').map((e) => e.task.name), ['explicit setup', 'Gathering Facts', 'facts task', 'show']);
  assert.deepEqual(debugMsgs(run, 'show'), { web1: true });
});

test('fact_path on a play is where its gathering reads local facts (ansible_local)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-factsd-'));
  fs.writeFileSync(path.join(dir, 'app.fact'), '{"release": "r42"}');
  const run = await runProject({
    files: { 'site.yml': `- hosts: web1\n  gather_facts: true\n  gather_subset: ['!all']\n  fact_path: ${dir}\n  tasks:\n    - {name: show, debug: {msg: "{{ ansible_local.app.release }}"}}\n` },
  });
  assert.equal(run.exitCode, 0, run.plain);
  assert.deepEqual(debugMsgs(run, 'show'), { web1: 'r42' });
});
