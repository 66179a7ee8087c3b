/**
 * `--step` in the engine: the gate is asked before each task starts on any
 * host, as ansible-core's strategy asks (checked against ansible-playbook
 * --step with piped answers: `Perform task: TASK: first (N)o/(y)es/(c)ontinue:`).
 * `no` skips the task without a start, a result or a count; `continue` stops
 * asking for the rest of the batch (a new play asks again); meta tasks are
 * not asked about; handlers are, as `HANDLER: name`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepAnswer } from '../../src/events/index.js';
import { runProject } from '../helpers/run.js';

const PLAYBOOK = `
- hosts: web1:web2
  gather_facts: false
  handlers:
    - {name: h, debug: {msg: handled}}
  tasks:
    - {name: first, command: "true", notify: h}
    - meta: noop
    - {name: second, debug: {msg: two}}
    - {name: third, debug: {msg: three}}
    - {name: fourth, debug: {msg: four}}
- hosts: web1
  gather_facts: false
  tasks:
    - {name: next play, debug: {msg: p2}}
`;

/** Runs the playbook answering in order; returns what was asked, what started and the recap's ok counts. */
async function stepped(answers: StepAnswer[]) {
  const asked: string[] = [];
  const queue = [...answers];
  const run = await runProject({
    files: { 'site.yml': PLAYBOOK },
    step: async (label) => {
      asked.push(label);
      const a = queue.shift();
      assert.ok(a, `no answer left for ${label}`);
      return a;
    },
  });
  return {
    asked,
    started: run.events.filter((e) => e.type === 'task.start' || e.type === 'handler.start').map((e) => ('task' in e ? e.task.name : '')),
    answers: run.of('step.answer').map((e) => `${e.label}=${e.answer}`),
    ok: (run.stats.web1?.ok ?? 0) + (run.stats.web1?.changed ?? 0),
    plain: run.plain,
    run,
  };
}

const cases: Array<{ answers: StepAnswer[]; asked: string[]; started: string[]; ok: number }> = [
  {
    answers: ['yes', 'no', 'yes', 'no', 'yes', 'yes'],
    asked: ['TASK: first', 'TASK: second', 'TASK: third', 'TASK: fourth', 'HANDLER: h', 'TASK: next play'],
    started: ['first', 'meta', 'third', 'h', 'next play'],
    ok: 5,
  },
  {
    answers: ['no', 'continue', 'yes'],
    asked: ['TASK: first', 'TASK: second', 'TASK: next play'],
    started: ['meta', 'second', 'third', 'fourth', 'next play'],
    ok: 4,
  },
  {
    answers: ['no', 'no', 'no', 'no', 'no'],
    asked: ['TASK: first', 'TASK: second', 'TASK: third', 'TASK: fourth', 'TASK: next play'],
    started: ['meta'],
    ok: 0,
  },
];

for (const { answers, asked, started, ok } of cases) {
  test(`answering ${answers.join(', ')} asks ${asked.length} times and starts ${started.join(', ')}`, async () => {
    const r = await stepped(answers);
    assert.deepEqual(r.asked, asked);
    assert.deepEqual(r.started, started);
    assert.deepEqual(r.answers, asked.map((l, i) => `${l}=${answers[i]}`));
    assert.equal(r.ok, ok, 'skipped tasks are not counted');
    assert.equal(r.run.exitCode, 0);
  });
}

test('the plain output shows the question and, once answered, its banner, as ansible-playbook --step', async () => {
  const r = await stepped(['yes', 'no', 'continue', 'yes']);
  assert.match(r.plain, /Perform task: TASK: first \(N\)o\/\(y\)es\/\(c\)ontinue: \nPerform task: TASK: first \(N\)o\/\(y\)es\/\(c\)ontinue: \*+\n\nTASK \[first\]/);
  assert.match(r.plain, /Perform task: TASK: second \(N\)o\/\(y\)es\/\(c\)ontinue: \*+\nPerform task: TASK: third/);
  assert.doesNotMatch(r.plain, /TASK \[second\]/);
});

test('a drain while the question waits stops the run without an answer; the task does not start', async () => {
  const { RunControl } = await import('../../src/engine/index.js');
  const control = new RunControl();
  const run = await runProject({
    files: { 'site.yml': PLAYBOOK },
    control,
    step: () => {
      setTimeout(() => control.drain('test'), 50);
      return new Promise<StepAnswer>(() => {});
    },
  });
  assert.equal(run.of('step.ask').length, 1);
  assert.equal(run.of('step.answer').length, 0);
  assert.equal(run.of('task.start').length, 0);
  assert.equal(run.exitCode, 99);
  assert.match(run.plain, /\(c\)ontinue: \n\nABORT REQUESTED \(drain, by test\)/, 'the abort starts below the open question');
});
