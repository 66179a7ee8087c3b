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
  return { run, stop };
}
