import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup } from 'ink-testing-library';
import type { RunEvent } from '../../src/events/index.js';
import { demoEvents, KEY, mountApp } from './helpers.js';

afterEach(() => cleanup());

const demo = demoEvents();
/** The demo up to the moment the four web hosts build their assets (1.5 s each). */
const building = demo.slice(0, demo.findIndex((e) => e.type === 'host.ok' && e.task.name === 'Build static assets'));
const buildStart = building.at(-1)!.at;

test('the whole app fed the recorded demo shows header, host rows, timeline and key bar within the terminal', async () => {
  const app = mountApp(building, { clockAt: buildStart + 1000, rows: 24, columns: 100 });
  await app.quiet();
  const lines = app.frame().split('\n');
  assert.ok(lines.length <= 23, `one row shorter than the terminal, got ${lines.length}`);
  assert.match(lines[0]!, /site\.yml ▸ play 1\/2 Deploy the web tier +0:00:01 +● running/);
  assert.match(app.frame(), /⟳ web1 +running +webapp : Build static assets +0:00:01/);
  assert.equal(app.frame().match(/⟳ web\d +running/g)?.length, 4);
  assert.match(app.frame(), /· db1 +waiting/);
  assert.match(app.frame(), /timeline/);
  assert.match(app.frame(), /webapp : Build static assets +[^\n]*▶/);
  assert.match(lines.at(-1)!, /a abort {2}p pause/);
});

test('the clock ticks and a running task’s time grows between frames', async () => {
  const app = mountApp(building, { clockAt: buildStart + 1000 });
  await app.quiet();
  const first = app.frame();
  app.clock.t = buildStart + 3100;
  await new Promise((r) => setTimeout(r, 1100));
  assert.notEqual(app.frame(), first);
  assert.match(app.frame(), /web1 +running +webapp : Build static assets +0:00:03/);
});

test('pressing a then y asks what a drain will do and then drains through the run control', async () => {
  const app = mountApp(building, { clockAt: buildStart + 500 });
  await app.press('a');
  assert.match(app.frame(), /Drain: 4 hosts will finish 'webapp : Build static assets', 2 will not start\. Nothing new starts\./);
  assert.deepEqual(app.control.calls, []);
  await app.press('y');
  assert.deepEqual(app.control.calls, ['drain:tui']);
  assert.doesNotMatch(app.frame(), /Drain now\?/);
});

test('n cancels the question; a twice turns it into a kill; K asks to kill straight away', async () => {
  const app = mountApp(building);
  await app.press('a', 'n');
  assert.doesNotMatch(app.frame(), /Drain now\?/);
  await app.press('a', 'a');
  assert.match(app.frame(), /Kill: the commands running on 4 hosts are stopped now/);
  await app.press('y');
  assert.deepEqual(app.control.calls, ['kill:tui']);
  const other = mountApp(building);
  await other.press('K');
  assert.match(other.frame(), /Kill now\?/);
});

test('Ctrl-C twice drains, twice more kills; q during the run asks the same question', async () => {
  const app = mountApp(building);
  await app.press(KEY.ctrlC);
  assert.match(app.frame(), /Drain now\?/);
  await app.press(KEY.ctrlC);
  assert.deepEqual(app.control.calls, ['drain:tui']);
  await app.press(KEY.ctrlC);
  assert.match(app.frame(), /Kill now\?/);
  await app.press(KEY.ctrlC);
  assert.deepEqual(app.control.calls, ['drain:tui', 'kill:tui']);
  const other = mountApp(building);
  await other.press('q');
  assert.match(other.frame(), /Drain now\?/);
  assert.equal(other.quits.length, 0);
});

test('Ctrl-C arriving as a signal (no raw mode) opens the same question', async () => {
  const app = mountApp(building);
  app.store.interrupt();
  await app.quiet();
  assert.match(app.frame(), /Drain now\?/);
});

test('q quits once the run has ended', async () => {
  const app = mountApp(demo);
  await app.press('a');
  assert.doesNotMatch(app.frame(), /Drain now\?/, 'nothing to abort');
  await app.press('q');
  assert.equal(app.quits.length, 1);
  assert.match(app.frame(), /✓ finished/);
});

