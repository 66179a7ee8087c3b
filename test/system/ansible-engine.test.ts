/**
 * `--engine ansible` and `--engine auto` end to end: the playwatch CLI runs
 * ansible-playbook with its callback plugin on the local connection, and the
 * record it writes is held against the native engine's run of the same
 * playbook (the demo, seed 002, a fixture of slow tasks): the same PLAY
 * RECAP, the same status of every task on every host, the same tasks in the
 * 10-slowest view, and the same files (events.jsonl, run.log, summary.json).
 * Then async jobs, a module only ansible-core has (auto), a drain, playwatch's
 * own keywords, and the packed package installed into an empty prefix.
 *
 * Needs ansible-core (`npm run test:system` checks it); fails without it.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initialState, reduce, vecToArray, type RunEvent, type RunState } from '../../src/events/index.js';
import type { HostStats } from '../../src/model/index.js';
import { finalLines } from '../../src/ui/final.js';
import { recapOf, rowOf } from '../contract/views.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const FIX = path.join(ROOT, 'fixtures/ansible-engine');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-ansible-engine-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

const LOCAL = 'ansible_connection=local ansible_python_interpreter=/usr/bin/python3';
const ENV = { ...process.env, NO_COLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: 'False', ANSIBLE_LOCALHOST_WARNING: 'False' };

/** An inventory of one local host. */
function oneHost(): string {
  const inv = path.join(work, 'one.ini');
  fs.writeFileSync(inv, `localhost ${LOCAL}\n`);
  return inv;
}

interface Run {
  status: number | null;
  out: string;
  runDir: string;
  events: RunEvent[];
}

function cli(cwd: string, args: string[], runs: string): Run {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', ...args, '--ui', 'plain', '--runs-dir', runs], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: ENV,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, ...record(runs) };
}

/** The newest run directory under `runs` and its events. */
function record(runs: string): { runDir: string; events: RunEvent[] } {
  const dirs = fs.existsSync(runs) ? fs.readdirSync(runs).filter((d) => !d.endsWith('.tar.gz')).sort() : [];
  const runDir = path.join(runs, dirs.at(-1) ?? 'none');
  const file = path.join(runDir, 'events.jsonl');
  const events = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunEvent) : [];
  return { runDir, events };
}

/** Every host's status for every task (and loop item): `role : name #n @host (item)` → status. */
function statuses(events: RunEvent[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of events) {
    if (e.type !== 'host.ok' && e.type !== 'host.failed' && e.type !== 'host.skipped' && e.type !== 'host.unreachable' && e.type !== 'host.rescued') continue;
    const key = `${e.task.role ? `${e.task.role} : ` : ''}${e.task.name} #${e.task.n}${e.task.isHandler ? ' (handler)' : ''} @${e.host}${'item' in e && e.item !== undefined ? ` (${e.item})` : ''}`;
    const status =
      e.type === 'host.ok' ? (e.changed ? 'changed' : 'ok') : e.type === 'host.failed' ? (e.ignored ? 'failed (ignored)' : 'failed') : e.type.slice(5);
    out[key] = e.type === 'host.rescued' ? `${out[key]}, rescued` : status;
  }
  return out;
}

function endOf(run: Run): Extract<RunEvent, { type: 'run.end' }> {
  const e = run.events.at(-1);
  assert.equal(e?.type, 'run.end', `the record ends with run.end:\n${run.out.slice(-3000)}`);
  return e as Extract<RunEvent, { type: 'run.end' }>;
}

/** The task names of summary.json's slowest tasks (the 10-slowest view). */
function slowest(run: Run, n = 10): string[] {
  const summary = JSON.parse(fs.readFileSync(path.join(run.runDir, 'summary.json'), 'utf8')) as { tasks: Array<{ name: string; role?: string; seconds: number }> };
  return summary.tasks
    .slice()
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, n)
    .map((t) => `${t.role ? `${t.role} : ` : ''}${t.name}`)
    .sort();
}

function plainRecap(text: string): string {
  const at = text.lastIndexOf('PLAY RECAP');
  assert.ok(at >= 0, `no PLAY RECAP in:\n${text.slice(-3000)}`);
  return text.slice(at).split('\n\n')[0]!.replace(/\s+$/gm, '');
}

