import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareRuns, type RunTimes, type TaskTime } from '../../src/history/compare.js';
import { fixtureProject, playwatch, read, runDirOf, runsIn, type Ran } from './cli.js';

/**
 * Three recorded runs of one fixture: a baseline, one where web1 fails,
 * one whose `nap` task sleeps 2 s. The CLI compares use --threshold 100%:
 * on a machine loaded by other tests a 0.1 s task can take 0.6 s, past
 * the noise floor; the default threshold is tested on data below.
 */
let dir = '';
const runs: Record<'base' | 'failed' | 'slow', { ran: Ran; dir: string }> = {} as never;

before(() => {
  dir = fixtureProject();
  const cases = { base: [], failed: ['-e', 'break_on=web1'], slow: ['-e', 'nap=2'] } as const;
  for (const [name, extra] of Object.entries(cases)) {
    const ran = playwatch(dir, ['run', 'site.yml', '-i', 'inventory.ini', ...extra]);
    runs[name as keyof typeof runs] = { ran, dir: runDirOf(dir, ran) };
  }
});

test('the fixture runs came out as recorded: ok, failed (exit 2), ok', () => {
  assert.deepEqual([runs.base.ran.code, runs.failed.ran.code, runs.slow.ran.code], [0, 2, 0], runs.failed.ran.err);
});

test('history lists one line per run, oldest first: id, start, result, duration, hosts, user, playbook, inventory', () => {
  const r = playwatch(dir, ['history']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.match(lines[0]!, /^RUN +STARTED +RESULT +DURATION +HOSTS +USER +PLAYBOOK +INVENTORY$/);
  const user = os.userInfo().username;
  const rows = lines.slice(1).map((l) => l.split(/ {2,}/));
  assert.deepEqual(
    rows.map((c) => [c[0], c[2], c[4], c[5], c[6], c[7]]),
    (['base', 'failed', 'slow'] as const).map((k) => [path.basename(runs[k].dir), k === 'failed' ? 'failed' : 'ok', '2', user, 'site.yml', 'inventory.ini']),
  );
  assert.match(rows[2]![3]!, /^0:00:0[1-9]$/, 'the slow run took over a second');
});

test('history -n 1 shows the newest run only, and --json gives every field', () => {
  const one = playwatch(dir, ['history', '-n', '1']);
  assert.equal(one.out.trim().split('\n').length, 2);
  assert.match(one.out, new RegExp(path.basename(runs.slow.dir)));
  const json = JSON.parse(playwatch(dir, ['history', '--json']).out) as Array<Record<string, unknown>>;
  assert.equal(json.length, 3);
  assert.deepEqual(Object.keys(json[1]!).sort(), ['dir', 'durationMs', 'exitCode', 'hosts', 'id', 'inventory', 'playbook', 'result', 'startedAt', 'user']);
  assert.deepEqual([json[1]!.result, json[1]!.exitCode, json[1]!.hosts, json[1]!.inventory], ['failed', 2, ['web1', 'web2'], ['inventory.ini']]);
});

test('show @prev: the recap, the slowest tasks, the failure with its output, and the run files', () => {
  const r = playwatch(dir, ['show', '@prev']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`^run ${path.basename(runs.failed.dir)}: failed \\(exit 2\\)`));
  assert.match(r.out, /PLAY RECAP \*+\nweb1 +: ok=3 +changed=3 +unreachable=0 +failed=1 /);
  assert.match(r.out, /TASKS RECAP \*+\n(.*\n)*app \| nap -+ \d+\.\d\ds/);
  assert.match(r.out, /FAILURES\nfailed: \[web1\] fails when asked \(.*site\.yml:\d+:\d+\): non-zero return code \(rc=1\)\n/);
  assert.match(r.out, /FILES\n(  .*\n)*  \.playwatch\/runs\/[^/]+\/run\.log\n/);
  assert.equal(playwatch(dir, ['show', '@last']).out.includes('FAILURES'), false);
  const archived = playwatch(dir, ['show', `${runs.failed.dir}.tar.gz`]);
  assert.equal(archived.code, 0, archived.err);
  assert.match(archived.out, /FAILURES\nfailed: \[web1\] fails when asked[^]*FILES\n  .*\.tar\.gz\n$/);
});

