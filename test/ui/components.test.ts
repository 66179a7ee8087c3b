import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { render, cleanup } from 'ink-testing-library';
import { initialState, profileTimeline, reduce, vecGet, vecToArray, type RunEvent, type RunState } from '../../src/events/index.js';
import { Header } from '../../src/ui/Header.js';
import { HostTable } from '../../src/ui/HostTable.js';
import { AsyncPanel } from '../../src/ui/AsyncPanel.js';
import { Timeline } from '../../src/ui/Timeline.js';
import { DrillDown } from '../../src/ui/DrillDown.js';
import { Confirm } from '../../src/ui/Confirm.js';
import { FinalView } from '../../src/ui/FinalView.js';
import { Help } from '../../src/ui/Help.js';
import { KeyBar } from '../../src/ui/KeyBar.js';
import { abortPlan } from '../../src/ui/abort-plan.js';
import { visibleHosts } from '../../src/ui/host-rows.js';
import { Script } from '../reporters/events.js';
import { demoEvents } from './helpers.js';

afterEach(() => cleanup());

const fold = (events: RunEvent[]) => events.reduce(reduce, initialState());
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const frameOf = (el: Parameters<typeof render>[0]) => strip(render(el).lastFrame() ?? '');

/** `n` hosts; the first `running` run 'Restart app', host 3 failed before. */
function fleet(n: number, running: number): { state: RunState; at: number } {
  const sc = new Script();
  const hosts = Array.from({ length: n }, (_, i) => `web${String(i + 1).padStart(2, '0')}`);
  sc.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'deploy.yml', runDir: 'runs/r', hosts, check: false, argv: [] });
  sc.emit({ type: 'play.start', index: 1, total: 3, name: 'Deploy web', hosts });
  sc.emit({ type: 'batch.start', index: 1, total: 4, hosts: hosts.slice(0, 5) });
  const pre = sc.task('Fetch artifact', { role: 'deploy' });
  sc.emit({ type: 'task.start', task: pre });
  sc.emit({ type: 'host.start', task: pre, host: 'web03' });
  sc.wait(4000).emit({ type: 'host.failed', task: pre, host: 'web03', result: { rc: 1, stderr: 'Job for app.service failed' }, ignored: false });
  const t = sc.task('Restart app', { role: 'app' });
  sc.emit({ type: 'task.start', task: t });
  for (const host of hosts.slice(3, 3 + running)) sc.emit({ type: 'host.start', task: t, host });
  return { state: fold(sc.events), at: sc.events.at(-1)!.at };
}

test('the header names playbook, play and batch, ticks the clock, and counts results', () => {
  const { state, at } = fleet(20, 7);
  const frame = frameOf(h(Header, { state, playbook: 'deploy.yml', now: at + 222_000, width: 100, paused: false }));
  assert.match(frame, /deploy\.yml ▸ play 2\/3 Deploy web ▸ batch 2\/4 \(5 hosts\)/);
  assert.match(frame, /0:03:46 {2}● running/);
  assert.match(frame, /failed 1 /);
  assert.match(frame, /hosts 1\/20 ▕/);
  assert.match(frameOf(h(Header, { state, playbook: 'deploy.yml', now: at, width: 100, paused: true })), /❚❚ paused/);
  const draining = reduce(state, { type: 'abort.requested', mode: 'drain', source: 'tui', at, wall: 0 });
  assert.match(frameOf(h(Header, { state: draining, playbook: 'deploy.yml', now: at, width: 100, paused: false })), /◐ draining/);
});

test('the host table renders only the rows that fit, failed and running first, each with glyph and word', () => {
  const { state, at } = fleet(500, 7);
  const hosts = visibleHosts(state, { problemsFirst: true, failedOnly: false, filter: '' });
  const frame = frameOf(h(HostTable, { hosts, total: 500, scroll: 0, selected: 0, rows: 10, now: at + 31_000, width: 100 }));
  const rows = frame.split('\n');
  assert.equal(rows.length, 11, 'title + 10 rows');
  assert.match(rows[0]!, /hosts 1-10 of 500/);
  assert.match(rows[1]!, /✗ web03 +failed +deploy : Fetch artifact +rc=1 Job for app\.service failed/);
  assert.match(rows[2]!, /⟳ web04 +running +app : Restart app +0:00:31/);
  assert.match(rows[8]!, /⟳ web10 +running/);
  assert.match(rows[9]!, /· web01 +waiting/);
  assert.match(rows[10]!, /· web02 +waiting/);
  for (const r of rows) assert.ok([...r].length < 100, `row fits: ${r}`);
});