/** Runs one project under both engines from fresh targets; asserts the views agree and returns both runs. */
function bothEngines(cwd: string, args: string[], reset: () => void, expectCode = 0): { native: Run; ansible: Run } {
  reset();
  const native = cli(cwd, [...args, '--engine', 'native'], path.join(work, 'runs-native'));
  assert.equal(native.status, expectCode, `native:\n${native.out.slice(-3000)}`);
  reset();
  const ansible = cli(cwd, [...args, '--engine', 'ansible'], path.join(work, 'runs-ansible'));
  assert.equal(ansible.status, expectCode, `ansible:\n${ansible.out.slice(-3000)}`);
  assert.deepEqual(endOf(ansible).stats, endOf(native).stats, 'the same stats in run.end');
  assert.equal(plainRecap(ansible.out), plainRecap(native.out), 'the same PLAY RECAP');
  assert.deepEqual(statuses(ansible.events), statuses(native.events), 'the same status for every task on every host');
  for (const f of ['events.jsonl', 'run.log', 'summary.json']) assert.ok(fs.statSync(path.join(ansible.runDir, f)).size > 0, `${f} written`);
  assert.equal(plainRecap(fs.readFileSync(path.join(ansible.runDir, 'run.log'), 'utf8')), plainRecap(ansible.out), "run.log's recap");
  const start = ansible.events[0];
  assert.equal(start?.type, 'run.start');
  assert.equal(start?.type === 'run.start' && start.engine?.name, 'ansible');
  assert.match(ansible.out, /^ENGINE: ansible-core 2\.\d+/m);
  assert.ok(fs.statSync(path.join(ansible.runDir, 'ansible-playbook.log')).size > 0, "ansible-playbook's own output is in the run directory");
  assert.equal(ansible.out.split('PLAY RECAP').length, 2, "ansible-playbook's own output never reaches the terminal: one recap, playwatch's");
  return { native, ansible };
}

test('the demo (each host in a directory of its own) under both engines: same recap, statuses, run.log and summary.json', () => {
  const demo = path.join(work, 'demo');
  fs.cpSync(path.join(ROOT, 'fixtures/demo'), demo, { recursive: true });
  fs.rmSync(path.join(demo, 'host_vars'), { recursive: true, force: true });
  const hosts = path.join(work, 'demo-hosts');
  const hostLine = (h: string) => `${h} ${LOCAL} playwatch_local_root=${hosts}/${h} host_root=${hosts}/${h}`;
  fs.writeFileSync(
    path.join(demo, 'inventory.ini'),
    `[web]\n${['web1', 'web2', 'web3', 'web4'].map(hostLine).join('\n')}\n[db]\n${['db1', 'db2'].map(hostLine).join('\n')}\n[site:children]\nweb\ndb\n`,
  );
  // ansible-core's local connection runs every host's commands in one directory: give each its own, for both engines.
  const site = fs.readFileSync(path.join(demo, 'site.yml'), 'utf8').replace(/^(  hosts: .*)$/gm, '$1\n  module_defaults:\n    command: { chdir: "{{ host_root }}" }\n    shell: { chdir: "{{ host_root }}" }');
  fs.writeFileSync(path.join(demo, 'site.yml'), site);
  const reset = () => {
    fs.rmSync(hosts, { recursive: true, force: true });
    for (const h of ['web1', 'web2', 'web3', 'web4', 'db1', 'db2']) fs.mkdirSync(path.join(hosts, h), { recursive: true });
  };
  const { native, ansible } = bothEngines(demo, ['site.yml', '-i', 'inventory.ini'], reset);
  assert.ok(Object.keys(statuses(native.events)).length > 40, 'many task results compared');
  // The tasks far slower than the rest are in both engines' slowest rows.
  for (const t of ['webapp : Build static assets', 'Wait until the app answers its health check']) assert.ok(slowest(ansible).includes(t), `${t} among the slowest`);
});

