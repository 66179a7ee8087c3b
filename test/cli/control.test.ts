/**
 * The control socket with real parts: the server on a real bus and
 * recorder (every event exactly once, past and live), and the CLI over the
 * real engine on the local transport: `abort @last --kill` from another
 * process, pause and resume, `attach --ui plain` to the end, and the raw
 * protocol a client sees.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBus, type RunEvent } from '../../src/events/index.js';
import { RunControl } from '../../src/engine/control.js';
import { createRecorder } from '../../src/reporters/recorder.js';
import { startControlServer, sweepStale } from '../../src/cli/control-server.js';
import { CONTROL_FILE } from '../../src/cli/control-path.js';
import type { ServerMessage } from '../../src/cli/control-protocol.js';
import { makeProject } from '../helpers/run.js';
import { processesGone, processRuns } from '../helpers/ps.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw client: every message the run sends, and a way to wait for one. */
function rawClient(socket: string) {
  const s = net.createConnection(socket);
  const got: ServerMessage[] = [];
  let rest = '';
  let closed = false;
  s.on('data', (d) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop()!;
    for (const p of parts) got.push(JSON.parse(p) as ServerMessage);
  });
  s.on('close', () => (closed = true));
  const until = async (what: string, ok: () => boolean, ms = 20_000) => {
    for (const end = Date.now() + ms; !ok(); await sleep(20)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(got.slice(-5))}`);
  };
  return {
    got,
    send: (o: object) => s.write(`${JSON.stringify(o)}\n`),
    /** The first message after `from` that `match` accepts. */
    async next(what: string, match: (m: ServerMessage) => boolean, from = 0): Promise<ServerMessage> {
      await until(what, () => got.slice(from).some(match));
      return got.slice(from).find(match)!;
    },
    events: () => got.flatMap((m) => (m.kind === 'event' ? [m.event] : [])),
    closed: () => closed,
    untilClosed: () => until('the run to close the connection', () => closed),
  };
}

test('a watcher that connects mid-run gets every event exactly once, in order, then the end with the exit code; the socket is 0600 and goes away', async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-srv-'));
  const runDir = path.join(base, 'run');
  const bus = new EventBus();
  const recorder = createRecorder({ runDir });
  bus.add(recorder);
  const control = new RunControl();
  const started = await startControlServer({ runId: '20261203-100000-abcd', runDir, playbook: 'site.yml', groups: { web1: ['web'] }, control, record: recorder, dir: path.join(base, 'sock') });
  assert.ok(started.ok);
  const server = started.server;
  bus.add(server);
  assert.equal(fs.statSync(server.socket).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.dirname(server.socket)).mode & 0o777, 0o700);
  assert.equal(JSON.parse(fs.readFileSync(path.join(runDir, CONTROL_FILE), 'utf8')).socket, server.socket);

  bus.emit({ type: 'run.start', schema: 2, runId: '20261203-100000-abcd', playbook: 'site.yml', runDir, hosts: ['web1'], check: false, argv: [] });
  const N = 3000;
  let sent = 0;
  const emitting = (async () => {
    // Events keep coming while the watcher connects and reads the past ones.
    while (sent < N) {
      for (let i = 0; i < 50 && sent < N; i++) bus.emit({ type: 'warning', message: `n${++sent} ${'x'.repeat(200)}` });
      await new Promise((r) => setImmediate(r));
    }
  })();
  while (sent < 500) await sleep(1);
  const c = rawClient(server.socket);
  const hello = await c.next('hello', (m) => m.kind === 'hello');
  assert.deepEqual({ ...hello, pid: 0 }, { kind: 'hello', protocol: 1, runId: '20261203-100000-abcd', pid: 0, playbook: 'site.yml', runDir, groups: { web1: ['web'] } });
  c.send({ id: 7, command: 'watch' });
  c.send({ id: 8, command: 'pause', source: 'attach' });
  const paused = await c.next('the pause ack', (m) => m.kind === 'ack' && m.id === 8);
  assert.deepEqual(paused, { kind: 'ack', id: 8, command: 'pause', ok: true, state: { paused: true, draining: false, killed: false, ended: false } });
  assert.equal(control.paused, true);
  await emitting;
  bus.emit({ type: 'run.end', stats: {}, exitCode: 2, aborted: false, durationMs: 1 });
  await c.untilClosed();

  const evs = c.events();
  assert.equal(evs[0]?.type, 'run.start');
  const numbers = evs.filter((e): e is Extract<RunEvent, { type: 'warning' }> => e.type === 'warning').map((e) => Number(/^n(\d+)/.exec(e.message)![1]));
  assert.equal(numbers.length, N, 'no event lost or repeated');
  assert.ok(numbers.every((n, i) => n === i + 1), 'in order');
  assert.equal(evs.at(-1)?.type, 'run.end');
  assert.deepEqual(c.got.at(-1), { kind: 'end', exitCode: 2 });
  assert.equal(fs.existsSync(server.socket), false, 'the socket is removed at the end');
  assert.equal(fs.existsSync(path.join(runDir, CONTROL_FILE)), false, 'control.json is removed at the end');
  await bus.close();
});

const INVENTORY = '[all]\na ansible_connection=local playwatch_local_root=hosts/a\nb ansible_connection=local playwatch_local_root=hosts/b\n[all:vars]\nplaywatch_lock_path=~/.playwatch/lock\n';
/** Each task sleeps a time no other test uses, so `ps` finds exactly this run's commands. */
const SLOW = (marker: string) => `
- hosts: all
  gather_facts: false
  tasks:
    - {name: one, command: sleep 0.5}
    - {name: two, command: sleep ${marker}}
    - {name: three, command: sleep 0.2}
    - {name: four, command: sleep 0.2}
`;

/** The CLI from source in `dir`, with its own HOME (locks) and socket directory. */
function env(dir: string) {
  return { ...process.env, CI: 'true', ANSIBLE_CONFIG: '/nonexistent', HOME: dir, XDG_RUNTIME_DIR: path.join(dir, 'xdg') };
}
function cli(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], { cwd: dir, encoding: 'utf8', env: env(dir), timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
/** `playwatch run site.yml --ui plain` in the background; `ended` resolves with its exit code and output. */
function background(dir: string, ...extra: string[]) {
  fs.mkdirSync(path.join(dir, 'xdg'), { recursive: true, mode: 0o700 });
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', ...extra], { cwd: dir, env: env(dir) });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const ended = new Promise<{ code: number | null; out: string; err: string }>((r) => child.on('close', (code) => r({ code, out, err })));
  const waitOut = async (re: RegExp) => {
    for (const end = Date.now() + 30_000; !re.test(out); await sleep(50)) if (Date.now() > end) throw new Error(`no ${re} in:\n${out}\n${err}`);
  };
  return { ended, waitOut };
}
function events(dir: string): RunEvent[] {
  const runs = path.join(dir, '.playwatch', 'runs');
  const [run] = fs.readdirSync(runs).filter((n) => fs.statSync(path.join(runs, n)).isDirectory());
  return fs.readFileSync(path.join(runs, run, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
}

test('`playwatch abort @last --kill` from another process stops a plain run: abort exits 0 once acknowledged, the run exits 99, nothing starts after it, no command is left', async () => {
  const dir = makeProject({ 'inventory.ini': INVENTORY, 'site.yml': SLOW('30.417') });
  const run = background(dir);
  await run.waitOut(/TASK \[two\]/);
  for (const end = Date.now() + 5000; !processRuns('sleep 30.417'); await sleep(50)) assert.ok(Date.now() < end, 'the long command runs');
  const abort = cli(dir, 'abort', '@last', '--kill');
  assert.equal(abort.code, 0, abort.err);
  assert.match(abort.out, /^run \d{8}-\d{6}-[0-9a-f]{4} \(pid \d+\) is being killed: running commands and its async jobs are stopped, nothing new starts\n$/);
  const r = await run.ended;
  assert.equal(r.code, 99, r.err);
  assert.ok(await processesGone('sleep 30.417'), 'no command of the run is left');
  const evs = events(dir);
  const at = evs.findIndex((e) => e.type === 'abort.requested');
  assert.deepEqual({ ...evs[at], at: 0, wall: 0 }, { type: 'abort.requested', mode: 'kill', source: 'playwatch abort', at: 0, wall: 0 });
  assert.deepEqual(evs.slice(at).filter((e) => e.type === 'task.start' || e.type === 'host.start'), [], 'no task started after the abort');
  assert.equal(evs.at(-1)?.type, 'run.end');
  for (const h of ['a', 'b']) assert.equal(fs.existsSync(path.join(dir, 'hosts', h, '.playwatch', 'lock')), false, `${h}'s lock released`);

  // The run is over: no live run, a clear message, exit 1. Nothing is left in the socket directory.
  const again = cli(dir, 'abort', '@last');
  assert.equal(again.code, 1);
  assert.match(again.err, /^playwatch: run \S+ is not live: it has ended; its record is in .*\.playwatch\/runs\/\S+\n$/);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'xdg', 'playwatch')), []);
  assert.match(cli(dir, 'pause', '20261203-000000-0000').err, /^playwatch: no run 20261203-000000-0000 in /);
});

