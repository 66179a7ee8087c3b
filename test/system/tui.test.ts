/**
 * The TUI in a real terminal (tmux): host rows and a ticking clock, `a` then
 * `y` drains the rollout, the run exits 99, and the terminal is usable again
 * with the cursor shown. Needs tmux (`.ci/run` installs it); without it the
 * test fails and says so rather than skipping.
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
const { run: tmux, stop: stopTmux, screen: pane, waitFor: waitPane } = tmuxServer(`playwatch-e2e-${process.pid}`);



const screen = () => pane();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const waitFor = (pattern: RegExp, what: string, ms = 10_000) => waitPane(pattern, what, ms);

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

test('in a real terminal the TUI shows hosts and a ticking clock, a then y drains, exit code 99, terminal restored', async () => {
  const version = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  assert.ok(
    !version.error && version.status === 0,
    'tmux is needed for this end-to-end test and is not installed: apt-get install -y tmux (.ci/run installs it)',
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-e2e-'));
  const exitFile = path.join(dir, 'exit');
  const run = [
    `cd ${shq(ROOT)}`,
    // ink draws nothing live when CI is set; the operator's terminal has no CI.
    // A HOME of its own: the local hosts' deploy lock lives there.
    `env -u CI -u CONTINUOUS_INTEGRATION HOME=${shq(dir)} ${shq(process.execPath)} --import ${shq(import.meta.resolve('tsx'))} src/cli/main.ts run` +
      ` test/system/fixtures/slow.yml -i test/system/fixtures/inventory.ini --ui tui --runs-dir ${shq(path.join(dir, 'runs'))}`,
  ].join(' && ');
  const command = `${run}; echo EXIT=$? > ${shq(exitFile)}; exec sh`;
  tmux('new-session', '-d', '-x', '120', '-y', '40', command);
  try {
    const live = await waitFor(/⟳ app\d +running +Restart app/, 'the host rows of the slow task');
    assert.equal(live.match(/⟳ app\d +running +Restart app/g)?.length, 4, live);
    const clockOf = (s: string) => /(\d+:\d\d:\d\d) +● running/.exec(s.split('\n')[0] ?? '')?.[1];
    const first = clockOf(live);
    assert.ok(first, `a clock in the header:\n${live}`);
    let second: string | undefined = first;
    for (const until = Date.now() + 2500; second === first && Date.now() < until; await sleep(100)) second = clockOf(screen());
    assert.ok(second && second !== first, `the clock ticks: ${first} then ${second}`);

    tmux('send-keys', 'a');
    const asked = await waitFor(/Drain now\?/, 'the abort question');
    assert.match(asked, /Drain: 4 hosts will finish 'Restart app', 0 will not start/);
    tmux('send-keys', 'y');
    await waitFor(/◐ draining/, 'the draining state');

    const until = Date.now() + 15_000;
    while (!fs.existsSync(exitFile) && Date.now() < until) await sleep(100);
    assert.ok(fs.existsSync(exitFile), `the run ended; the screen was:\n${screen()}`);
    assert.equal(fs.readFileSync(exitFile, 'utf8').trim(), 'EXIT=99');
    const after = screen();
    assert.match(after, /aborted \(drain, by tui\): 0 hosts done, 4 touched but unfinished, 0 not started/);
    assert.match(after, /PLAY RECAP/);
    assert.doesNotMatch(after, /Never reached after a drain -/);

    assert.equal(tmux('display', '-p', '#{cursor_flag}').trim(), '1', 'the cursor is visible again');
    tmux('send-keys', 'echo pane-ok-$((6*7))', 'Enter');
    await waitFor(/^pane-ok-42$/m, 'the shell to answer after the TUI left');
  } finally {
    stopTmux();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
