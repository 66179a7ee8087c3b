import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createTuiPresenter } from '../../src/cli/tui.js';
import { RunControl } from '../../src/engine/control.js';
import { createRecorder } from '../../src/reporters/recorder.js';
import { loadRun } from '../../src/history/load.js';
import { replayEvents } from '../../src/history/replay.js';
import { makeProject, runIn } from '../helpers/run.js';
import { fakeTerminal } from '../helpers/terminal.js';
import { junitViolations, parseXml, type XmlElement } from '../helpers/junit-schema.js';
import { junitSchemaErrors } from '../helpers/junit-xsd.js';
import { mountApp } from '../ui/helpers.js';
import { FIXTURE, fixtureProject, hold, playwatch, read, runDirOf, runsIn, startPlaywatch, type Ran } from './cli.js';
import type { RunEvent } from '../../src/events/index.js';

let dir = '';
let failed: { ran: Ran; dir: string };

before(() => {
  dir = fixtureProject();
  const ran = playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini', '-e', 'break_on=web1', '--junit', 'reports/junit.xml']);
  failed = { ran, dir: runDirOf(dir, ran) };
});

test('replay --ui plain prints what the live run printed, line for line', () => {
  assert.equal(failed.ran.code, 2, failed.ran.err);
  const r = playwatch(dir, ['replay', failed.dir, '--ui', 'plain', '--speed', '0']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, failed.ran.out);
  assert.match(r.out, /fatal: \[web1\]: FAILED!/);
});

test('replay keeps the recorded pace, divided by --speed, with long pauses cut short', async () => {
  const at = [0, 400, 800, 60_800];
  const events = at.map((t) => ({ type: 'warning', message: `at ${t}`, at: t, wall: t }) as RunEvent);
  const rows: Array<[string, Parameters<typeof replayEvents>[2], number, number]> = [
    ['speed 2: 0.4 s + 0.2 s of a minute-long pause cut to 0.4 s', { speed: 2, maxGapMs: 400 }, 750, 2000],
    ['speed 0: no waiting', { speed: 0 }, 0, 150],
  ];
  for (const [what, opts, least, most] of rows) {
    const seen: number[] = [];
    const t0 = Date.now();
    assert.equal(await replayEvents(events, (e) => seen.push(e.at), opts), 4, what);
    const took = Date.now() - t0;
    assert.deepEqual(seen, at, what);
    assert.ok(took >= least && took < most, `${what}: took ${took} ms`);
  }
});

test('a record cut mid-line replays as far as it got, and says so', () => {
  const copy = makeProject({});
  const runDir = path.join(copy, 'cut');
  fs.cpSync(failed.dir, runDir, { recursive: true });
  const text = read(path.join(runDir, 'events.jsonl'));
  fs.writeFileSync(path.join(runDir, 'events.jsonl'), text.slice(0, Math.floor(text.length * 0.6)));
  const r = playwatch(dir, ['replay', runDir, '--ui', 'plain', '--speed', '0']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /TASK \[app : nap\]/);
  assert.doesNotMatch(r.out, /PLAY RECAP/);
  assert.match(r.err, /ends in a torn line/);
});

test('replay through the TUI shows the same final view as the live run did', async () => {
  const project = makeProject(FIXTURE);
  const runDir = path.join(project, 'run');
  const live = fakeTerminal();
  const shown = { playbook: 'site.yml', runDir: 'run', frameMs: 0 };
  const liveTui = createTuiPresenter({ control: new RunControl(), stdout: live.out as never, stdin: live.input as never, ...shown });
  const run = await runIn(project, { playbook: 'site.yml', extraVars: { break_on: 'web2' }, reporters: [liveTui.reporter, createRecorder({ runDir })] });
  await liveTui.done();
  assert.equal(run.exitCode, 2);

  const record = loadRun(runDir);
  assert.deepEqual(record.events, JSON.parse(JSON.stringify(run.events)), 'the record holds every event as emitted');
  const again = fakeTerminal();
  const replayTui = createTuiPresenter({ control: new RunControl(), stdout: again.out as never, stdin: again.input as never, ...shown });
  await replayEvents(record.events, (e) => replayTui.reporter.onEvent(e), { speed: 0 });
  await replayTui.reporter.close?.();
  await replayTui.done();
  const finalView = (chunks: string[]) => {
    const text = chunks.join('');
    return text.slice(text.lastIndexOf('PLAY RECAP'));
  };
  const seen = finalView(again.out.chunks);
  assert.equal(seen, finalView(live.out.chunks));
  assert.match(seen, /^PLAY RECAP \*+\nweb1 +: ok=5 [^]*web2 +: ok=3 [^]*FAILED HOSTS[^]*web2 \(failed\): fails when asked/);

  // The last frame of the live screen, drawn from the recorded events and from the live ones, is the same.
  const frames = [run.events, record.events].map((events) => {
    const app = mountApp(events, { playbook: 'site.yml', clockAt: 0 });
    const f = app.frame();
    app.ui.unmount();
    return f;
  });
  assert.equal(frames[1], frames[0]);
  assert.match(frames[0]!, /web2/);
});

/** The run directory a live run just made. */
async function newRunDir(project: string, before: string[]): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const fresh = fs.existsSync(runsIn(project)) ? fs.readdirSync(runsIn(project)).filter((n) => !before.includes(n) && !n.endsWith('.tar.gz')) : [];
    if (fresh.length && fs.existsSync(path.join(runsIn(project), fresh[0]!, 'events.jsonl'))) return path.join(runsIn(project), fresh[0]!);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no run directory appeared');
}

const existing = (project: string) => (fs.existsSync(runsIn(project)) ? fs.readdirSync(runsIn(project)) : []);

