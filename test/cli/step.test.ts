/**
 * `--step`'s answers outside the TUI: one line of stdin per question, read
 * as ansible-core reads its prompt (y/yes, c/continue, anything else No),
 * whether the lines came before the question (piped) or after (typed); when
 * stdin ends with a question open, `onEnd` hears which.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { lineGate, parseStepAnswer, StepAnswers } from '../../src/cli/step.js';

const readings: Array<[string, string]> = [
  ['y', 'yes'], ['Y', 'yes'], ['yes', 'yes'], [' YES ', 'yes'],
  ['c', 'continue'], ['continue', 'continue'], ['C', 'continue'],
  ['n', 'no'], ['', 'no'], ['no', 'no'], ['x', 'no'], ['yy', 'no'],
];
for (const [line, answer] of readings) {
  test(`the line '${line}' answers ${answer}`, () => assert.equal(parseStepAnswer(line), answer));
}

test('piped lines answer the questions in order; a question asked before its line waits for it', async () => {
  const input = new PassThrough();
  const { gate, close } = lineGate(input, () => assert.fail('stdin did not end'));
  input.write('y\nn\n');
  await new Promise((r) => setImmediate(r));
  assert.equal(await gate('TASK: a'), 'yes');
  assert.equal(await gate('TASK: b'), 'no');
  const third = gate('TASK: c');
  input.write('c\n');
  assert.equal(await third, 'continue');
  close();
});

test('stdin ending with a question open calls onEnd with its label; so does a question asked after the end', async () => {
  const input = new PassThrough();
  const ends: string[] = [];
  const { gate } = lineGate(input, (label) => ends.push(label));
  void gate('TASK: open');
  input.end();
  await new Promise((r) => setTimeout(r, 10));
  void gate('TASK: later');
  assert.deepEqual(ends, ['TASK: open', 'TASK: later']);
});

test("the TUI's answers resolve the open question once; an answer with none open does nothing", async () => {
  const step = new StepAnswers();
  step.answer('yes');
  const q = step.gate('TASK: a');
  assert.equal(step.asking, true);
  step.answer('continue');
  step.answer('no');
  assert.equal(await q, 'continue');
  assert.equal(step.asking, false);
});