test('the host table scrolls and filters by name or group', () => {
  const { state, at } = fleet(30, 0);
  const byName = visibleHosts(state, { problemsFirst: false, failedOnly: false, filter: 'web2' });
  assert.deepEqual(byName.map((x) => x.name), ['web20', 'web21', 'web22', 'web23', 'web24', 'web25', 'web26', 'web27', 'web28', 'web29']);
  const byGroup = visibleHosts(state, { problemsFirst: false, failedOnly: false, filter: 'canary', groups: { web07: ['canary'] } });
  assert.deepEqual(byGroup.map((x) => x.name), ['web07']);
  assert.deepEqual(visibleHosts(state, { problemsFirst: true, failedOnly: true, filter: '' }).map((x) => x.name), ['web03']);
  const all = visibleHosts(state, { problemsFirst: false, failedOnly: false, filter: '' });
  const frame = frameOf(h(HostTable, { hosts: all, total: 30, scroll: 25, selected: 27, rows: 5, now: at, width: 100 }));
  assert.match(frame, /hosts 26-30 of 30/);
  assert.match(frame, /›· web28/);
  assert.doesNotMatch(frame, /web25/);
});

test('the async panel shows host, task, jid, elapsed against the limit, polls, next poll and the last line made inert', () => {
  const sc = new Script();
  const t = sc.task('Monitor');
  sc.emit({ type: 'async.start', task: t, host: 'web04', jid: 'j4821.93', limit: 360, poll: 10 });
  sc.wait(144_000).emit({ type: 'async.poll', task: t, host: 'web04', jid: 'j4821.93', elapsed: 144, limit: 360, polls: 5, nextPollIn: 8, lastLine: 'GET /health 200\x1b[2J\x07' });
  const state = fold(sc.events);
  const frame = frameOf(h(AsyncPanel, { jobs: Object.values(state.async), rows: 3, now: 144_000, width: 100 }));
  assert.match(frame, /async jobs 1/);
  assert.match(frame, /web04 +Monitor +j4821\.93 +▕████░░░░░░▏ 0:02:24 \/ 0:06:00 {2}poll 5 · next in 8s {2}GET \/health 200\\x07/);
  assert.doesNotMatch(frame, /\x1b\[2J/);
  assert.equal(frameOf(h(AsyncPanel, { jobs: [], rows: 3, now: 0, width: 100 })), '');
});

test('the timeline shows start offsets, a role row and the running task growing with an arrow', () => {
  const events = demoEvents();
  const cut = events.findIndex((e) => e.type === 'task.start' && e.task.name === 'Enable the maintenance page');
  const state = fold(events.slice(0, cut - 4));
  const now = state.lastAt + 500;
  const entries = profileTimeline(state.profile, { now });
  const frame = frameOf(h(Timeline, { entries, rows: 10, spanMs: now - state.startAt!, width: 100 }));
  assert.match(frame, /0:00:00\.\d{3} common : Create the release/);
  assert.match(frame, /0:00:00\.2\d\d \[webapp\]/);
  assert.match(frame, /webapp : Build static assets +[^\n]*█▶ +\d\.\ds…/);
  const last = frameOf(h(Timeline, { entries, rows: 2, spanMs: now, width: 100 }));
  assert.equal(last.split('\n').length, 3, 'title and the last two rows');
  assert.match(last, /last 2 of/);
});

test('under strategy free the timeline bar spans the wall time, and the figure is the slowest host', () => {
  const sc = new Script();
  sc.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: 'd', hosts: ['a', 'b'], check: false, argv: [] });
  const nap = sc.task('Nap');
  const quick = sc.task('Quick');
  sc.emit({ type: 'task.start', task: nap }).emit({ type: 'host.start', task: nap, host: 'a' }).emit({ type: 'host.start', task: nap, host: 'b' });
  sc.wait(10).emit({ type: 'host.ok', task: nap, host: 'b', changed: false, result: {} });
  sc.emit({ type: 'task.start', task: quick }).emit({ type: 'host.start', task: quick, host: 'b' });
  sc.wait(20).emit({ type: 'host.ok', task: quick, host: 'b', changed: false, result: {} });
  sc.wait(2970).emit({ type: 'host.ok', task: nap, host: 'a', changed: false, result: {} });
  sc.emit({ type: 'host.start', task: quick, host: 'a' }).wait(30).emit({ type: 'host.ok', task: quick, host: 'a', changed: false, result: {} });
  const entries = profileTimeline(fold(sc.events).profile);
  const frame = frameOf(h(Timeline, { entries, rows: 5, spanMs: 3030, width: 100 }));
  assert.match(frame, /0:00:00\.010 Quick +[^\n]*█{20,} +0\.0s\n?/);
  assert.match(frame, /0:00:00\.000 Nap +[^\n]*█ +3\.0s/);
});

