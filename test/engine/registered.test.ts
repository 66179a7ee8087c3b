/**
 * Registered results have ansible-core 2.14's fields and types. The fixture
 * is a table of `(expression | to_json) == 'JSON'` assertions that
 * ansible-core passes too (test/system/registered.test.ts checks that).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIn } from '../helpers/run.js';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/registered');

test('every registered field of the fixture has the value and type ansible-core 2.14 gives it', async () => {
  const run = await runIn(FIXTURE, { delayScale: 1 });
  const asserts = run.events.filter((e) => (e.type === 'host.ok' || e.type === 'host.failed') && e.task.module === 'assert');
  const failedAsserts = run.of('host.failed').filter((e) => e.task.module === 'assert').map((e) => `${e.task.name}: ${e.result.msg} ${JSON.stringify(e.result.assertion ?? '')}`);
  assert.deepEqual(failedAsserts, []);
  assert.equal(asserts.length, 11, 'every assertion group ran');
  assert.equal(run.exitCode, 0);
});

test('the async start, poll and status results hold `finished == 1` and `started == 1` as numbers', async () => {
  const run = await runIn(FIXTURE, { delayScale: 1 });
  const registered = (task: string) => run.events.find((e) => e.type === 'host.ok' && e.task.name === task && e.item === undefined) as { result: Record<string, unknown> } | undefined;
  const rows: [task: string, field: string, expected: unknown][] = [
    ['start a job', 'started', 1],
    ['start a job', 'finished', 0],
    ['start a job', 'failed', 0],
    ['poll a job', 'started', 1],
    ['poll a job', 'finished', 1],
    ['wait for the job', 'started', 1],
    ['wait for the job', 'finished', 1],
    ['clean up the job', 'started', 0],
    ['clean up the job', 'finished', 0],
  ];
  for (const [task, field, expected] of rows) assert.equal(registered(task)?.result[field], expected, `${task}: ${field}`);
});
