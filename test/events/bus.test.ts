import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, type RunEvent } from '../../src/events/index.js';

/** Captures what the process writes to stderr while `fn` runs. */
async function stderrOf(fn: () => Promise<void> | void): Promise<string> {
  const write = process.stderr.write.bind(process.stderr);
  let out = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
  }
  return out;
}

test('a reporter that throws is turned off, the others hear a warning event after the event itself, and nothing reaches stderr', async () => {
  const bus = new EventBus();
  const seen: string[] = [];
  bus.add({ name: 'first', onEvent: (e) => void seen.push(`first ${e.type}`) });
  bus.add({
    name: 'broken',
    onEvent: (e) => {
      if (e.type === 'play.end') throw new Error('disk full');
      seen.push(`broken ${e.type}`);
    },
  });
  bus.add({ name: 'last', onEvent: (e) => void seen.push(`last ${e.type}${e.type === 'warning' ? `: ${e.message}` : ''}`) });
  const written = await stderrOf(() => {
    bus.emit({ type: 'play.end', index: 0 });
    bus.emit({ type: 'play.end', index: 1 });
  });
  assert.equal(written, '');
  assert.deepEqual(seen, [
    'first play.end',
    'last play.end',
    'first warning',
    "last warning: reporter 'broken' failed and was turned off: disk full",
    'first play.end',
    'last play.end',
  ]);
});

test('a reporter failing while closing is returned to the caller, not written anywhere', async () => {
  const bus = new EventBus();
  const closed: string[] = [];
  bus.add({ name: 'log', onEvent: () => undefined, close: () => { throw new Error('EIO'); } });
  bus.add({ name: 'tui', onEvent: () => undefined, close: () => void closed.push('tui') });
  let warnings: string[] = [];
  const written = await stderrOf(async () => {
    warnings = await bus.close();
  });
  assert.equal(written, '');
  assert.deepEqual(warnings, ["reporter 'log' failed while closing: EIO"]);
  assert.deepEqual(closed, ['tui']);
});

test('every event the bus hands out carries its monotonic and wall time', () => {
  let t = 1000;
  const bus = new EventBus({ now: () => t });
  const got: RunEvent[] = [];
  bus.add({ name: 'collect', onEvent: (e) => void got.push(e) });
  t = 1012.3456;
  bus.emit({ type: 'warning', message: 'x' });
  assert.equal(got[0].at, 12.346);
  assert.ok(Math.abs(got[0].wall - Date.now()) < 1000);
});
