import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_SCHEMA, parseRecord, type RunEvent } from '../../src/events/index.js';

const start = (schema: unknown) => JSON.stringify({ type: 'run.start', schema, runId: 'r', playbook: 'p.yml', runDir: '/r', hosts: ['a'], check: false, argv: [], at: 0, wall: 0 });
const line = (e: object) => JSON.stringify({ at: 1, wall: 1, ...e });
const task = (id: number, name: string) => ({ id, name, path: `p.yml:${id + 3}:7` });

test('a schema-2 record is read as it was written', () => {
  const text = [start(2), line({ type: 'play.start', index: 0, total: 1, name: 'p', hosts: ['a'] })].join('\n') + '\n';
  const events = parseRecord(text);
  assert.equal(events.length, 2);
  assert.equal((events[0] as Extract<RunEvent, { type: 'run.start' }>).schema, EVENT_SCHEMA);
});

test('a schema-1 record is upgraded: each task gains its play and the n-th occurrence of its name', () => {
  const text = [
    start(1),
    line({ type: 'play.start', index: 0, total: 2, name: 'one', hosts: ['a'] }),
    line({ type: 'task.start', task: task(0, 'step') }),
    line({ type: 'task.start', task: task(1, 'step') }),
    line({ type: 'host.start', task: task(1, 'step'), host: 'a' }),
    line({ type: 'play.start', index: 1, total: 2, name: 'two', hosts: ['a'] }),
    line({ type: 'task.start', task: task(2, 'step') }),
  ].join('\n');
  const refs = parseRecord(text).flatMap((e) => ('task' in e ? [[e.task.id, e.task.play, e.task.n]] : []));
  // [id, play, n]
  assert.deepEqual(refs, [
    [0, 0, 1],
    [1, 0, 2],
    [1, 0, 2],
    [2, 1, 1],
  ]);
  assert.equal((parseRecord(text)[0] as Extract<RunEvent, { type: 'run.start' }>).schema, EVENT_SCHEMA);
});

test('a record of another schema is refused with a message that names it', () => {
  for (const [schema, named] of [
    [3, 'event schema 3'],
    [undefined, 'event schema undefined'],
    ['2', 'event schema "2"'],
  ] as const) {
    assert.throws(() => parseRecord(start(schema), 'runs/x/events.jsonl'), (err: Error) => {
      assert.match(err.message, /^runs\/x\/events\.jsonl: /);
      assert.ok(err.message.includes(named), err.message);
      assert.match(err.message, /reads 1 and 2/);
      return true;
    });
  }
});

test('a torn last line (a live or killed run) is dropped; a broken line before it is an error', () => {
  assert.equal(parseRecord(`${start(2)}\n{"type":"play.st`).length, 1);
  assert.throws(() => parseRecord(`${start(2)}\n{oops\n${start(2)}\n${start(2)}\n`), /events\.jsonl:2: not a JSON event/);
  assert.throws(() => parseRecord(line({ type: 'warning', message: 'x' })), /does not begin with run.start/);
});

test('a schema-1 run under strategy free or serial gets one id per task occurrence, its start once per batch', () => {
  const A = { name: 'step', path: 'p.yml:4:7' };
  const text = [
    start(1),
    line({ type: 'play.start', index: 0, total: 1, name: 'p', hosts: ['h1', 'h2', 'h3'] }),
    line({ type: 'batch.start', index: 0, total: 2, hosts: ['h1', 'h2'] }),
    // free: each host's start of the task had its own id
    line({ type: 'task.start', task: { id: 0, ...A } }),
    line({ type: 'host.start', task: { id: 0, ...A }, host: 'h1' }),
    line({ type: 'task.start', task: { id: 1, ...A } }),
    line({ type: 'host.start', task: { id: 1, ...A }, host: 'h2' }),
    line({ type: 'host.ok', task: { id: 1, ...A }, host: 'h2', changed: false, result: {} }),
    line({ type: 'host.ok', task: { id: 0, ...A }, host: 'h1', changed: false, result: {} }),
    // h1 reaches the same line again (an include loop): a second occurrence
    line({ type: 'task.start', task: { id: 2, ...A } }),
    line({ type: 'host.start', task: { id: 2, ...A }, host: 'h1' }),
    line({ type: 'batch.start', index: 1, total: 2, hosts: ['h3'] }),
    line({ type: 'task.start', task: { id: 3, ...A } }),
    line({ type: 'host.start', task: { id: 3, ...A }, host: 'h3' }),
  ].join('\n');
  const rows = parseRecord(text).flatMap((e) => ('task' in e ? [`${e.type} ${'host' in e ? e.host : '-'} id=${e.task.id} n=${e.task.n}`] : []));
  assert.deepEqual(rows, [
    'task.start - id=0 n=1',
    'host.start h1 id=0 n=1',
    'host.start h2 id=0 n=1',
    'host.ok h2 id=0 n=1',
    'host.ok h1 id=0 n=1',
    'task.start - id=1 n=2',
    'host.start h1 id=1 n=2',
    'task.start - id=0 n=1',
    'host.start h3 id=0 n=1',
  ]);
});
