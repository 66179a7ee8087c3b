import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventGuard, NO_LOG_ITEM } from '../../src/engine/event-guard.js';
import { SecretMasker } from '../../src/engine/secrets.js';
import type { NewEvent, RunEvent, TaskRef } from '../../src/events/index.js';

const task: TaskRef = { id: 1, name: 't', path: 'site.yml:1:3', play: 0, n: 1 };

function guarded(secrets: string[]) {
  const masker = new SecretMasker();
  for (const s of secrets) masker.add(s);
  const out: NewEvent[] = [];
  const guard = new EventGuard(masker, (e) => (out.push(e), { ...e, at: 0, wall: 0 } as RunEvent));
  const chunk = (text: string, host = 'h1') => guard.emit({ type: 'host.output', task, host, stream: 'stdout', chunk: text });
  const shown = (host = 'h1') => out.filter((e) => e.type === 'host.output' && e.host === host).map((e) => (e as { chunk: string }).chunk);
  return { masker, guard, out, chunk, shown };
}

test('streamed output is masked across chunks, holding back only what could start a secret', () => {
  const rows: Array<[secrets: string[], chunks: string[], shown: string[]]> = [
    [['splitSecret'], ['a spl', 'itSecret b'], ['a ', '******** b']],
    [['splitSecret'], ['s', 'p', 'l', 'itSecret'], ['********']],
    [['splitSecret'], ['a spl', 'ash'], ['a ', 'splash']],
    [['splitSecret'], ['no secret here'], ['no secret here']],
    [['abcdef', 'abcxyz'], ['1 abc', 'xyz 2 abc', 'def'], ['1 ', '******** 2 ', '********']],
    // A stream that ends on a prefix lets it out when the task's next event comes.
    [['splitSecret'], ['a spl'], ['a ', 'spl']],
  ];
  for (const [secrets, chunks, shown] of rows) {
    const g = guarded(secrets);
    for (const c of chunks) g.chunk(c);
    g.guard.emit({ type: 'host.command', task, host: 'h1', command: 'x', rc: 0, ms: 1 });
    assert.deepEqual(g.shown(), shown, JSON.stringify(chunks));
  }
});

test("one host's held-back output does not wait for another host's events", () => {
  const g = guarded(['splitSecret']);
  g.chunk('x spl', 'h1');
  g.chunk('y spl', 'h2');
  g.guard.emit({ type: 'host.ok', task, host: 'h2', changed: false, result: {} });
  assert.deepEqual(g.shown('h2'), ['y ', 'spl']);
  assert.deepEqual(g.shown('h1'), ['x ']);
  g.guard.emit({ type: 'run.end', stats: {}, exitCode: 0, aborted: false, durationMs: 1 });
  assert.deepEqual(g.shown('h1'), ['x ', 'spl']);
});

test('a no_log task on a host: every event censored, its output not emitted; other hosts untouched', () => {
  const g = guarded([]);
  g.masker.hide(task, 'h1', true);
  const events: NewEvent[] = [
    { type: 'host.output', task, host: 'h1', stream: 'stdout', chunk: 'clear-out' },
    { type: 'host.ok', task, host: 'h1', changed: true, result: { stdout: 'clear-out', item: 'x' }, item: 'clear-item' },
    { type: 'host.retry', task, host: 'h1', attempt: 1, retriesLeft: 2, result: { stdout: 'clear-out' } },
    { type: 'async.poll', task, host: 'h1', jid: 'j', elapsed: 1, limit: 9, polls: 1, nextPollIn: 1, lastLine: 'clear-line' },
    { type: 'host.command', task, host: 'h1', command: 'echo clear-cmd', rc: 0, ms: 1 },
    { type: 'host.ok', task, host: 'h2', changed: false, result: { stdout: 'shown-out' }, item: 'shown-item' },
  ];
  for (const e of events) g.guard.emit(e);
  const text = JSON.stringify(g.out);
  assert.ok(!/clear-/.test(text), text);
  assert.match(text, /shown-out/);
  assert.equal(g.out.filter((e) => e.type === 'host.output').length, 0);
  const item = g.out.find((e) => e.type === 'host.ok' && e.host === 'h1') as unknown as { item: string; result: { censored: string } };
  assert.equal(item.item, NO_LOG_ITEM);
  assert.match(item.result.censored, /no_log: true/);
});

test('a secret-named key in any event teaches the masker its value, in that same event', () => {
  const g = guarded([]);
  g.guard.emit({ type: 'host.ok', task, host: 'h1', changed: false, result: { ansible_facts: { ansible_env: { AWS_SECRET_ACCESS_KEY: 'aws-value-123' } }, msg: 'aws-value-123' } });
  assert.ok(!JSON.stringify(g.out).includes('aws-value-123'));
});
