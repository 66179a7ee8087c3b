/**
 * `playwatch replay` in a real terminal (tmux, a server of its own) with
 * the built CLI: a TUI run ends on its final view; replaying its record
 * through the TUI ends on the same final view (recap, tasks recap, failed
 * hosts, the run's duration).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmuxServer } from './tmux.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER = `playwatch-replay-${process.pid}`;
const { run: tmux, stop } = tmuxServer(SERVER);
after(stop);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const FILES = {
  'inventory.ini': '[web]\nweb1\nweb2\n[all:vars]\nansible_connection=local\nplaywatch_lock_path=~/.playwatch/lock\n',
  'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - {name: quick, command: "true"}
    - {name: fails on web2, command: "{{ 'false' if inventory_hostname == 'web2' else 'true' }}"}
    - {name: skipped, command: "true", when: false}
    - {name: quick, command: "sleep 0.3"}
`,
};

/** Runs `args` in a terminal until it exits; returns the whole screen with its scrollback and the exit line. */
async function inTerminal(dir: string, name: string, args: string): Promise<string> {
  const cli = `cd ${shq(dir)} && env -u CI -u CONTINUOUS_INTEGRATION HOME=${shq(dir)} ANSIBLE_CONFIG=/nonexistent ${shq(process.execPath)} ${shq(path.join(ROOT, 'bin/playwatch.js'))} ${args}`;
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', `${cli}; echo EXIT=$?; exec sleep 600`);
  let screen = '';
  for (const end = Date.now() + 60_000; Date.now() < end; await sleep(200)) {
    screen = tmux('capture-pane', '-p', '-t', name, '-S', '-200');
    if (/^EXIT=\d+$/m.test(screen)) return screen;
  }
  throw new Error(`${args} did not end in terminal ${name}; the screen:\n${screen}`);
}

/** The final view: from the recap to the run's duration (the file lines after it name paths differently). */
const finalView = (screen: string) => {
  const m = /PLAY RECAP[^]*?Playbook run took .*\n/.exec(screen);
  assert.ok(m, screen);
  return m[0];
};

test('replay through the TUI in a real terminal ends on the same final view as the live run did', async () => {
  const version = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  assert.ok(!version.error && version.status === 0, 'tmux is needed for this test: apt-get install -y tmux');
  assert.ok(fs.existsSync(path.join(ROOT, 'dist/cli/main.js')), 'dist/ is missing: npm run build');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-replay-sys-'));
  for (const [file, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, file), text);

  const live = await inTerminal(dir, 'live', 'run site.yml -i inventory.ini --ui tui');
  assert.match(live, /^EXIT=2$/m, live);
  const replayed = await inTerminal(dir, 'again', 'replay @last --speed 0 --ui tui');
  assert.match(replayed, /^EXIT=0$/m, replayed);
  assert.equal(finalView(replayed), finalView(live));
  assert.match(finalView(live), /web2 +: ok=1 +changed=1 +unreachable=0 +failed=1[^]*TASKS RECAP[^]*FAILED HOSTS[^]*web2 \(failed\): fails on web2/);
});
