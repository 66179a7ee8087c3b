/**
 * A deploy survives its terminal and is steered from another one (DESIGN
 * §12 "Hangup", "Control socket"), in real terminals (tmux, a server of its
 * own) with the built CLI:
 * - a TUI run whose terminal is killed mid-task finishes every task, ends
 *   its record with run.end and leaves no lock; `attach @last` from a second
 *   terminal shows its live hosts and tasks and exits with the run's code;
 * - `attach` counts the run's clock from the run's start;
 * - in an attached view Ctrl-C and `q` only detach; `a` + `y` drains the run
 *   (exit 99 recorded, by attach);
 * - another user cannot connect to a run's control socket;
 * - `abort @last --kill` stops a plain run over SSH (the fleet of
 *   `npm run test:system`) from another process.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmuxServer } from './tmux.js';
import { fleetDir, fleetHosts } from '../fleet/helpers.js';
import { processesGone, processRuns } from '../helpers/ps.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER = `playwatch-control-${process.pid}`;
const { run: tmux, stop: stopTmux } = tmuxServer(SERVER);
after(stopTmux);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const HOSTS = ['app1', 'app2', 'app3'];
const INVENTORY = `[app]\n${HOSTS.map((h) => `${h} playwatch_local_root=hosts/${h}`).join('\n')}\n[all:vars]\nansible_connection=local\nplaywatch_lock_path=~/.playwatch/lock\n`;
// Steps long enough to kill a terminal and attach in the middle of them.
const STEPS = 8;
const PLAYBOOK = `
- name: Rollout
  hosts: app
  gather_facts: false
  tasks:
${Array.from({ length: STEPS }, (_, i) => `    - {name: step ${i + 1}, command: sleep 3.0${i + 1}}`).join('\n')}
`;

/** A project in a directory others may traverse (so only playwatch's own modes keep them out). */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-ctl-sys-'));
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'inventory.ini'), INVENTORY);
  fs.writeFileSync(path.join(dir, 'site.yml'), PLAYBOOK);
  fs.mkdirSync(path.join(dir, 'xdg'), { mode: 0o755 });
  fs.chmodSync(path.join(dir, 'xdg'), 0o755);
  return dir;
}

/** The built CLI in `dir`, as an operator's shell runs it: no CI, a HOME and socket directory of the test's. */
function cli(dir: string, args: string, opts: { defaultSocketDir?: boolean } = {}): string {
  const sockets = opts.defaultSocketDir ? '-u XDG_RUNTIME_DIR' : `XDG_RUNTIME_DIR=${shq(path.join(dir, 'xdg'))}`;
  return `cd ${shq(dir)} && env -u CI -u CONTINUOUS_INTEGRATION ${sockets} HOME=${shq(dir)} ${shq(process.execPath)} ${shq(path.join(ROOT, 'bin/playwatch.js'))} ${args}`;
}

/** Starts a terminal (a tmux session) running `args`; its exit code goes to `<dir>/<name>.exit`, then the pane stays. */
function terminal(dir: string, name: string, args: string): void {
  // One tmux server for the file: a session left from an earlier test is ended first.
  spawnSync('tmux', ['-L', SERVER, 'kill-session', '-t', name]);
  const exitFile = path.join(dir, `${name}.exit`);
  fs.rmSync(exitFile, { force: true });
  tmux('new-session', '-d', '-s', name, '-x', '130', '-y', '30', `${cli(dir, args)} 2> ${shq(path.join(dir, `${name}.err`))}; echo EXIT=$? > ${shq(exitFile)}; exec sleep 600`);
}

const screen = (name: string) => tmux('capture-pane', '-p', '-t', name);

async function waitScreen(name: string, pattern: RegExp, what: string, ms = 15_000): Promise<string> {
  let last = '';
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
    last = screen(name);
    if (pattern.test(last)) return last;
  }
  throw new Error(`timed out waiting for ${what} in terminal ${name}; the screen was:\n${last}`);
}

async function exitOf(dir: string, name: string, ms = 30_000): Promise<string> {
  const file = path.join(dir, `${name}.exit`);
  for (const end = Date.now() + ms; !fs.existsSync(file); await sleep(100)) {
    if (Date.now() > end) throw new Error(`terminal ${name} did not finish; its screen:\n${screen(name)}\nstderr:\n${fs.readFileSync(path.join(dir, `${name}.err`), 'utf8')}`);
  }
  return fs.readFileSync(file, 'utf8').trim();
}

