/**
 * The crash path in a real terminal (tmux): the engine fails while the TUI
 * draws; the run exits 250 with the error under the final view, and the
 * terminal is usable again (cursor shown, line editing back, a shell
 * answers). The fault is injected as in test/faults/crash.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmuxServer } from './tmux.js';
import { project, runDirs } from '../faults/cli.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOOK = path.join(ROOT, 'test/faults/engine-fault.ts');
const { run: tmux, stop: stopTmux, screen: pane, waitFor: waitPane } = tmuxServer(`playwatch-crash-${process.pid}`);
const screen = () => pane(60);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const waitFor = (pattern: RegExp, what: string, ms = 20_000) => waitPane(pattern, what, ms, 60);

test('an engine crash under the TUI in a real terminal: exit 250, the error below the final view, the terminal restored', async () => {
  const dir = project({
    'inventory.ini': '[all]\na ansible_connection=local playwatch_local_root=hosts/a\nb ansible_connection=local playwatch_local_root=hosts/b\n[all:vars]\nplaywatch_lock_path=~/.playwatch/lock\n',
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: warm up, command: sleep 1.5}
    - {name: boom, command: "true"}
    - {name: after, command: "true"}
`,
  });
  const exitFile = path.join(dir, 'exit');
  const cli =
    // From the repository, so tsx finds its tsconfig (JSX); the project's files by absolute path.
    `cd ${shq(ROOT)} && env -u CI -u CONTINUOUS_INTEGRATION HOME=${shq(dir)} PLAYWATCH_TEST_ENGINE_FAULT=boom ` +
    `${shq(process.execPath)} --import ${shq(import.meta.resolve('tsx'))} --import ${shq(HOOK)} src/cli/main.ts run ${shq(path.join(dir, 'site.yml'))}` +
    ` -i ${shq(path.join(dir, 'inventory.ini'))} --ui tui --runs-dir ${shq(path.join(dir, '.playwatch', 'runs'))}`;
  tmux('new-session', '-d', '-x', '120', '-y', '40', `${cli}; echo EXIT=$? > ${shq(exitFile)}; exec sh`);
  try {
    await waitFor(/running +warm up/, 'the TUI drawing the first task');
    const until = Date.now() + 20_000;
    while (!fs.existsSync(exitFile) && Date.now() < until) await sleep(100);
    assert.ok(fs.existsSync(exitFile), `the run ended; the screen was:\n${screen()}`);
    assert.equal(fs.readFileSync(exitFile, 'utf8').trim(), 'EXIT=250');
    const after = screen();
    assert.match(after, /PLAY RECAP/);
    assert.match(after, /playwatch: internal error: TypeError: injected engine fault at 'boom'/);
    assert.equal(tmux('display', '-p', '#{cursor_flag}').trim(), '1', 'the cursor is visible again');
    assert.equal(tmux('display', '-p', '#{alternate_on}').trim(), '0', 'not left on the alternate screen');
    tmux('send-keys', 'echo pane-ok-$((6*7))', 'Enter');
    await waitFor(/^pane-ok-42$/m, 'the shell to answer after the crash');
    const log = fs.readFileSync(path.join(runDirs(dir)[0]!, 'run.log'), 'utf8');
    assert.equal(log.split('\n').filter((l) => l.startsWith('FATAL:')).length, 1);
    for (const h of ['a', 'b']) assert.ok(fs.existsSync(path.join(dir, 'hosts', h, '.playwatch')), `${h} took its lock`);
    for (const h of ['a', 'b']) assert.equal(fs.existsSync(path.join(dir, 'hosts', h, '.playwatch', 'lock')), false, `${h}'s lock released`);
  } finally {
    stopTmux();
  }
});
