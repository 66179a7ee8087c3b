import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunEvent } from '../../src/events/index.js';
import { EventBus } from '../../src/events/index.js';
import { createRecorder } from '../../src/reporters/recorder.js';
import { createJsonPresenter } from '../../src/reporters/json.js';
import { deployScenario } from './scenario.js';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-rec-'));
}

test('the recorder creates the run directory 0700 and events.jsonl 0600', () => {
  const runDir = path.join(tmp(), 'runs', '2024-01-01T00-00-00');
  const old = process.umask(0o022);
  try {
    const r = createRecorder({ runDir });
    r.onEvent(deployScenario()[0]!);
    r.close?.();
  } finally {
    process.umask(old);
  }
  assert.equal(fs.statSync(runDir).mode & 0o777, 0o700);
  assert.equal(fs.statSync(path.join(runDir, 'events.jsonl')).mode & 0o777, 0o600);
});

test('every event is one JSON line, on disk within 50 ms, run.start first with schema 2', async () => {
  const runDir = tmp();
  const events = deployScenario();
  const r = createRecorder({ runDir });
  const file = path.join(runDir, 'events.jsonl');
  r.onEvent(events[0]!);
  // Batched, not held: the line reaches the file by itself shortly after.
  await new Promise((res) => setTimeout(res, 120));
  assert.equal(fs.readFileSync(file, 'utf8').split('\n').length, 2);
  for (const e of events.slice(1)) r.onEvent(e);
  r.close?.();
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, events.length);
  const parsed = lines.map((l) => JSON.parse(l) as RunEvent);
  assert.deepEqual(parsed, events);
  assert.equal(parsed[0]!.type, 'run.start');
  assert.equal((parsed[0] as Extract<RunEvent, { type: 'run.start' }>).schema, 2);
});

test('lines carry no raw control characters even when results do', () => {
  const runDir = tmp();
  const r = createRecorder({ runDir });
  const e: RunEvent = { type: 'warning', at: 1, wall: 2, message: 'a\x1b[2J\x9b1m\x07b' };
  r.onEvent(e);
  r.close?.();
  const text = fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8');
  assert.doesNotMatch(text, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  assert.deepEqual(JSON.parse(text), e);
});

test('closing twice is harmless and later events are ignored', () => {
  const runDir = tmp();
  const r = createRecorder({ runDir });
  r.close?.();
  r.close?.();
  r.onEvent({ type: 'warning', at: 1, wall: 2, message: 'late' });
  assert.equal(fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8'), '');
});

test('the recorder works behind the event bus and closes with it', async () => {
  const runDir = tmp();
  const bus = new EventBus();
  bus.add(createRecorder({ runDir }));
  bus.emit({ type: 'warning', message: 'one' });
  bus.emit({ type: 'warning', message: 'two' });
  await bus.close();
  const lines = fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as { message: string }).message), ['one', 'two']);
});

test('the JSON presenter writes one parseable line per event', () => {
  const chunks: string[] = [];
  const p = createJsonPresenter({ write: (s) => chunks.push(s) });
  const events = deployScenario();
  for (const e of events) p.onEvent(e);
  assert.equal(chunks.length, events.length);
  for (const c of chunks) assert.ok(c.endsWith('\n') && !c.slice(0, -1).includes('\n'));
  assert.deepEqual(chunks.map((c) => JSON.parse(c)), events);
});
