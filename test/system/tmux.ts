import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** A tmux server of the test's own (`tmux -L name`), so tests never share a server or a session. */
export function tmuxServer(name: string) {
  const run = (...args: string[]): string => {
    const r = spawnSync('tmux', ['-L', name, ...args], { encoding: 'utf8' });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  };
  /** Ends the server and removes its socket file, which kill-server leaves behind. */
  const stop = (): void => {
    const socket = spawnSync('tmux', ['-L', name, 'display', '-p', '#{socket_path}'], { encoding: 'utf8' }).stdout?.trim();
    spawnSync('tmux', ['-L', name, 'kill-server']);
    if (socket) fs.rmSync(socket, { force: true });
  };
  /** The pane's text, with `history` lines of scrollback (0: the visible screen only). */
  const screen = (history = 0): string => run('capture-pane', '-p', ...(history ? ['-S', `-${history}`] : []));
  /** Polls the screen until `pattern` shows up; the screen it matched, or an error showing the last one. */
  const waitFor = async (pattern: RegExp, what: string, ms = 10_000, history = 0): Promise<string> => {
    const until = Date.now() + ms;
    let last = '';
    while (Date.now() < until) {
      last = screen(history);
      if (pattern.test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
  };
  return { run, stop, screen, waitFor };
}