test('pause and resume from other processes: the run waits between tasks, records who paused it, and goes on to exit 0', async () => {
  const dir = makeProject({ 'inventory.ini': INVENTORY, 'site.yml': SLOW('5.5') });
  const run = background(dir);
  await run.waitOut(/TASK \[two\]/);
  const pause = cli(dir, 'pause', '@last');
  assert.equal(pause.code, 0, pause.err);
  assert.match(pause.out, /is paused: running tasks finish, nothing new starts until `playwatch resume \S+`/);
  await run.waitOut(/changed: \[b\][^]*changed: \[a\]|changed: \[a\][^]*changed: \[b\]/);
  // Task two is done on both hosts; paused, three does not start.
  await sleep(1000);
  assert.doesNotMatch(fs.readFileSync(path.join(dir, '.playwatch', 'runs', fs.readdirSync(path.join(dir, '.playwatch', 'runs'))[0], 'events.jsonl'), 'utf8'), /"name":"three"/);
  const resume = cli(dir, 'resume', '@last');
  assert.equal(resume.code, 0, resume.err);
  const r = await run.ended;
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /PAUSED \(by playwatch pause\)[^]*RESUMED \(by playwatch resume\)[^]*TASK \[three\]/);
  const kinds = events(dir).filter((e) => e.type === 'run.paused' || e.type === 'run.resumed').map((e) => `${e.type} ${(e as { source: string }).source}`);
  assert.deepEqual(kinds, ['run.paused playwatch pause', 'run.resumed playwatch resume']);
});

