import { execSync } from 'node:child_process';

/** Whether any process on this machine has `marker` in its command line. */
export function processRuns(marker: string): boolean {
  return execSync('ps -eo args', { encoding: 'utf8' }).includes(marker);
}

/**
 * Waits until no process carries `marker` (a kill takes a moment to land and
 * be reaped); true when they are all gone within `ms`.
 */
export async function processesGone(marker: string, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processRuns(marker)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
