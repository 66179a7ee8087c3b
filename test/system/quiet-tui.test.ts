/**
 * While the TUI owns the terminal nothing but the presenter writes to it:
 * the built CLI (`bin/playwatch.js`) runs 12 hosts at once with async jobs
 * (polled ones, and a poll-0 job waited for with async_status) in a real
 * terminal (tmux). The pane is captured over and over during the run and at
 * the end, and the CLI's stderr goes to a file: no capture may show Node's
 * warnings, a warning line or a stack trace, and stderr may hold only the
 * lines the CLI prints after the TUI has let go (where the run log and the
 * archive are). Once over local hosts, once over 12 real sshd hosts.
 *
 * Needs tmux and sshd (`npm run test:system` checks both) and a build that is
 * not older than src/ (`npm run test:system` builds when it is).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmuxServer } from './tmux.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { run: tmux, stop: stopTmux } = tmuxServer(`playwatch-quiet-${process.pid}`);
const PLAYBOOK = 'test/system/fixtures/async-fleet.yml';
const HOSTS = 12;
// Its own sshd fleet: 127.0.0.11… like the shared one, on another port, so both can be up.
const SSH_PORT = 2290;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;



/** The pane with its scrollback, wrapped lines joined. */
const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-');

/** Text that only something other than the presenter puts on the screen. */
const STRAY: [RegExp, string][] = [
  [/MaxListenersExceededWarning/, "Node's listener-leak warning"],
  [/\(node:\d+\)/, "a Node process warning's prefix"],
  [/Warning:/, 'a Warning: line'],
  [/--trace-(warnings|deprecation)/, "Node's hint to trace a warning"],
  // Nothing in this run gives the presenter a reason to show a warning either.
  [/\[(DEPRECATION )?WARNING\]/, 'a [WARNING] line'],
  [/^\s*at (\S+ \()?(node:|file:\/\/|\/)\S+:\d+:\d+\)?$/m, 'a stack frame'],
  [/^\w*Error: /m, 'an error thrown to the top'],
];

/** What is wrong with one capture, or [] when it holds only the presenter's text. */
function strayIn(capture: string): string[] {
  return STRAY.filter(([re]) => re.test(capture)).map(([re, what]) => `${what} (${re})`);
}

/** Fails when dist/ is missing or older than a source file: the test runs the built CLI. */
function assertBuilt(): void {
  const main = path.join(ROOT, 'dist/cli/main.js');
  assert.ok(fs.existsSync(main), 'dist/ is missing: npm run build (npm run test:system builds)');
  const built = fs.statSync(main).mtimeMs;
  const newer = (fs.readdirSync(path.join(ROOT, 'src'), { recursive: true }) as string[])
    .map((f) => path.join(ROOT, 'src', f))
    .filter((f) => fs.statSync(f).isFile() && fs.statSync(f).mtimeMs > built);
  assert.deepEqual(newer, [], 'dist/ is older than these sources: npm run build (npm run test:system builds)');
}

interface TuiRun {
  /** Every distinct capture taken while the run went on, in order. */
  captures: string[];
  /** The pane once the CLI had exited. */
  last: string;
  stderr: string;
  exit: string;
}

/** Runs the playbook with --ui tui in a fresh tmux pane and watches it until the CLI exits. */
async function runInTmux(dir: string, inventory: string): Promise<TuiRun> {
  const errFile = path.join(dir, 'stderr');
  const exitFile = path.join(dir, 'exit');
  // ink draws nothing live when CI is set; the operator's terminal has no CI.
  // A HOME of its own: local hosts' deploy locks and async jobs live under their roots there.
  const cli =
    `env -u CI -u CONTINUOUS_INTEGRATION HOME=${shq(dir)} ${shq(process.execPath)} bin/playwatch.js run ${PLAYBOOK}` +
    ` -i ${shq(inventory)} --ui tui --forks ${HOSTS} --runs-dir ${shq(path.join(dir, 'runs'))} 2> ${shq(errFile)}`;
  // The pane stays after the run (sleep) so that its last screen can be read.
  const command = `cd ${shq(ROOT)} && ${cli}; echo EXIT=$? > ${shq(exitFile)}; exec sleep 600`;
  tmux('new-session', '-d', '-x', '120', '-y', '50', command);
  const captures: string[] = [];
  const until = Date.now() + 40_000;
  while (!fs.existsSync(exitFile) && Date.now() < until) {
    const s = screen();
    if (s !== captures.at(-1)) captures.push(s);
    await sleep(150);
  }
  assert.ok(fs.existsSync(exitFile), `the run ended within 40 s; the screen was:\n${captures.at(-1)}`);
  await sleep(200);
  return { captures, last: screen(), stderr: fs.readFileSync(errFile, 'utf8'), exit: fs.readFileSync(exitFile, 'utf8').trim() };
}