test('`attach --ui plain` shows the run from its start and exits with the run’s own code; the raw protocol answers state and watch', async () => {
  // Task two waits for the file `release`, written once the attached view has shown it: however slow the attach starts, it starts mid-run.
  const failing = SLOW('5.2')
    .replace('{name: two, command: sleep 5.2}', `{name: two, shell: "while [ ! -e '{{ playbook_dir }}/release' ]; do sleep 0.05; done"}`)
    .replace('{name: three, command: sleep 0.2}', '{name: three, command: "false"}');
  const dir = makeProject({ 'inventory.ini': INVENTORY, 'site.yml': failing });
  const run = background(dir);
  await run.waitOut(/TASK \[two\]/);
  const runs = path.join(dir, '.playwatch', 'runs');
  const runDir = path.join(runs, fs.readdirSync(runs)[0]);
  const socket = JSON.parse(fs.readFileSync(path.join(runDir, CONTROL_FILE), 'utf8')).socket as string;

  const raw = rawClient(socket);
  raw.send({ id: 1, command: 'state' });
  const state = await raw.next('state', (m) => m.kind === 'state');
  assert.deepEqual(state.kind === 'state' && state.state, { paused: false, draining: false, killed: false, ended: false });
  const attach = new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'attach', runDir, '--ui', 'plain'], { cwd: dir, env: env(dir) });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (/TASK \[two\]/.test(out)) fs.writeFileSync(path.join(dir, 'release'), '');
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
  const [r, a] = await Promise.all([run.ended, attach]);
  assert.equal(r.code, 2, r.err);
  assert.equal(a.code, 2, `attach exits with the run's code: ${a.err}`);
  const noClock = (s: string) => s.replace(/^\w+day \d\d \w+ \d{4} .*$/gm, '');
  assert.equal(noClock(a.out), noClock(r.out), 'the attached plain view is the run’s own');
  assert.match(a.err, /To resume:/);
  // The raw client, never watching, got no events; it was closed at the end.
  await raw.untilClosed();
  assert.deepEqual(raw.events(), []);
  assert.deepEqual(raw.got.at(-1), { kind: 'end', exitCode: 2 });
});

test('as a run starts it sweeps the sockets of runs that were killed (SIGKILL); a live one and other files stay', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-sweep-'));
  const listen = (name: string) =>
    spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path.join(dir, name))}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const up = (c: ReturnType<typeof listen>) => new Promise((r) => c.stdout!.once('data', r));
  const dead = listen('20261203-100000-dead.sock');
  const live = listen('20261203-100000-11fe.sock');
  await Promise.all([up(dead), up(live)]);
  dead.kill('SIGKILL');
  await new Promise((r) => dead.on('close', r));
  fs.writeFileSync(path.join(dir, 'notes.sock'), 'not a socket: never touched');
  assert.deepEqual(await sweepStale(dir), [path.join(dir, '20261203-100000-dead.sock')]);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['20261203-100000-11fe.sock', 'notes.sock']);
  live.kill();
});