test("seed 002's Celery deploy as its Jenkins job ran it (--limit, --diff) under both engines: same recap and statuses", () => {
  const cwd = path.join(ROOT, 'fixtures/seed002');
  const targets = path.join(work, 'seed002');
  const inv = path.join(work, 'seed002.ini');
  const line = (h: string) => `${h} ${LOCAL} deploy_root=${targets}/${h}/srv/api`;
  fs.writeFileSync(inv, `[api_worker]\n${line('elh-worker1')}\n${line('elh-worker2')}\n[api_beat]\n${line('elh-beat1')}\n[api]\n${line('elh-api1')}\n`);
  const reset = () => fs.rmSync(targets, { recursive: true, force: true });
  const { ansible } = bothEngines(cwd, [`--inventory-file=${inv}`, 'ansible/api_worker.yml', '--limit=api_worker,api_beat', '--diff'], reset);
  assert.deepEqual(endOf(ansible).stats['elh-worker1'], { ok: 16, changed: 12, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
  assert.ok(!fs.existsSync(path.join(targets, 'elh-api1')), 'the host outside --limit is never reached');
});

test('tasks of far-apart lengths: the 10-slowest view names the same ten tasks under both engines', () => {
  const inv = path.join(work, 'two.ini');
  fs.writeFileSync(inv, `a ${LOCAL}\nb ${LOCAL}\n`);
  const { native, ansible } = bothEngines(FIX, ['slow.yml', '-i', inv], () => {});
  assert.deepEqual(slowest(ansible), slowest(native));
  assert.ok(!slowest(ansible).includes('Note'), 'the instant tasks are not among them');
});

test("the engine contract over ansible-core: live counts, run.end, the plain recap, run.log, summary.json and the TUI's final view agree", () => {
  const contract = path.join(ROOT, 'fixtures/contract');
  for (const playbook of ['recap.yml', 'serial.yml', 'free.yml']) {
    const run = cli(contract, [playbook, '-i', 'inventory.ini', '--engine', 'ansible'], path.join(work, 'runs-contract'));
    assert.ok(run.status === 0 || run.status === 2 || run.status === 4, `${playbook}: exit ${run.status}\n${run.out.slice(-3000)}`);
    let state: RunState = initialState();
    let beforeEnd = state;
    for (const e of run.events) {
      if (e.type === 'run.end') beforeEnd = state;
      state = reduce(state, e);
    }
    const end = endOf(run);
    const rows = (stats: Record<string, HostStats>) => Object.fromEntries(Object.entries(stats).map(([h, st]) => [h, rowOf(st, false)]));
    const want = rows(end.stats);
    assert.deepEqual(Object.fromEntries(vecToArray(beforeEnd.hosts).filter((h) => h.name in want).map((h) => [h.name, rowOf(h.stats, false)])), want, `${playbook}: live counts`);
    assert.deepEqual(recapOf(run.out), want, `${playbook}: plain recap`);
    assert.deepEqual(recapOf(fs.readFileSync(path.join(run.runDir, 'run.log'), 'utf8')), want, `${playbook}: run.log`);
    assert.deepEqual(recapOf(finalLines(state).join('\n')), want, `${playbook}: the TUI's final view`);
    const summary = JSON.parse(fs.readFileSync(path.join(run.runDir, 'summary.json'), 'utf8')) as { stats: Record<string, HostStats>; exitCode: number };
    assert.deepEqual(rows(summary.stats), want, `${playbook}: summary.json`);
    assert.equal(summary.exitCode, run.status, `${playbook}: exit code`);
    assert.ok(!run.out.includes('disagree'), `${playbook}: the events tally to ansible-core's own recap`);
  }
});

test('async jobs under ansible-core: a polled job and a poll: 0 job read by async_status give async.start, polls and done', () => {
  const inv = path.join(work, 'async.ini');
  fs.writeFileSync(inv, `a ${LOCAL}\n`);
  const run = cli(FIX, ['async.yml', '-i', inv, '--engine', 'ansible'], path.join(work, 'runs-async'));
  assert.equal(run.status, 0, run.out.slice(-3000));
  const jobs = run.events.filter((e) => e.type.startsWith('async.')) as Array<Extract<RunEvent, { type: 'async.start' | 'async.poll' | 'async.done' }>>;
  const byJid = new Map<string, string[]>();
  for (const e of jobs) byJid.set(e.jid, [...(byJid.get(e.jid) ?? []), `${e.type} ${e.task.name}`]);
  const lives = [...byJid.values()];
  assert.equal(lives.length, 2, JSON.stringify(lives));
  const [polled, fired] = lives;
  assert.equal(polled![0], 'async.start Polled job');
  assert.ok(polled!.includes('async.poll Polled job'), JSON.stringify(polled));
  assert.equal(polled!.at(-1), 'async.done Polled job');
  assert.equal(fired![0], 'async.start Fire and forget');
  assert.ok(fired!.includes('async.poll Wait for the job'), JSON.stringify(fired));
  assert.equal(fired!.at(-1), 'async.done Wait for the job');
  const start = jobs.find((e) => e.type === 'async.start' && e.task.name === 'Polled job') as Extract<RunEvent, { type: 'async.start' }>;
  assert.deepEqual([start.limit, start.poll], [30, 2]);
  assert.ok(jobs.filter((e) => e.type === 'async.done').every((e) => e.type === 'async.done' && e.rc === 0 && !e.timedOut));
});

test('--engine auto: a playbook using ansible.builtin.debconf runs through ansible-core and says so; the native engine names the command', () => {
  const inv = oneHost();
  const run = cli(FIX, ['debconf.yml', '-i', inv, '--engine', 'auto'], path.join(work, 'runs-auto'));
  assert.equal(run.status, 0, run.out.slice(-3000));
  assert.match(run.out.split('\n')[0]!, /^ENGINE: ansible-core 2\.\d+\.\d+ \(module 'ansible\.builtin\.debconf' is not built into playwatch/);
  const start = run.events[0] as Extract<RunEvent, { type: 'run.start' }>;
  assert.equal(start.engine?.name, 'ansible');
  assert.match(start.engine?.reason ?? '', /ansible\.builtin\.debconf/);
  assert.deepEqual(statuses(run.events), { 'Read tzdata\'s answers #1 @localhost': 'ok', 'Say so #1 @localhost': 'ok' });

  const native = cli(FIX, ['debconf.yml', '-i', inv], path.join(work, 'runs-auto'));
  assert.equal(native.status, 1);
  assert.match(native.out, /debconf\.yml:\d+:\d+: unknown module 'ansible\.builtin\.debconf'\n.*: playwatch run debconf\.yml -i \S+ .*--engine ansible$/m);

  const auto = cli(FIX, ['slow.yml', '-i', inv, '--engine', 'auto', '--limit', 'nothing-matches'], path.join(work, 'runs-auto'));
  assert.match(auto.out, /^ENGINE: playwatch's engine \(playwatch's engine has everything the playbook uses\)/m);
});

test("playwatch's own keywords stop a run under ansible-core at once, naming the keyword", () => {
  const inv = oneHost();
  const run = cli(FIX, ['budget.yml', '-i', inv, '--engine', 'ansible'], path.join(work, 'runs-budget'));
  assert.equal(run.status, 1);
  assert.match(run.out, /budget\.yml:3:3: 'max_concurrent_per' is playwatch's own keyword \(group budgets\)/);
});

test('Ctrl-C on the terminal drains an ansible-core run: the task in flight finishes, nothing after it starts, exit 99, the record complete', async () => {
  const inv = path.join(work, 'two.ini');
  fs.writeFileSync(inv, `a ${LOCAL}\nb ${LOCAL}\n`);
  const runs = path.join(work, 'runs-drain');
  // Its own process group, as a terminal's foreground job: Ctrl-C signals the whole group.
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', 'drain.yml', '-i', inv, '--engine', 'ansible', '--ui', 'plain', '--runs-dir', runs], {
    cwd: FIX,
    env: ENV,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!record(runs).events.some((e) => e.type === 'host.start') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  process.kill(-child.pid!, 'SIGINT');
  const code = await exited;
  assert.equal(code, 99, out.slice(-3000));
  const { events, runDir } = record(runs);
  const started = events.filter((e) => e.type === 'task.start').map((e) => e.type === 'task.start' && e.task.name);
  assert.deepEqual(started, ['Long task in flight']);
  const finished = events.filter((e) => e.type === 'host.ok').map((e) => e.type === 'host.ok' && `${e.task.name}@${e.host}`).sort();
  assert.deepEqual(finished, ['Long task in flight@a', 'Long task in flight@b'], 'the task in flight finished on both hosts');
  assert.deepEqual(events.filter((e) => e.type === 'abort.requested' || e.type === 'abort.done').map((e) => e.type), ['abort.requested', 'abort.done']);
  const end = events.at(-1) as Extract<RunEvent, { type: 'run.end' }>;
  assert.deepEqual([end.type, end.exitCode, end.aborted], ['run.end', 99, true]);
  const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as { exitCode: number; aborted: boolean };
  assert.deepEqual([summary.exitCode, summary.aborted], [99, true]);
  assert.equal(events.filter((e) => e.type === 'play.start').length, 1, 'the second play never started');
});

test('playwatch abort --kill stops an ansible-core run: its process group, then the async jobs it started (jids from the events), exit 99', async () => {
  const inv = oneHost();
  const runs = path.join(work, 'runs-kill');
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', 'kill.yml', '-i', inv, '--engine', 'ansible', '--ui', 'plain', '--runs-dir', runs], {
    cwd: FIX,
    env: { ...ENV, PLAYWATCH_ANSIBLE_KILL_GRACE_MS: '1000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  const inFlight = () => record(runs).events.some((e) => e.type === 'host.start' && e.task.name === 'Long task in flight');
  while (!inFlight() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const abort = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'abort', '@last', '--kill', '--runs-dir', runs], { cwd: FIX, encoding: 'utf8' });
  assert.equal(abort.status, 0, abort.stderr);
  assert.equal(await exited, 99, out.slice(-3000));
  const { events } = record(runs);
  const done = events.find((e) => e.type === 'async.done');
  assert.ok(done && done.type === 'async.done', out.slice(-3000));
  assert.deepEqual([done.rc, done.reason, done.task.name], [-1, 'killed', 'Background job']);
  assert.deepEqual(events.slice(-2).map((e) => e.type), ['abort.done', 'run.end']);
  await new Promise((r) => setTimeout(r, 500));
  const left = spawnSync('pgrep', ['-f', 'sleep 9[78]'], { encoding: 'utf8' });
  assert.equal(left.stdout.trim(), '', 'neither the command in flight nor the background job is left running');
});

test('errors before the run: ansible-playbook missing names the package, an old one names the version it needs', () => {
  const inv = oneHost();
  const run = (program: string) =>
    spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', 'debconf.yml', '-i', inv, '--engine', 'ansible', '--ui', 'plain', '--runs-dir', path.join(work, 'runs-err')], {
      cwd: FIX,
      encoding: 'utf8',
      env: { ...ENV, PLAYWATCH_ANSIBLE_PLAYBOOK: program },
    });
  const missing = run(path.join(work, 'no-such-ansible-playbook'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /ERROR! .*no-such-ansible-playbook was not found on PATH: .*apt-get install --no-install-recommends ansible-core/);
  const old = path.join(work, 'old-ansible-playbook');
  fs.writeFileSync(old, '#!/bin/sh\necho "ansible-playbook [core 2.11.12]"\n', { mode: 0o755 });
  const tooOld = run(old);
  assert.equal(tooOld.status, 1);
  assert.match(tooOld.stderr, /ansible-core 2\.11\.12: --engine ansible needs 2\.12 or later/);
});

test('a callback plugin that never loads is an error within seconds, not a hang', () => {
  const inv = oneHost();
  // An ansible-playbook that answers --version and then sits there silently, as one that did not load the plugin.
  const silent = path.join(work, 'silent-ansible-playbook');
  fs.writeFileSync(silent, '#!/bin/sh\n[ "$1" = --version ] && { echo "ansible-playbook [core 2.14.18]"; exit 0; }\nsleep 60\n', { mode: 0o755 });
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', 'debconf.yml', '-i', inv, '--engine', 'ansible', '--ui', 'plain', '--runs-dir', path.join(work, 'runs-silent')], {
    cwd: FIX,
    encoding: 'utf8',
    env: { ...ENV, PLAYWATCH_ANSIBLE_PLAYBOOK: silent, PLAYWATCH_ANSIBLE_HELLO_TIMEOUT_MS: '3000' },
    timeout: 60_000,
  });
  assert.ok(Date.now() - started < 30_000, 'it did not wait for the silent process');
  assert.equal(r.status, 250, `${r.stdout}${r.stderr}`);
  assert.match(`${r.stdout}${r.stderr}`, /did not load playwatch's callback plugin \(\S+ansible\/callback\) within 3 s/);
});

test('npm pack, installed into an empty prefix, runs --engine ansible: the plugin ships', () => {
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const packDir = path.join(work, 'pack');
  fs.mkdirSync(packDir);
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr);
  const tgz = path.join(packDir, fs.readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
  const prefix = path.join(work, 'prefix');
  fs.mkdirSync(prefix);
  const install = spawnSync('npm', ['install', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tgz], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(install.status, 0, install.stderr);
  assert.ok(fs.existsSync(path.join(prefix, 'node_modules/playwatch/ansible/callback/playwatch.py')), 'the plugin is in the package');
  const inv = oneHost();
  const r = spawnSync(path.join(prefix, 'node_modules/.bin/playwatch'), ['run', 'debconf.yml', '-i', inv, '--engine', 'ansible', '--ui', 'plain', '--runs-dir', path.join(work, 'runs-pack')], {
    cwd: FIX,
    encoding: 'utf8',
    env: ENV,
  });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^localhost\s+: ok=2 /m);
});