/** The assertions both runs share. */
function assertQuiet(run: TuiRun, hosts: string[]): void {
  assert.equal(run.exit, 'EXIT=0', `the run succeeded; the screen was:\n${run.last}\nstderr:\n${run.stderr}`);
  // The captures saw the live view, not only a blank pane and the final text.
  const live = run.captures.filter((c) => /● running/.test(c));
  assert.ok(live.length >= 5, `at least 5 captures of the live view, got ${live.length} of ${run.captures.length}`);
  assert.ok(
    live.some((c) => /Warm the cache|Wait for the migration/.test(c)),
    `a capture shows an async task running:\n${live.at(-1)}`,
  );
  for (const h of hosts) assert.match(run.last, new RegExp(`^${h} +: ok=5 +changed=\\d+ +unreachable=0 +failed=0`, 'm'), `${h} in the recap:\n${run.last}`);

  for (const [i, capture] of [...run.captures, run.last].entries()) {
    assert.deepEqual(strayIn(capture), [], `capture ${i + 1} holds text that is not the presenter's:\n${capture}`);
  }
  // After the TUI let go the CLI says where the run log and the archive are; nothing else
  // (ink's cursor restore, an escape sequence without text, also goes to stderr).
  const text = run.stderr.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  const other = text.split('\n').filter((l) => l !== '' && !/^(Run log|Archive): \S+$/.test(l));
  assert.deepEqual(other, [], `stderr holds only where the run log and archive are; it was:\n${run.stderr}`);
}

function assertTmux(): void {
  const version = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  assert.ok(!version.error && version.status === 0, 'tmux is needed for this test and is not installed: apt-get install -y tmux (.ci/run installs it)');
}

test('the stray-text patterns catch what Node prints for a listener leak, and pass the live and final views', () => {
  const cases: [string, boolean][] = [
    ['(node:5457) MaxListenersExceededWarning: Possible EventTarget memory leak detected. 11 abort listeners added to [AbortSignal].', true],
    ['(Use `node --trace-warnings ...` to show where the warning was created)', true],
    ['[WARNING]: reporter \'mail\' failed and was turned off', true],
    ['    at AbortSignal.addEventListener (node:internal/event_target:1010:23)', true],
    ['    at file:///work/dist/engine/run.js:12:7', true],
    ['TypeError: Cannot read properties of undefined', true],
    ['playwatch  site.yml   0:00:04  ● running   play 1/1  task 3/6', false],
    ['⟳ h01     running   Warm the cache   async job 1 s', false],
    ['h01                        : ok=6    changed=5    unreachable=0    failed=0', false],
    ['Warm the cache ---------------------------------------------- 2.36s', false],
  ];
  for (const [line, stray] of cases) assert.equal(strayIn(line).length > 0, stray, line);
});

test(`a TUI run of ${HOSTS} local hosts with async jobs: only the presenter writes to the terminal`, async () => {
  assertTmux();
  assertBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-quiet-'));
  const names = Array.from({ length: HOSTS }, (_, i) => `h${String(i + 1).padStart(2, '0')}`);
  // Each host a scratch directory of its own (its HOME: async jobs, deploy lock), as in fixtures/demo.
  const inventory = path.join(dir, 'inventory.ini');
  fs.writeFileSync(inventory, ['[fleet]', ...names.map((h) => `${h} playwatch_local_root=hosts/${h}`), '', '[all:vars]', 'ansible_connection=local', 'playwatch_lock_path=~/.playwatch/lock', ''].join('\n'));
  try {
    assertQuiet(await runInTmux(dir, inventory), names);
  } finally {
    stopTmux();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test(`a TUI run of ${HOSTS} sshd hosts with async jobs: only the presenter writes to the terminal`, async () => {
  assertTmux();
  assertBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-quiet-ssh-'));
  const fleet = path.join(dir, 'fleet');
  const fleetSh = path.join(ROOT, 'test/fleet/fleet.sh');
  const env = { ...process.env, PLAYWATCH_FLEET_PORT: String(SSH_PORT) };
  try {
    const up = spawnSync(fleetSh, ['up', String(HOSTS), fleet], { encoding: 'utf8', env });
    assert.equal(up.status, 0, `fleet.sh up ${HOSTS}: ${up.stderr}`);
    const names = Array.from({ length: HOSTS }, (_, i) => `h${String(i + 1).padStart(2, '0')}`);
    assertQuiet(await runInTmux(dir, path.join(fleet, 'inventory.ini')), names);
  } finally {
    stopTmux();
    spawnSync(fleetSh, ['down', fleet], { env });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