/** The slow run against the baseline named each way CI may keep it. */
const baselines: Array<[string, () => string]> = [
  ['its run directory', () => runs.base.dir],
  ['its summary.json (with events.jsonl beside it)', () => path.join(runs.base.dir, 'summary.json')],
  ['its archive', () => `${runs.base.dir}.tar.gz`],
  ['a summary.json kept on its own', () => {
    const lone = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-baseline-'));
    fs.copyFileSync(path.join(runs.base.dir, 'summary.json'), path.join(lone, 'summary.json'));
    return path.join(lone, 'summary.json');
  }],
];
for (const [how, baseline] of baselines) {
  test(`compare against a baseline given as ${how} flags exactly the slowed task and exits 3`, () => {
    const r = playwatch(dir, ['compare', baseline(), runs.slow.dir, '--json', '--threshold', '100%']);
    assert.equal(r.code, 3, r.err);
    const c = JSON.parse(r.out) as { tasks: Array<{ name: string; regression: boolean; a: number; b: number }>; regressions: number };
    assert.deepEqual(c.tasks.filter((t) => t.regression).map((t) => t.name), ['nap']);
    assert.equal(c.regressions, 1);
    const nap = c.tasks.find((t) => t.name === 'nap')!;
    assert.ok(nap.b >= 2 && nap.b > 2 * nap.a, JSON.stringify(nap));
  });
}

