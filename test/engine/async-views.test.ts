/**
 * Async jobs tell the same story in every view: a `poll: 0` job that an
 * `async_status` loop reads gets its `async.poll` and `async.done` events
 * from the engine, so `reduce`, the TUI's async panel, the final view and
 * the plain output (run.log) all see it end; a job nobody checks again is
 * "started, not awaited" once the run is over, never "running".
 */
import { test, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { cleanup, render } from 'ink-testing-library';
import { initialState, reduce, type RunEvent, type RunState } from '../../src/events/index.js';
import { AsyncPanel } from '../../src/ui/AsyncPanel.js';
import { finalLines } from '../../src/ui/final.js';
import { RunControl } from '../../src/engine/index.js';
import { runProject, type TestRun } from '../helpers/run.js';
import { mountApp } from '../ui/helpers.js';

afterEach(() => cleanup());

const PLAYBOOK = `
- hosts: web1
  gather_facts: false
  tasks:
    - name: Start the build
      shell: echo compiling; sleep 1; echo build-ok
      async: 10
      poll: 0
      register: build
    - name: Start the check
      shell: echo checking; exit 3
      async: 10
      poll: 0
      register: check
    - name: Start the forgotten job
      shell: sleep 5
      async: 6
      poll: 0
    - name: Start the cleaned job
      shell: sleep 5
      async: 6
      poll: 0
      register: cleaned
    - name: Start the quiet job
      shell: echo hunter-waited; sleep 2.5
      async: 10
      poll: 0
      no_log: true
      register: quiet
    - name: Wait for the build
      async_status: jid={{ build.ansible_job_id }}
      register: job
      until: job.finished
      retries: 100
      delay: 1
    - name: Read the check
      async_status: jid={{ check.ansible_job_id }}
      register: checked
      until: checked.finished
      retries: 100
      delay: 1
      failed_when: false
    - name: Wait for the quiet job
      async_status: jid={{ quiet.ansible_job_id }}
      register: q
      until: q.finished
      retries: 100
      delay: 1
    - name: Clean up the cleaned job
      async_status: jid={{ cleaned.ansible_job_id }} mode=cleanup
    - name: Run the secret job
      shell: echo hunter-polled; sleep 1.5
      async: 10
      poll: 1
      no_log: true
`;

let run: TestRun;
/** Job id of the job each task started, by task name. */
const jid: Record<string, string> = {};
const fold = (events: RunEvent[]): RunState => events.reduce(reduce, initialState());
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

before(async () => {
  run = await runProject({ files: { 'site.yml': PLAYBOOK }, delayScale: 0.1 });
  for (const e of run.of('async.start')) jid[e.task.name] = e.jid;
});

test('the run itself went as planned: six jobs started, every task ok', () => {
  assert.equal(run.exitCode, 0, run.plain);
  assert.deepEqual(Object.keys(jid).sort(), [
    'Run the secret job',
    'Start the build',
    'Start the check',
    'Start the cleaned job',
    'Start the forgotten job',
    'Start the quiet job',
  ]);
});

test('each job read by async_status gets an async.poll per read while it runs and one async.done with its rc', () => {
  // The check exits at once: its first read already sees the end, so it has no poll.
  const cases = [
    { job: 'Start the build', reader: 'Wait for the build', rc: 0, minSecs: 0.9, polled: true },
    { job: 'Start the check', reader: 'Read the check', rc: 3, minSecs: 0, polled: false },
    { job: 'Start the quiet job', reader: 'Wait for the quiet job', rc: 0, minSecs: 2.4, polled: true },
  ];
  for (const c of cases) {
    const polls = run.of('async.poll').filter((e) => e.jid === jid[c.job]);
    const done = run.of('async.done').filter((e) => e.jid === jid[c.job]);
    const retries = run.of('host.retry').filter((e) => e.task.name === c.reader);
    assert.equal(polls.length, retries.length, `${c.job}: one poll for each read that found it running`);
    assert.equal(polls.length > 0, c.polled, c.job);
    assert.deepEqual(polls.map((p) => p.polls), polls.map((_, i) => i + 1), `${c.job}: polls count up`);
    assert.ok(polls.every((p) => p.task.name === c.reader && p.limit === 10), `${c.job}: polls come from the reading task`);
    assert.equal(done.length, 1, `${c.job}: one async.done`);
    assert.equal(done[0]!.rc, c.rc, c.job);
    assert.equal(done[0]!.timedOut, false);
    assert.equal(done[0]!.reason, undefined);
    assert.ok(done[0]!.duration >= c.minSecs && done[0]!.duration < 5, `${c.job}: duration ${done[0]!.duration}`);
    // The done event comes after the last poll and before the reading task's result.
    const at = (e: RunEvent) => run.events.indexOf(e);
    const result = run.events.find((e) => e.type === 'host.ok' && e.task.name === c.reader)!;
    assert.ok((polls.length ? at(polls.at(-1)!) : 0) < at(done[0]!) && at(done[0]!) < at(result), `${c.job}: poll, done, result in order`);
  }
  const build = run.of('async.poll').filter((e) => e.jid === jid['Start the build']);
  assert.ok(build.some((p) => p.lastLine === 'compiling'), 'the build shows its last line');
  assert.ok(build.every((p) => Math.abs(p.nextPollIn - 0.1) < 1e-9), 'the next read comes after the until delay (1 s scaled by 0.1)');
});

test('a job cleaned up before it was seen to finish ends with its exit status unknown; the forgotten one has no end', () => {
  const cleaned = run.of('async.done').filter((e) => e.jid === jid['Start the cleaned job']);
  assert.equal(cleaned.length, 1);
  assert.equal(cleaned[0]!.reason, 'cleaned');
  assert.equal(cleaned[0]!.rc, -1);
  assert.equal(run.of('async.done').filter((e) => e.jid === jid['Start the forgotten job']).length, 0);
  assert.equal(run.of('async.poll').filter((e) => e.jid === jid['Start the forgotten job']).length, 0);
});

test("a no_log task's job never shows its output line, polled by the engine or read by async_status", () => {
  const quiet = run.of('async.poll').filter((e) => e.jid === jid['Start the quiet job']);
  const secret = run.of('async.poll').filter((e) => e.jid === jid['Run the secret job']);
  assert.ok(quiet.length >= 1 && secret.length >= 1);
  assert.ok([...quiet, ...secret].every((p) => p.lastLine === undefined));
  assert.doesNotMatch(JSON.stringify(run.events), /hunter-polled/);
  assert.doesNotMatch(JSON.stringify(run.of('async.poll')), /hunter-waited/);
});

test("reduce's async list ends with each read job done with its rc, and the forgotten one started, not awaited", () => {
  const state = fold(run.events);
  const job = (name: string) => state.async[jid[name]!]!;
  const table = [
    { name: 'Start the build', rc: 0, reason: undefined },
    { name: 'Start the check', rc: 3, reason: undefined },
    { name: 'Start the quiet job', rc: 0, reason: undefined },
    { name: 'Run the secret job', rc: 0, reason: undefined },
    { name: 'Start the cleaned job', rc: -1, reason: 'cleaned' },
  ];
  for (const row of table) {
    assert.equal(job(row.name).title, row.name, 'the job keeps the name of the task that started it');
    assert.equal(job(row.name).done?.rc, row.rc, row.name);
    assert.equal(job(row.name).done?.reason, row.reason, row.name);
    assert.equal(job(row.name).notAwaited, undefined, row.name);
  }
  const forgotten = job('Start the forgotten job');
  assert.equal(forgotten.done, undefined);
  assert.equal(forgotten.notAwaited, true);
  assert.equal(forgotten.nextPollAt, undefined);
  assert.ok(Math.abs(forgotten.elapsed * 1000 - (state.end!.at - forgotten.startAt)) < 1, 'its clock stops at the run end');
});

test("the TUI's async panel shows a poll-0 job until async_status sees it end, and no finished job as running", async () => {
  const started = run.events.findIndex((e) => e.type === 'async.start' && e.jid === jid['Start the build']);
  const early = run.events.slice(0, started + 1);
  const live = mountApp(early, { rows: 40, clockAt: early.at(-1)!.at });
  await live.press();
  assert.match(strip(live.frame()), new RegExp(`${shown('Start the build')}.*not checked yet`));
  cleanup();

  const end = mountApp(run.events, { rows: 40, clockAt: run.events.at(-1)!.at + 5000 });
  await end.press();
  const frame = strip(end.frame());
  for (const name of ['Start the build', 'Start the check', 'Start the quiet job', 'Run the secret job', 'Start the cleaned job']) {
    assert.doesNotMatch(frame, new RegExp(shown(name)), `${name} is not listed as running`);
  }
  assert.match(frame, new RegExp(`${shown('Start the forgotten job')}.*started, not awaited \\(run ended\\)`));
  assert.doesNotMatch(frame, /poll 0/);
});

test('the async panel, fed the same state, freezes the forgotten job at the run end', () => {
  const state = fold(run.events);
  const jobs = Object.values(state.async).filter((j) => !j.done);
  const at = (now: number) => strip(render(h(AsyncPanel, { jobs, rows: 4, now, width: 140 })).lastFrame() ?? '');
  assert.equal(at(state.lastAt), at(state.lastAt + 60_000), 'no clock ticks after the run');
  assert.match(at(state.lastAt), /async jobs 1/);
});

test('the final view and the plain output (run.log) say which jobs were not seen to end, and only those', () => {
  const lines = finalLines(fold(run.events)).join('\n');
  assert.match(lines, /ASYNC JOBS NOT SEEN TO END/);
  assert.match(lines, new RegExp(`web1  Start the forgotten job  ${esc(jid['Start the forgotten job']!)}  started, not awaited: the run ended without checking it \\(limit 0:00:06\\)`));
  assert.match(lines, new RegExp(`${esc(jid['Start the cleaned job']!)}  cleaned up before it was seen to finish: exit status unknown`));
  assert.doesNotMatch(lines, new RegExp(esc(jid['Start the build']!)));

  assert.match(run.plain, new RegExp(`ASYNC NOT AWAITED on web1: jid=${esc(jid['Start the forgotten job']!)} \\(Start the forgotten job\\)`));
  assert.match(run.plain, new RegExp(`ASYNC OK on web1: jid=${esc(jid['Start the build']!)} rc=0`));
  assert.match(run.plain, new RegExp(`ASYNC FAILED on web1: jid=${esc(jid['Start the check']!)} rc=3`));
  assert.match(run.plain, new RegExp(`ASYNC CLEANED on web1: jid=${esc(jid['Start the cleaned job']!)} cleaned up before`));
  assert.equal(run.plain.match(/ASYNC NOT AWAITED/g)?.length, 1);
});

test("the operator's kill ends each host's poll-0 job and its polled job in the views: async.done, reason killed, before run.end", async () => {
  const control = new RunControl();
  let fired = false;
  const killed = await runProject({
    control,
    onEvent: (e) => {
      if (!fired && e.type === 'async.poll') {
        fired = true;
        setTimeout(() => control.kill('test'), 100);
      }
    },
    files: {
      'site.yml': `
- hosts: web1,web2
  gather_facts: false
  tasks:
    - {name: background, shell: "sleep 30", async: 60, poll: 0}
    - {name: watched, shell: "sleep 30", async: 60, poll: 1}
`,
    },
  });
  assert.equal(killed.exitCode, 99);
  const starts = killed.of('async.start');
  assert.equal(starts.length, 4);
  const ends = killed.events.findIndex((e) => e.type === 'run.end');
  for (const s of starts) {
    const done = killed.of('async.done').filter((e) => e.jid === s.jid);
    assert.equal(done.length, 1, `${s.host} ${s.task.name}: one async.done`);
    assert.equal(done[0]!.reason, 'killed');
    assert.equal(done[0]!.rc, -1);
    assert.ok(killed.events.indexOf(done[0]!) < ends);
  }
  const state = fold(killed.events);
  assert.ok(Object.values(state.async).every((j) => j.done?.reason === 'killed' && !j.notAwaited));
  assert.match(killed.plain, /ASYNC KILLED on web1: jid=\S+ killed by the operator/);
});

/** The start of a job id, as the panel's narrow column shows it. */
function shown(task: string): string {
  return esc(jid[task]!.slice(0, 12));
}

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
