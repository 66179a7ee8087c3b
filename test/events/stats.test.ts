import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statsDelta, tally, zeroStats, type NewEvent, type RunEvent, type TaskRef } from '../../src/events/index.js';

const task: TaskRef = { id: 1, name: 't', path: 'p.yml:3:7', play: 0, n: 1, module: 'command' };
const meta: TaskRef = { ...task, module: 'meta' };
const ev = (e: NewEvent): RunEvent => ({ ...e, at: 0, wall: 0 }) as RunEvent;
const host = 'h';

// What one event adds to its host's PLAY RECAP line (ansible-core 2.14's rules).
const TABLE: Array<[string, NewEvent, Record<string, number> | undefined]> = [
  ['ok', { type: 'host.ok', task, host, changed: false, result: {} }, { ok: 1 }],
  ['changed', { type: 'host.ok', task, host, changed: true, result: {} }, { ok: 1, changed: 1 }],
  ['an include of two files', { type: 'host.ok', task, host, changed: false, result: { include: ['a.yml', 'a.yml'] } }, { ok: 2 }],
  ['failed', { type: 'host.failed', task, host, result: { changed: true }, ignored: false }, { failed: 1 }],
  ['ignored failure', { type: 'host.failed', task, host, result: {}, ignored: true }, { ok: 1, ignored: 1 }],
  ['ignored failure that changed', { type: 'host.failed', task, host, result: { changed: true }, ignored: true }, { ok: 1, ignored: 1, changed: 1 }],
  ['rescued', { type: 'host.rescued', task, host }, { failed: -1, rescued: 1 }],
  ['unreachable', { type: 'host.unreachable', task, host, result: {} }, { unreachable: 1 }],
  ['ignored unreachable', { type: 'host.unreachable', task, host, result: {}, ignored: true }, { ok: 1, ignored: 1 }],
  ['skipped', { type: 'host.skipped', task, host, result: {} }, { skipped: 1 }],
  ['cancelled by a budget', { type: 'host.cancelled', host, group: 'a', reason: 'x' }, { cancelled: 1 }],
  ['one loop item', { type: 'host.ok', task, host, changed: true, result: {}, item: 'x' }, undefined],
  ['a meta task', { type: 'host.skipped', task: meta, host, result: {} }, undefined],
  ['a retry', { type: 'host.retry', task, host, attempt: 1, retriesLeft: 2, result: {} }, undefined],
  ['a start', { type: 'host.start', task, host }, undefined],
];

test('each result event adds to the recap as ansible-core counts it', () => {
  for (const [what, e, want] of TABLE) assert.deepEqual(statsDelta(ev(e)), want, what);
});

test('a failure followed by its rescue is rescued, not failed; tally leaves the stats it was given alone', () => {
  const before = {};
  let stats = tally(before, ev({ type: 'host.failed', task, host, result: {}, ignored: false }));
  stats = tally(stats, ev({ type: 'host.rescued', task, host }));
  assert.deepEqual(stats, { h: { ...zeroStats(), rescued: 1 } });
  assert.deepEqual(before, {});
  const same = tally(stats, ev({ type: 'warning', message: 'x' }));
  assert.equal(same, stats);
});