test('compare prints a row per task, role and run totals, and says which task regressed', () => {
  const r = playwatch(dir, ['compare', runs.base.dir, '@last', '--threshold', '100%']);
  assert.equal(r.code, 3, r.err);
  // The slow run's nap sleeps 2 s: at least that (more on a busy machine).
  assert.match(r.out, /^app : nap +\d+\.\d\ds +[2-9]\.\d\ds +\+\d\.\d\ds +\d+\.\d\dx +REGRESSION$/m);
  assert.match(r.out, /^quick \(#2\) +/m);
  assert.match(r.out, /^ROLE +A +B +DELTA +B\/A$/m);
  assert.match(r.out, /^app +/m);
  assert.match(r.out, /^RUN \(wall time\) +/m);
  assert.match(r.out, /1 task slower by more than 100%: app : nap$/m);
});

test('compare of two runs without a slowdown exits 0; a higher threshold lets the slow one pass too', () => {
  assert.equal(playwatch(dir, ['compare', runs.base.dir, runs.failed.dir, '--threshold', '100%']).code, 0);
  assert.equal(playwatch(dir, ['compare', runs.base.dir, runs.slow.dir, '--threshold', '100000%']).code, 0);
  const bad = playwatch(dir, ['compare', runs.base.dir, runs.slow.dir, '--threshold', 'lots']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--threshold 'lots'/);
});

test('a run cut mid-line (a crash) is listed as incomplete, and still shown', () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-runs-'));
  const copy = path.join(runsDir, path.basename(runs.slow.dir));
  fs.cpSync(runs.slow.dir, copy, { recursive: true });
  fs.rmSync(path.join(copy, 'summary.json'));
  const file = path.join(copy, 'events.jsonl');
  const text = read(file);
  // Cut in the middle of the last host.ok line: run.end and the line before it are gone.
  const lines = text.trimEnd().split('\n');
  const cut = lines.slice(0, -3).join('\n') + '\n' + lines.at(-3)!.slice(0, 40);
  fs.writeFileSync(file, cut);
  const h = playwatch(dir, ['history', '--runs-dir', runsDir, '--json']);
  const [row] = JSON.parse(h.out) as Array<{ result: string; truncated: boolean }>;
  assert.deepEqual([row!.result, row!.truncated], ['incomplete', true]);
  assert.match(playwatch(dir, ['history', '--runs-dir', runsDir]).out, / incomplete\* .*\n\* the record ends in a torn line/);
  const s = playwatch(dir, ['show', '@last', '--runs-dir', runsDir]);
  assert.equal(s.code, 0, s.err);
  assert.match(s.out, /: incomplete, record cut short/);
  assert.match(s.out, /PLAY RECAP \*+\nweb1 +: ok=\d/);
});

// ----------------------------------------------------------------- matching, by data

const t = (name: string, seconds: number, more: Partial<TaskTime> = {}): TaskTime => ({ name, n: 1, path: `site.yml:${name.length}:7`, play: 0, handler: false, seconds, ...more });
const run = (id: string, tasks: TaskTime[]): RunTimes => ({ id, playbook: 'site.yml', durationMs: tasks.reduce((s, x) => s + x.seconds * 1000, 0), tasks });

const CASES: Array<{ what: string; a: TaskTime[]; b: TaskTime[]; regressions: string[]; onlyA?: string[]; onlyB?: string[] }> = [
  { what: 'a task 3x slower is a regression', a: [t('build', 2)], b: [t('build', 6)], regressions: ['build'] },
  { what: 'a task 19% slower is not (threshold 20%)', a: [t('build', 10)], b: [t('build', 11.9)], regressions: [] },
  { what: 'a task under 0.5 s in both runs is never a regression by ratio', a: [t('tiny', 0.05)], b: [t('tiny', 0.45)], regressions: [] },
  { what: 'a task that crossed 0.5 s is judged by ratio', a: [t('grew', 0.1)], b: [t('grew', 0.6)], regressions: ['grew'] },
  { what: 'a faster task is not', a: [t('build', 6)], b: [t('build', 2)], regressions: [] },
  {
    what: 'a reordered playbook matches by role and name, not position',
    a: [t('one', 1, { path: 'site.yml:3:7' }), t('two', 1, { path: 'site.yml:4:7' })],
    b: [t('two', 1, { path: 'site.yml:3:7' }), t('one', 3, { path: 'site.yml:4:7' })],
    regressions: ['one@site.yml:3:7'],
  },
  {
    what: 'the n-th occurrence matches the n-th',
    a: [t('restart', 1, { n: 1 }), t('restart', 1, { n: 2, path: 'x:9:7' })],
    b: [t('restart', 1, { n: 1 }), t('restart', 5, { n: 2, path: 'x:9:7' })],
    regressions: ['restart#2'],
  },
  {
    what: 'the same role, name and n in two plays: the file position breaks the tie',
    a: [t('ping', 1, { path: 'a.yml:1:3', play: 0 }), t('ping', 1, { path: 'b.yml:1:3', play: 1 })],
    b: [t('ping', 4, { path: 'b.yml:1:3', play: 0 }), t('ping', 1, { path: 'a.yml:1:3', play: 1 })],
    // A's b.yml task is B's b.yml task, wherever the plays went.
    regressions: ['ping@b.yml:1:3'],
  },
  {
    what: 'tasks only in one run are listed, never regressions',
    a: [t('old', 1)],
    b: [t('new', 9)],
    regressions: [],
    onlyA: ['old'],
    onlyB: ['new'],
  },
  { what: 'roles keep tasks apart', a: [t('restart', 1, { role: 'web' })], b: [t('restart', 9, { role: 'db' })], regressions: [], onlyA: ['restart'], onlyB: ['restart'] },
];
for (const c of CASES) {
  test(`compare: ${c.what}`, () => {
    const r = compareRuns(run('A', c.a), run('B', c.b), { threshold: 0.2 });
    const name = (x: { name: string; n: number; pathA: string; pathB: string }) =>
      x.pathA !== x.pathB || c.what.includes('tie') ? `${x.name}@${x.pathA}` : x.n > 1 ? `${x.name}#${x.n}` : x.name;
    const regressed = r.tasks.filter((x) => x.regression).map(name);
    assert.deepEqual(regressed, c.regressions);
    assert.deepEqual(r.onlyA.map((x) => x.name), c.onlyA ?? []);
    assert.deepEqual(r.onlyB.map((x) => x.name), c.onlyB ?? []);
    assert.equal(r.regressions, c.regressions.length);
  });
}

test('compare: totals per role and for the run', () => {
  const r = compareRuns(run('A', [t('a', 1, { role: 'web' }), t('b', 2, { role: 'web' }), t('c', 1)]), run('B', [t('a', 1, { role: 'web' }), t('b', 5, { role: 'web' }), t('c', 1)]), { threshold: 0.2 });
  assert.deepEqual(r.roles, [{ name: 'web', a: 3, b: 6, delta: 3, ratio: 2 }]);
  assert.deepEqual(r.run, { name: 'run', a: 4, b: 7, delta: 3, ratio: 1.75 });
});

// ----------------------------------------------------------------------- pruning

test('history --prune --keep N removes the oldest runs with their archives, never a run still going; --prune alone follows runs_keep', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-prune-'));
  const runsDir = path.join(project, '.playwatch/runs');
  const ids = ['20260101-000000-0001', '20260101-000000-0002', '20260101-000000-0003', '20260101-000000-0004'];
  for (const id of ids) {
    fs.cpSync(runs.base.dir, path.join(runsDir, id), { recursive: true });
    fs.copyFileSync(`${runs.base.dir}.tar.gz`, path.join(runsDir, `${id}.tar.gz`));
  }
  // The oldest is still going: its controller (this test's process) is alive and its record has no end.
  const going = path.join(runsDir, '20250101-000000-0000');
  fs.mkdirSync(going);
  fs.writeFileSync(path.join(going, 'events.jsonl'), read(path.join(runs.base.dir, 'events.jsonl')).split('\n').slice(0, 3).join('\n') + '\n');
  fs.writeFileSync(path.join(going, 'controller'), `${process.pid} ${os.hostname()} tester\n`);
  const left = () => fs.readdirSync(runsDir).sort();

  const r = playwatch(project, ['history', '--prune', '--keep', '2']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^removed 20260101-000000-0001\nremoved 20260101-000000-0002\n2 runs removed, keeping at most 2 \(1 running, kept\)\n$/);
  assert.deepEqual(left(), ['20250101-000000-0000', '20260101-000000-0003', '20260101-000000-0003.tar.gz', '20260101-000000-0004', '20260101-000000-0004.tar.gz']);
  assert.match(playwatch(project, ['history']).out, /20250101-000000-0000 .* running /);

  fs.writeFileSync(path.join(project, 'playwatch.yml'), 'runs_keep: 1\n');
  assert.equal(playwatch(project, ['history', '--prune']).code, 0);
  assert.deepEqual(left(), ['20250101-000000-0000', '20260101-000000-0004', '20260101-000000-0004.tar.gz']);
});
