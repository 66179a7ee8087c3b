/**
 * The callback adapter over a recorded ansible-playbook run (fixtures/basic.yml
 * on two local hosts, its plugin lines in fixtures/basic.jsonl): the events it
 * makes, their task identity, the stats they tally to, and async, retries,
 * rescues, loops and no_log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tally, type NewEvent, type RunEvent } from '../../src/events/index.js';
import { CallbackAdapter, NO_LOG_ITEM, parseRecord, type CallbackRecord } from '../../src/ansible/index.js';
import { statsDisagree } from '../../src/ansible/outcome.js';
import type { HostStats } from '../../src/model/index.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

function records(name: string): CallbackRecord[] {
  const text = fs.readFileSync(path.join(DIR, name), 'utf8').split('@DIR@').join(DIR);
  return text.split('\n').map(parseRecord).filter((r): r is CallbackRecord => r !== undefined);
}

function adapt(rs: CallbackRecord[]): { events: NewEvent[]; adapter: CallbackAdapter; hidden: string[]; hosts?: string[] } {
  const events: NewEvent[] = [];
  const hidden: string[] = [];
  const out: { hosts?: string[] } = {};
  const adapter = new CallbackAdapter({ emit: (e) => void events.push(e), hide: (t, h) => hidden.push(`${t.name}@${h}`), onPlaybookStart: (hosts) => (out.hosts = hosts) });
  for (const r of rs) adapter.push(r);
  adapter.close();
  return { events, adapter, hidden, ...out };
}

const basic = adapt(records('basic.jsonl'));
const of = <K extends NewEvent['type']>(type: K) => basic.events.filter((e): e is Extract<NewEvent, { type: K }> => e.type === type);

test('the run starts with the hosts the playbook targets, then one play and one batch, and the play ends', () => {
  assert.deepEqual(basic.hosts, ['h1', 'h2']);
  assert.deepEqual(basic.events.slice(0, 2), [
    { type: 'play.start', index: 0, total: 1, name: 'all', hosts: ['h1', 'h2'] },
    { type: 'batch.start', index: 0, total: 1, hosts: ['h1', 'h2'] },
  ]);
  assert.deepEqual(basic.events.at(-1), { type: 'play.end', index: 0 });
});

test("each task has the native engine's identity: name, file:line:col of its first key, module, play and n", () => {
  const rows = of('task.start').map((e) => [e.task.id, e.task.name, path.relative(DIR, e.task.path), e.task.module, e.task.play, e.task.n]);
  assert.deepEqual(rows, [
    [0, 'one', 'basic.yml:4:7', 'command', 0, 1],
    [1, 'loop', 'basic.yml:6:7', 'debug', 0, 1],
    [2, 'retry', 'basic.yml:9:7', 'command', 0, 1],
    [3, 'boom', 'basic.yml:17:11', 'command', 0, 1],
    [4, 'saved', 'basic.yml:20:11', 'debug', 0, 1],
    [5, 'async', 'basic.yml:22:7', 'command', 0, 1],
    [6, 'secret', 'basic.yml:26:7', 'command', 0, 1],
  ]);
  // Every host event of a task carries the same ref as its start.
  const ids = new Map(of('task.start').map((e) => [e.task.id, e.task]));
  for (const e of basic.events) if ('task' in e) assert.deepEqual(e.task, ids.get(e.task.id), `${e.type} of ${e.task.name}`);
});

test('every host starts each task once and ends it with one final result', () => {
  for (const host of ['h1', 'h2']) {
    const starts = of('host.start').filter((e) => e.host === host).map((e) => e.task.name);
    assert.deepEqual(starts, ['one', 'loop', 'retry', 'boom', 'saved', 'async', 'secret']);
    const finals = basic.events.filter((e) => e.type.startsWith('host.') && 'host' in e && e.host === host && !('item' in e && e.item !== undefined) && ['host.ok', 'host.failed', 'host.skipped', 'host.unreachable'].includes(e.type));
    assert.equal(finals.length, 7, host);
  }
});

test('the events tally to the PLAY RECAP ansible-core printed (a rescue and an ignored failure included)', () => {
  let stats: Record<string, HostStats> = {};
  for (const e of basic.events) stats = tally(stats, { ...e, at: 0, wall: 0 } as RunEvent);
  assert.ok(basic.adapter.stats);
  assert.equal(statsDisagree(stats, basic.adapter.stats!), '');
  assert.deepEqual(stats.h1, { ok: 6, changed: 4, unreachable: 0, failed: 0, skipped: 0, rescued: 1, ignored: 1 });
});

test('loop items, retries and rescues come as the native engine sends them', () => {
  const items = of('host.ok').filter((e) => e.item !== undefined && e.host === 'h1').map((e) => e.item);
  assert.deepEqual(items, ['a', 'b']);
  const loopFinal = of('host.ok').find((e) => e.task.name === 'loop' && e.host === 'h1' && e.item === undefined);
  assert.equal(loopFinal?.loop, true);
  const retries = of('host.retry').filter((e) => e.host === 'h1').map((e) => [e.attempt, e.retriesLeft]);
  // As ansible-core prints them: 'FAILED - RETRYING: [h1]: retry (2 retries left)'.
  assert.deepEqual(retries, [[1, 2], [2, 1]]);
  assert.deepEqual(of('host.rescued').map((e) => `${e.task.name}@${e.host}`).sort(), ['boom@h1', 'boom@h2']);
  const ignored = of('host.failed').filter((e) => e.task.name === 'retry').map((e) => e.ignored);
  assert.deepEqual(ignored, [true, true]);
});

test('a poll: N task gives one async.start, its polls with the limit, and one async.done with the exit code', () => {
  for (const host of ['h1', 'h2']) {
    const jobs = basic.events.filter((e) => e.type.startsWith('async.') && 'host' in e && e.host === host);
    const kinds = jobs.map((e) => e.type);
    assert.equal(kinds[0], 'async.start');
    assert.equal(kinds.at(-1), 'async.done');
    assert.ok(kinds.includes('async.poll'), host);
    const start = jobs[0] as Extract<NewEvent, { type: 'async.start' }>;
    assert.deepEqual([start.limit, start.poll, start.task.name], [10, 1, 'async']);
    const done = jobs.at(-1) as Extract<NewEvent, { type: 'async.done' }>;
    assert.deepEqual([done.rc, done.timedOut, done.jid], [0, false, start.jid]);
    assert.ok(done.duration >= 2 && done.duration < 10, `duration ${done.duration}`);
  }
  assert.deepEqual(basic.adapter.openJobs(), []);
});

test('a no_log task is hidden on each host, its result stays censored and no output is made of it', () => {
  assert.deepEqual(basic.hidden.sort(), ['secret@h1', 'secret@h1', 'secret@h2', 'secret@h2']);
  const secret = of('host.ok').filter((e) => e.task.name === 'secret');
  for (const e of secret) assert.match(String(e.result.censored), /no_log/);
  assert.equal(of('host.output').filter((e) => e.task.name === 'secret').length, 0);
  assert.deepEqual(of('host.output').map((e) => `${e.task.name}@${e.host}:${e.stream}:${e.chunk}`).sort(), ['one@h1:stdout:hi\n', 'one@h2:stdout:hi\n']);
});

const T = { name: 't', role: null, action: 'ansible.builtin.command', path: `${DIR}/basic.yml:4`, uuid: 'u1' };

test('a poll: 0 job read by async_status until it finishes: start, polls from the retries, done from the last read', () => {
  const S = { ...T, name: 'wait', action: 'async_status', uuid: 'u2', path: `${DIR}/basic.yml:6` };
  const { events } = adapt([
    { type: 'play.start', name: 'p', uuid: 'p1', wall: 0 },
    { type: 'task.start', task: { ...T, async: 30, poll: 0 }, wall: 1 },
    { type: 'runner.start', host: 'h', task: { ...T, async: 30, poll: 0 }, wall: 1 },
    { type: 'host.ok', host: 'h', task: { ...T, async: 30, poll: 0 }, changed: true, result: { ansible_job_id: '1.2', started: 1, finished: 0 }, wall: 2 },
    { type: 'task.start', task: S, wall: 3 },
    { type: 'runner.start', host: 'h', task: S, wall: 3 },
    { type: 'retry', host: 'h', task: S, attempts: 1, retries: 5, result: { ansible_job_id: '1.2', started: 1, finished: 0, stdout: 'half\n' }, wall: 4 },
    { type: 'host.ok', host: 'h', task: S, changed: false, result: { ansible_job_id: '1.2', started: 1, finished: 1, rc: 3 }, wall: 7 },
  ] as CallbackRecord[]);
  const jobs = events.filter((e) => e.type.startsWith('async.')).map((e) => {
    const x = e as Record<string, unknown>;
    return [e.type, (x.task as { name: string }).name, x.limit ?? x.rc, x.elapsed ?? x.duration ?? x.poll, x.lastLine];
  });
  assert.deepEqual(jobs, [
    ['async.start', 't', 30, 0, undefined],
    ['async.poll', 'wait', 30, 2, 'half'],
    ['async.done', 'wait', 3, 5, undefined],
  ]);
});

test('serial batches: one play, a batch.start each, task starts again in each batch under the same id; handlers are marked', () => {
  const H = { ...T, name: 'restart', uuid: 'h1', path: `${DIR}/basic.yml:9` };
  const { events } = adapt([
    { type: 'play.start', name: 'p', uuid: 'p1', index: 0, total: 1, hosts: ['a', 'b'], batch: 0, batches: 2, batchHosts: ['a'], wall: 0 },
    { type: 'task.start', task: T, wall: 1 },
    { type: 'play.start', name: 'p', uuid: 'p1', index: 0, total: 1, hosts: ['a', 'b'], batch: 1, batches: 2, batchHosts: ['b'], wall: 2 },
    { type: 'task.start', task: T, wall: 3 },
    { type: 'task.start', task: T, wall: 3 },
    { type: 'handler.start', task: H, wall: 4 },
    { type: 'runner.start', host: 'b', task: H, wall: 4 },
  ] as CallbackRecord[]);
  assert.deepEqual(
    events.map((e) => [e.type, 'task' in e ? `${e.task.id}${e.task.isHandler ? 'h' : ''}` : 'index' in e ? e.index : '']),
    [['play.start', 0], ['batch.start', 0], ['task.start', '0'], ['batch.start', 1], ['task.start', '0'], ['handler.start', '1h'], ['host.start', '1h'], ['play.end', 0]],
  );
});

test('a no_log loop shows its items as ansible-core censors them', () => {
  const N = { ...T, noLog: true };
  const { events } = adapt([
    { type: 'task.start', task: N, wall: 1 },
    { type: 'item.ok', host: 'h', task: N, changed: false, item: 'None', result: { censored: 'hidden', _ansible_no_log: true }, wall: 2 },
  ] as CallbackRecord[]);
  assert.equal((events[1] as { item?: string }).item, NO_LOG_ITEM);
});

test("a run that ended early: each host resumes at the last task it started, or from the top; a run that ended, its failed hosts only", () => {
  const U = { ...T, name: 'u', role: 'app', uuid: 'u9', path: `${DIR}/basic.yml:6` };
  const { adapter } = adapt([
    { type: 'task.start', task: T, wall: 1 },
    { type: 'runner.start', host: 'a', task: T, wall: 1 },
    { type: 'runner.start', host: 'b', task: T, wall: 1 },
    { type: 'host.ok', host: 'a', task: T, changed: false, result: {}, wall: 2 },
    { type: 'host.failed', host: 'b', task: T, ignored: false, result: {}, wall: 2 },
    { type: 'task.start', task: U, wall: 3 },
    { type: 'runner.start', host: 'a', task: U, wall: 3 },
    { type: 'host.ok', host: 'a', task: U, changed: false, result: {}, wall: 4 },
  ] as CallbackRecord[]);
  assert.deepEqual(adapter.resumePlan(['a', 'b', 'c'], true), { done: [], notStarted: ['c'], at: [{ task: 'app : u', hosts: ['a'] }, { task: 't', hosts: ['b'] }] });
  assert.deepEqual(adapter.resumePlan(['a', 'b', 'c'], false), { done: ['a'], notStarted: ['c'], at: [{ task: 't', hosts: ['b'] }] });
});