test('p pauses and resumes through the run control and the header says so', async () => {
  const app = mountApp(building);
  await app.press('p');
  assert.match(app.frame(), /❚❚ paused/);
  assert.match(app.frame(), /p resume/);
  await app.press('p');
  assert.deepEqual(app.control.calls, ['pause:tui', 'resume:tui']);
  assert.match(app.frame(), /● running/);
});

test('/ filters hosts by name, esc clears; f shows failed hosts only', async () => {
  const failing: RunEvent[] = [
    ...building,
    { type: 'host.failed', task: (building.at(-1) as Extract<RunEvent, { type: 'host.start' }>).task, host: 'web2', result: { rc: 1, stderr: 'npm ERR!' }, ignored: false, at: buildStart + 900, wall: 0 },
  ];
  const app = mountApp(failing);
  await app.press('/', 'd', 'b', '2', KEY.enter);
  assert.match(app.frame(), /hosts 1 \(of 6\) · problems first · filter "db2"/);
  assert.match(app.frame(), /· db2 +waiting/);
  assert.doesNotMatch(app.frame(), /web1/);
  await app.press(KEY.esc);
  await app.quiet();
  assert.match(app.frame(), /web1/);
  await app.press('f');
  assert.match(app.frame(), /✗ web2 +failed +webapp : Build static assets +rc=1 npm ERR!/);
  assert.doesNotMatch(app.frame(), /web1 /);
});

test('enter opens the selected host’s tasks and output, esc goes back', async () => {
  const app = mountApp(demo);
  await app.press(KEY.down, KEY.down);
  assert.match(app.frame(), /›✓ web3/);
  await app.press(KEY.enter);
  assert.match(app.frame(), /─ web3 ✓ done 8 ok · 4 changed/);
  assert.match(app.frame(), /Wait until the app answers its health c… retries 1 healthy after 2 probes/);
  await app.press(KEY.up, KEY.up);
  assert.match(app.frame(), /›✓ ok +\d\.\ds +Wait until/);
  assert.match(app.frame(), /output Wait until the app answers its health check · lines 1-1 of 1/);
  assert.match(app.frame(), /^ healthy after 2 probes$/m);
  await app.press(KEY.esc);
  await app.quiet();
  assert.match(app.frame(), /─ hosts 6/);
});

test('the arrow keys scroll a long host list that does not fit', async () => {
  const hosts = Array.from({ length: 60 }, (_, i) => `node${String(i).padStart(2, '0')}`);
  const start: RunEvent[] = [
    { type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: 'd', hosts, check: false, argv: [], at: 0, wall: 0 },
  ];
  const app = mountApp(start, { rows: 20 });
  await app.quiet();
  assert.match(app.frame(), /hosts 1-\d+ of 60/);
  assert.doesNotMatch(app.frame(), /node59/);
  await app.press(KEY.pageDown, KEY.pageDown, KEY.pageDown, KEY.pageDown);
  await app.press(...Array(20).fill(KEY.down));
  assert.match(app.frame(), /›· node59/);
  assert.ok(app.frame().split('\n').length <= 19);
});

test('text from targets reaches the screen inert', async () => {
  const t = (building.at(-1) as Extract<RunEvent, { type: 'host.start' }>).task;
  const app = mountApp([
    ...building,
    { type: 'host.output', task: t, host: 'web1', stream: 'stdout', chunk: 'evil\x1b[2J\x1b]0;title\x07 done\n', at: buildStart + 10, wall: 0 },
  ]);
  await app.quiet();
  assert.match(app.frame(), /web1 +running[^\n]*evil done/);
  assert.doesNotMatch(app.frame(), /\x1b\[2J|\x1b\]0/);
});

test('? shows the keys and any key goes back', async () => {
  const app = mountApp(building);
  await app.press('?');
  assert.match(app.frame(), /─ keys/);
  await app.press('x');
  assert.match(app.frame(), /─ hosts/);
});
