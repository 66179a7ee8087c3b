/**
 * `--step` on a real terminal (tmux): in plain mode the question is
 * ansible-core's, answered by typing y, n or c and Enter; in the TUI the
 * question shows in the view and the y, n and c keys answer. Either way:
 * y runs `first`, n skips `second` (never started, not counted), c runs
 * `third` and `fourth` without asking again. Needs tmux (`.ci/run`
 * installs it); without it the test fails and says so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tmuxServer } from './tmux.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { run: tmux, stop: stopTmux, screen: pane, waitFor: waitPane } = tmuxServer(`playwatch-step-${process.pid}`);
const screen = () => pane(200);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const waitFor = (pattern: RegExp, what: string, ms = 40_000) => waitPane(pattern, what, ms, 200);

/** Starts `playwatch run … --step` in a new tmux session; returns the file its exit code lands in. */
function start(ui: 'plain' | 'tui', dir: string): string {
  const exitFile = path.join(dir, 'exit');
  const run =
    `cd ${shq(ROOT)} && env -u CI -u CONTINUOUS_INTEGRATION HOME=${shq(dir)} ${shq(process.execPath)} --import ${shq(import.meta.resolve('tsx'))} src/cli/main.ts run` +
    ` test/system/fixtures/step.yml -i localhost, -c local --ui ${ui} --step --runs-dir ${shq(path.join(dir, 'runs'))}`;
  tmux('new-session', '-d', '-x', '120', '-y', '50', `${run}; echo EXIT=$? > ${shq(exitFile)}; exec sh`);
  return exitFile;
}

async function ended(exitFile: string): Promise<string> {
  const until = Date.now() + 40_000;
  while (!fs.existsSync(exitFile) && Date.now() < until) await sleep(100);
  assert.ok(fs.existsSync(exitFile), `the run ended; the screen was:\n${screen()}`);
  return fs.readFileSync(exitFile, 'utf8').trim();
}

const question = (task: string) => new RegExp(`Perform task: TASK: ${task} \\(N\\)o/\\(y\\)es/\\(c\\)ontinue:`);

for (const ui of ['plain', 'tui'] as const) {
  test(`--ui ${ui} --step on a terminal: y runs, n skips uncounted, c runs the rest without asking`, async () => {
    const version = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
    assert.ok(!version.error && version.status === 0, 'tmux is needed for this test and is not installed: apt-get install -y tmux');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-step-'));
    const exitFile = start(ui, dir);
    // Plain mode reads a line (the terminal echoes it); the TUI takes the key alone.
    const answer = (key: string) => (ui === 'plain' ? tmux('send-keys', key, 'Enter') : tmux('send-keys', key));
    try {
      await waitFor(question('first'), 'the first question');
      await sleep(300);
      assert.doesNotMatch(screen(), /TASK \[first\]|"msg": "one"/, 'nothing runs before the answer');
      answer('y');
      await waitFor(question('second'), 'the second question');
      answer('n');
      await waitFor(question('third'), 'the third question');
      answer('c');
      assert.equal(await ended(exitFile), 'EXIT=0');
      const after = screen();
      assert.match(after, /localhost +: ok=3 +changed=0 +unreachable=0 +failed=0 +skipped=0/);
      assert.doesNotMatch(after, question('fourth'), 'c: no question for fourth');
      if (ui === 'plain') {
        assert.match(after, /TASK \[first\][^]*"msg": "one"[^]*TASK \[third\][^]*TASK \[fourth\]/);
        assert.doesNotMatch(after, /TASK \[second\]|"msg": "two"/);
      }
      // The record has the answers; second never started.
      const runs = fs.readdirSync(path.join(dir, 'runs')).filter((d) => !d.endsWith('.tar.gz'));
      const events = fs.readFileSync(path.join(dir, 'runs', runs[0], 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(events.filter((e) => e.type === 'step.answer').map((e) => `${e.label}=${e.answer}`), ['TASK: first=yes', 'TASK: second=no', 'TASK: third=continue']);
      assert.deepEqual(events.filter((e) => e.type === 'task.start').map((e) => e.task.name), ['first', 'third', 'fourth']);
    } finally {
      stopTmux();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