type Ev = { type: string; [k: string]: unknown };
function events(dir: string): Ev[] {
  const runs = path.join(dir, '.playwatch', 'runs');
  const [run] = fs.readdirSync(runs).filter((n) => fs.statSync(path.join(runs, n)).isDirectory());
  return fs.readFileSync(path.join(runs, run, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Ev);
}

/** The live run's pid, from the control.json its directory holds while it lives. */
async function runPid(dir: string): Promise<number> {
  const runs = path.join(dir, '.playwatch', 'runs');
  for (const end = Date.now() + 15_000; Date.now() < end; await sleep(100)) {
    const run = fs.existsSync(runs) ? fs.readdirSync(runs)[0] : undefined;
    const file = run && path.join(runs, run, 'control.json');
    if (file && fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number }).pid;
  }
  throw new Error('the run never recorded its control socket');
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function assertNoLock(dir: string): void {
  for (const h of HOSTS) {
    assert.ok(fs.existsSync(path.join(dir, 'hosts', h, '.playwatch')), `${h} took its deploy lock`);
    assert.equal(fs.existsSync(path.join(dir, 'hosts', h, '.playwatch', 'lock')), false, `${h}'s deploy lock is released`);
  }
}

function assertTmux(): void {
  const version = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  assert.ok(!version.error && version.status === 0, 'tmux is needed for this test and is not installed: apt-get install -y tmux (.ci/run installs it)');
  assert.ok(fs.existsSync(path.join(ROOT, 'dist/cli/main.js')), 'dist/ is missing: npm run build (npm run test:system builds)');
}

/** A TUI run in terminal `run`, which is then killed while step 1 runs; resolves with the run's pid. */
async function runThenKillItsTerminal(dir: string): Promise<number> {
  terminal(dir, 'run', 'run site.yml -i inventory.ini --ui tui');
  // A second into the step: a local command forked at the very instant of the hangup can still be
  // in the terminal's process group (before its setsid) and die of the SIGHUP with it.
  await waitScreen('run', /⟳ app\d +running +step 1 +0:00:0[1-9]/, 'the live host rows of step 1, a second in');
  const pid = await runPid(dir);
  tmux('kill-session', '-t', 'run');
  await sleep(300);
  assert.ok(alive(pid), 'the run outlives its terminal');
  return pid;
}

test('a TUI run whose terminal is killed mid-task finishes every task, records run.end and leaves no lock; attach @last from another terminal shows it live and exits with its code', async () => {
  assertTmux();
  const dir = project();
  const pid = await runThenKillItsTerminal(dir);
  terminal(dir, 'watch', 'attach @last');
  // Live hosts and a task that started after the hangup: the run went on.
  // Every host in a later step at once (between steps a host that finished first shows as waiting).
  const everyHost = new RegExp(HOSTS.map((h) => `(?=[^]*⟳ ${h} +running +step [2-9])`).join(''));
  const live = await waitScreen('watch', everyHost, 'a later step running on every host in the attached view');
  assert.match(live, /playwatch +site\.yml ▸ play 1\/1 Rollout/);
  for (const h of HOSTS) assert.match(live, new RegExp(`${h} +running +step \\d`), live);
  assert.match(live, /q detach +a abort/);

  assert.equal(await exitOf(dir, 'watch'), 'EXIT=0', 'attach exits with the run’s own code');
  const last = screen('watch');
  for (const h of HOSTS) assert.match(last, new RegExp(`^${h} +: ok=${STEPS} +changed=${STEPS} +unreachable=0 +failed=0`, 'm'), last);
  for (const end = Date.now() + 10_000; alive(pid) && Date.now() < end; ) await sleep(100);
  assert.equal(alive(pid), false, 'the run ended');

  const evs = events(dir);
  assert.equal(evs.at(-1)?.type, 'run.end');
  assert.equal(evs.at(-1)?.exitCode, 0);
  const oks = evs.filter((e) => e.type === 'host.ok').length;
  assert.equal(oks, STEPS * HOSTS.length, 'every step ran on every host');
  assert.ok(evs.some((e) => e.type === 'warning' && /the terminal is gone \((SIGHUP|std\w+: E\w+)\)/.test(String(e.message))), 'the record says the terminal went');
  assertNoLock(dir);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'xdg', 'playwatch')), [], 'the socket is gone');
});