test('replay --follow reads a live run as it writes its record, prints what the run prints, and exits with its code', async () => {
  const project = fixtureProject();
  const run = startPlaywatch(project, ['run', 'site.yml', '-i', 'inventory.ini', '-e', 'nap=1.5', '-e', 'break_on=web2']);
  const runDir = await newRunDir(project, []);
  const watcher = startPlaywatch(project, ['replay', '--follow', runDir, '--ui', 'plain']);
  const [ran, watched] = await Promise.all([run.ended, watcher.ended]);
  assert.equal(ran.code, 2, ran.err);
  assert.equal(watched.code, 2, watched.err);
  assert.equal(watched.out, ran.out);
});

test('replay --follow: Ctrl-C only stops watching; the run goes on to its end', async () => {
  const project = fixtureProject();
  const held = hold(project);
  const run = startPlaywatch(project, ['run', 'site.yml', '-i', 'inventory.ini']);
  const runDir = await newRunDir(project, existing(project));
  const watcher = startPlaywatch(project, ['replay', '--follow', runDir, '--ui', 'plain']);
  await watcher.seen(/TASK \[app : nap\]/);
  watcher.child.kill('SIGINT');
  const watched = await watcher.ended;
  held.release();
  assert.equal(watched.code, 0, watched.err);
  assert.match(watched.err, /Stopped watching .*: the run goes on/);
  assert.doesNotMatch(watched.out, /PLAY RECAP/);
  const ran = await run.ended;
  assert.equal(ran.code, 0, ran.err);
  assert.match(ran.out, /PLAY RECAP/);
});

// ----------------------------------------------------------------------- JUnit

const casesOf = (root: XmlElement) => root.children.flatMap((s) => s.children.filter((c) => c.name === 'testcase').map((c) => ({ suite: s.attrs.name, ...c })));

test('--junit on run: valid against the JUnit schema, one test case per task and host, the failure with its message and output', async () => {
  const xml = read(path.join(dir, 'reports/junit.xml'));
  assert.deepEqual(await junitSchemaErrors(xml), []);
  const root = parseXml(xml);
  assert.deepEqual(junitViolations(root), []);
  const cases = casesOf(root).map((c) => `${c.attrs.classname} ${c.attrs.name} ${c.children[0]?.name ?? 'passed'}`);
  // web1 fails at its third task and stops there; web2 runs every task.
  assert.deepEqual(cases, [
    'web1 app : nap passed',
    'web1 app : settle passed',
    'web1 quick passed',
    'web1 fails when asked failure',
    'web2 app : nap passed',
    'web2 app : settle passed',
    'web2 quick passed',
    'web2 fails when asked passed',
    'web2 quick (#2) passed',
  ]);
  const failure = casesOf(root).find((c) => c.children[0]?.name === 'failure')!.children[0]!;
  assert.deepEqual([failure.attrs.type, failure.attrs.message], ['failed', 'non-zero return code (rc=1)']);
  assert.match(failure.text, /^msg:\n  non-zero return code/m);
  assert.deepEqual([root.attrs.tests, root.attrs.failures, root.attrs.errors], ['9', '1', '0']);
});

test('--junit on replay writes the same report as the run did', () => {
  const out = path.join(makeProject({}), 'again.xml');
  const r = playwatch(dir, ['replay', failed.dir, '--ui', 'plain', '--speed', '0', '--junit', out]);
  assert.equal(r.code, 0, r.err);
  assert.equal(read(out), read(path.join(dir, 'reports/junit.xml')));
});

test('the JUnit check itself catches what CI readers refuse', () => {
  const rows: Array<[string, string, RegExp]> = [
    ['an unescaped &', '<testsuites><testsuite name="a&b"/></testsuites>', /bare &/],
    ['bad nesting', '<testsuites><testsuite></testsuites></testsuite>', /closed by/],
    ['a control character', '<testsuites name="\x01"/>', /forbids/],
  ];
  for (const [what, doc, re] of rows) assert.throws(() => parseXml(doc), re, what);
  const missing = junitViolations(parseXml('<testsuites><testsuite name="h" tests="1"><testcase name="t"/></testsuite></testsuites>'));
  assert.ok(missing.includes('<testsuite> lacks timestamp') && missing.includes('<testcase> lacks classname'), missing.join('\n'));
});

test('a replayed run cannot be steered: the key bar offers no abort or pause, and a and p do nothing', async () => {
  const events = loadRun(failed.dir).events;
  const midRun = events.slice(0, events.findIndex((e) => e.type === 'host.start') + 1);
  const rows: Array<[string, boolean, RegExp, string[]]> = [
    ['attach', false, /q detach +a abort +p pause/, ['pause:attach', 'drain:attach']],
    ['replay', true, /q detach +↑↓ select/, []],
  ];
  for (const [what, readOnly, bar, calls] of rows) {
    const app = mountApp(midRun, { watching: true, readOnly });
    await app.quiet();
    assert.match(app.frame(), bar, what);
    await app.press('p', 'a', 'y');
    assert.deepEqual(app.control.calls, calls, what);
    app.ui.unmount();
  }
});

test('following a run, the clock runs from when each event happened, not from when it was read', async () => {
  const { RunStore } = await import('../../src/ui/store.js');
  const happened = { type: 'warning', message: 'x', at: 1000, wall: Date.now() - 5000 } as RunEvent;
  const rows: Array<[string, boolean, number]> = [
    ['replay --follow and attach (wall clock)', true, 6000],
    ['live (arrival)', false, 1000],
  ];
  for (const [what, wallClock, expected] of rows) {
    const store = new RunStore({ frameMs: 0, now: () => 0, wallClock });
    store.dispatch(happened);
    assert.ok(Math.abs(store.now() - expected) < 200, `${what}: ${store.now()}`);
  }
});