test('the drill-down lists a host’s tasks with results and shows the selected task’s output, scrolled', () => {
  const sc = new Script();
  const t1 = sc.task('Build');
  const t2 = sc.task('Migrate');
  sc.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: 'd', hosts: ['db1'], check: false, argv: [] });
  sc.emit({ type: 'host.start', task: t1, host: 'db1' }).wait(1200);
  sc.emit({ type: 'host.ok', task: t1, host: 'db1', changed: true, result: { stdout: Array.from({ length: 40 }, (_, i) => `step ${i}`).join('\n') } });
  sc.emit({ type: 'host.start', task: t2, host: 'db1' }).wait(300);
  sc.emit({ type: 'host.failed', task: t2, host: 'db1', result: { rc: 3, stderr: 'lock held\x1b]0;pwned\x07 by pid 9' }, ignored: false, delegate: 'lb1', delegateAddress: '10.0.0.5' });
  const state = fold(sc.events);
  const host = vecGet(state.hosts, 0)!;
  const last = frameOf(h(DrillDown, { host, selected: 99, scroll: 0, rows: 12, now: 0, width: 100 }));
  assert.match(last, /db1 ✗ failed/);
  assert.match(last, /✓ changed +1\.2s +Build/);
  assert.match(last, /›✗ failed +0\.3s +Migrate +-> lb1\(10\.0\.0\.5\) rc=3 lock held/);
  assert.match(last, /── stderr/);
  assert.doesNotMatch(last, /pwned|\x1b\]/);
  const first = frameOf(h(DrillDown, { host, selected: 0, scroll: 30, rows: 12, now: 0, width: 100 }));
  assert.match(first, /lines 31-38 of 40/);
  assert.match(first, /step 30/);
  assert.doesNotMatch(first, /step 29\n/);
});

test('the abort question says which hosts finish which task and how many will not start', () => {
  const { state } = fleet(20, 7);
  const drain = abortPlan(state, 'drain');
  assert.equal(drain.summary, "Drain: 7 hosts will finish 'app : Restart app', 12 will not start. Nothing new starts.");
  const frame = frameOf(h(Confirm, { plan: drain, width: 100 }));
  assert.match(frame, /Drain now\? {2}y drain · n cancel · K kill instead/);
  assert.match(abortPlan(state, 'kill').summary, /^Kill: the commands running on 7 hosts are stopped now, 12 will not start\.$/);
});