test("attach counts the run's clock from the run's start, not from when it connected", async () => {
  assertTmux();
  const dir = project();
  // One long step: when attach connects, the run's last event is seconds old.
  fs.writeFileSync(path.join(dir, 'site.yml'), '- hosts: app\n  gather_facts: false\n  tasks:\n    - {name: long step, command: sleep 30}\n');
  terminal(dir, 'run', 'run site.yml -i inventory.ini --ui plain');
  await runPid(dir);
  await sleep(6000);
  terminal(dir, 'watch', 'attach @last');
  const shown = await waitScreen('watch', /⟳ app\d +running +long step/, 'the live view');
  const since = (Date.now() - Number(events(dir)[0]!.wall)) / 1000;
  const seconds = (clock: string) => clock.split(':').reduce((t, part) => t * 60 + Number(part), 0);
  // The header's clock (the run's) and each host's (its task's, which started with the run).
  const clocks = [...shown.matchAll(/(\d+:\d\d:\d\d)\s+● running|running +long step +(\d+:\d\d:\d\d)/g)].map((m) => seconds(m[1] ?? m[2]!));
  assert.equal(clocks.length, 1 + HOSTS.length, shown);
  for (const clock of clocks) assert.ok(Math.abs(clock - since) <= 2, `a clock says ${clock} s, the run started ${since.toFixed(1)} s ago:\n${shown}`);
  tmux('send-keys', '-t', 'watch', 'q');
  assert.equal(await exitOf(dir, 'watch'), 'EXIT=0');
  const abort = spawnSync('sh', ['-c', cli(dir, 'abort @last --kill')], { encoding: 'utf8' });
  assert.equal(abort.status, 0, abort.stderr);
  assert.equal(await exitOf(dir, 'run'), 'EXIT=99');
});

test('in an attached view Ctrl-C, q and a hangup only detach; a then y drains the run there: exit 99 recorded, by attach', async () => {
  assertTmux();
  const dir = project();
  const pid = await runThenKillItsTerminal(dir);

  for (const [name, key] of [['ctrlc', 'C-c'], ['quit', 'q']] as const) {
    terminal(dir, name, 'attach @last');
    await waitScreen(name, /⟳ app\d +running +step/, `the live view (${name})`);
    tmux('send-keys', '-t', name, key);
    assert.equal(await exitOf(dir, name), 'EXIT=0', `${key} detaches with 0`);
    assert.match(fs.readFileSync(path.join(dir, `${name}.err`), 'utf8'), /Detached from run \S+: it goes on\./);
    assert.ok(alive(pid), `the run goes on after ${key} in an attached view`);
  }
  // The attached terminal itself goes away: the viewer leaves, the run goes on.
  terminal(dir, 'hup', 'attach @last');
  await waitScreen('hup', /⟳ app\d +running +step/, 'the live view (hup)');
  tmux('kill-session', '-t', 'hup');
  await sleep(500);
  assert.ok(alive(pid), 'the run goes on after its attached terminal is gone');

  terminal(dir, 'watch', 'attach @last');
  await waitScreen('watch', /⟳ app\d +running +step/, 'the live view');
  tmux('send-keys', '-t', 'watch', 'a');
  const asked = await waitScreen('watch', /Drain now\?/, 'the abort question');
  assert.match(asked, /Drain: 3 hosts will finish 'step \d', 0 will not start/);
  tmux('send-keys', '-t', 'watch', 'y');
  await waitScreen('watch', /◐ draining|aborted \(drain, by attach\)/, 'the draining state');
  assert.equal(await exitOf(dir, 'watch'), 'EXIT=99', 'attach exits with the run’s code');
  assert.match(screen('watch'), /aborted \(drain, by attach\): 0 hosts done, 3 touched but unfinished, 0 not started/);

  const evs = events(dir);
  const end = evs.at(-1)!;
  assert.equal(end.type, 'run.end');
  assert.equal(end.exitCode, 99, 'exit 99 recorded');
  assert.deepEqual(evs.filter((e) => e.type === 'abort.requested').map((e) => `${e.mode} ${e.source}`), ['drain attach']);
  const at = evs.findIndex((e) => e.type === 'abort.requested');
  assert.deepEqual(evs.slice(at).filter((e) => e.type === 'task.start'), [], 'no task starts after the drain');
  assertNoLock(dir);
});

test("another user cannot connect to a run's control socket, even when the directory around it is opened up", async () => {
  const dir = project();
  // A plain run in the background, with the default socket directory (/tmp/playwatch-<uid>).
  const bg = spawn('sh', ['-c', cli(dir, 'run site.yml -i inventory.ini --ui plain', { defaultSocketDir: true })], { stdio: 'ignore' });
  const bgEnded = new Promise<number | null>((r) => bg.on('close', r));
  const pid = await runPid(dir);
  const runs = path.join(dir, '.playwatch', 'runs');
  const socket = (JSON.parse(fs.readFileSync(path.join(runs, fs.readdirSync(runs)[0], 'control.json'), 'utf8')) as { socket: string }).socket;
  assert.equal(path.dirname(socket), `/tmp/playwatch-${process.getuid!()}`);
  assert.equal(fs.statSync(path.dirname(socket)).mode & 0o777, 0o700);
  assert.equal(fs.statSync(socket).mode & 0o777, 0o600);

  const connectAs = (uid: string) => {
    const probe = `require('net').createConnection(${JSON.stringify(socket)}).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`;
    const r = spawnSync('setpriv', [...(uid === 'owner' ? [] : [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups']), process.execPath, '-e', probe], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  assert.equal(connectAs('owner'), 'connected', 'the owner connects');
  assert.equal(connectAs('65534'), 'EACCES', 'nobody is refused by the 0700 directory');
  // The socket's own mode keeps others out when the directory is not closed.
  fs.chmodSync(path.dirname(socket), 0o711);
  try {
    assert.equal(connectAs('65534'), 'EACCES', 'nobody is refused by the 0600 socket');
  } finally {
    fs.chmodSync(path.dirname(socket), 0o700);
  }
  assert.equal(spawnSync('sh', ['-c', cli(dir, 'abort @last --kill')]).status, 0);
  assert.equal(await bgEnded, 99);
  assert.equal(alive(pid), false);
});

test('a plain run over SSH in the background is stopped by `playwatch abort @last --kill` from another process: exit 99, no remote command left, nothing started after it', async () => {
  const hosts = fleetHosts().slice(0, 3);
  assert.equal(hosts.length, 3, `three fleet hosts in ${fleetDir}`);
  const dir = project();
  const marker = `sleep 41.${process.pid % 1000}`;
  fs.writeFileSync(
    path.join(dir, 'site.yml'),
    `- hosts: ${hosts.map((h) => h.name).join(',')}\n  gather_facts: false\n  tasks:\n    - {name: one, command: sleep 0.3}\n    - {name: two, command: ${marker}}\n    - {name: three, command: "true"}\n`,
  );
  const run = spawn('sh', ['-c', cli(dir, `run site.yml -i ${shq(path.join(fleetDir, 'inventory.ini'))} --ui plain`)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  run.stdout.on('data', (d) => (out += d));
  const ended = new Promise<number | null>((r) => run.on('close', r));
  for (const end = Date.now() + 30_000; !/TASK \[two\]/.test(out) || !processRuns(marker); await sleep(100)) {
    assert.ok(Date.now() < end, `task two runs on the fleet:\n${out}`);
  }
  const abort = spawnSync('sh', ['-c', cli(dir, 'abort @last --kill')], { encoding: 'utf8' });
  assert.equal(abort.status, 0, abort.stderr);
  assert.match(abort.stdout, /is being killed/);
  assert.equal(await ended, 99, out);
  assert.ok(await processesGone(marker, 10_000), 'no remote command of the run is left');
  const evs = events(dir);
  const at = evs.findIndex((e) => e.type === 'abort.requested');
  assert.equal(`${evs[at]?.mode} ${evs[at]?.source}`, 'kill playwatch abort');
  assert.deepEqual(evs.slice(at).filter((e) => e.type === 'task.start' || e.type === 'host.start'), [], 'nothing started after the abort');
  assert.equal(evs.at(-1)?.type, 'run.end');
  for (const h of hosts) assert.equal(fs.existsSync(path.join(fleetDir, h.name, 'home', '.playwatch', 'lock')), false, `${h.name}'s lock is released`);
});