test('the final view prints the recap, the ten slowest tasks, roles, failed hosts, the abort summary and the record', () => {
  const sc = new Script();
  const hosts = ['web1', 'web2', 'web3'];
  sc.emit({ type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: 'runs/r', hosts, check: false, argv: [] });
  sc.emit({ type: 'play.start', index: 0, total: 1, name: 'P', hosts });
  for (let i = 1; i <= 12; i++) {
    const t = sc.task(`task ${i}`, i % 2 ? { role: 'app' } : {});
    sc.emit({ type: 'task.start', task: t }).emit({ type: 'host.start', task: t, host: 'web1' });
    sc.wait(i * 1000).emit({ type: 'host.ok', task: t, host: 'web1', changed: false, result: {} });
  }
  const bad = sc.task('Restart app');
  sc.emit({ type: 'host.start', task: bad, host: 'web2' }).wait(10);
  sc.emit({ type: 'host.failed', task: bad, host: 'web2', result: { msg: 'boom\nmore' }, ignored: false });
  sc.emit({ type: 'abort.requested', mode: 'drain', source: 'tui' }).emit({ type: 'play.end', index: 0 });
  sc.emit({ type: 'abort.done', mode: 'drain' });
  sc.emit({
    type: 'run.end',
    exitCode: 99,
    aborted: true,
    durationMs: 78_500,
    stats: {
      web1: { ok: 12, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 },
      web2: { ok: 0, changed: 0, unreachable: 0, failed: 1, skipped: 0, rescued: 0, ignored: 0 },
    },
  });
  const state = fold(sc.events);
  const frame = frameOf(h(FinalView, { state, runDir: '/runs/r', resumeLines: ['playwatch run p.yml --limit @/runs/r/not-started'] }));
  const lines = frame.split('\n');
  assert.match(frame, /^PLAY RECAP \*+/);
  assert.match(frame, /web2 +: ok=0 +changed=0 +unreachable=0 +failed=1/);
  const top = lines.filter((l) => /^(app \| )?task \d+ -+ +\d+\.\d\ds$/.test(l));
  assert.equal(top.length, 10);
  assert.match(top[0]!, /^task 12 -+ 12\.00s$/);
  assert.match(top[9]!, /^app \| task 3 /, 'tasks 1 and 2 are the fastest and left out');
  assert.match(frame, /ROLE RECAP[^\n]*\napp -+ 36\.00s/);
  assert.match(frame, /FAILED HOSTS[^\n]*\nweb2 \(failed\): Restart app: boom/);
  assert.match(frame, /aborted \(drain, by tui\): 0 hosts done, 2 touched but unfinished, 1 not started\nplaywatch run p\.yml --limit/);
  assert.match(frame, /Playbook run took 0 days, 0 hours, 1 minutes, 18 seconds\nRun record: \/runs\/r/);
});

test('help and the key bar list the keys', () => {
  assert.match(frameOf(h(Help, { width: 100, rows: 20 })), /a, Ctrl-C +abort: asks first/);
  assert.match(frameOf(h(KeyBar, { mode: 'main', ended: false, paused: true, filter: '', failedOnly: false, width: 100 })), /a abort {2}p resume/);
  assert.match(frameOf(h(KeyBar, { mode: 'filter', ended: false, paused: false, filter: 'web', failedOnly: false, width: 100 })), /filter: web▏/);
  assert.match(frameOf(h(KeyBar, { mode: 'main', ended: true, paused: false, filter: '', failedOnly: false, width: 100 })), /^ q quit/);
  void vecToArray;
});

test('a waiting host under a group budget shows its group busy count, and a cancelled one says so', () => {
  const base = { at: 0, wall: 0 };
  let s = initialState();
  s = reduce(s, { ...base, type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: ['a1', 'a2', 'a3'], check: false, argv: [] });
  s = reduce(s, { ...base, type: 'group.update', key: 'web-a', hosts: ['a1', 'a2', 'a3'], busy: 1, allowed: 1, done: 0, failed: 0, cancelled: 0, waiting: 2 });
  const table = (st: RunState) => render(h(HostTable, { hosts: vecToArray(st.hosts), total: 3, scroll: 0, selected: 0, rows: 5, now: 0, width: 120, groups: st.groups })).lastFrame()!;
  assert.match(table(s), /a2 +waiting .*group web-a 1\/1 busy/);
  s = reduce(s, { ...base, type: 'host.cancelled', host: 'a3', group: 'web-a', reason: 'group web-a: a1 failed' });
  assert.match(table(s), /⊘ a3 +cancelled/);
  assert.equal(visibleHosts(s, { filter: 'web-a', failedOnly: false, problemsFirst: false }).length, 3);
});
