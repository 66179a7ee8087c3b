import { spawnSync } from 'node:child_process';
import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import type { Module } from './types.js';

let rsync: boolean | undefined;

/** Whether the controller has `rsync` on its PATH (asked once per process). */
function hasRsync(): boolean {
  rsync ??= spawnSync('sh', ['-c', 'command -v rsync'], { stdio: 'ignore' }).status === 0;
  return rsync;
}

/** Why the native engine refuses the task, naming the engine that runs it. */
export function synchronizeRefusal(rsyncThere = hasRsync()): string {
  return rsyncThere
    ? 'synchronize is not done by the native engine yet; run this playbook with the ansible-core engine (--engine ansible)'
    : 'synchronize needs rsync on the controller (not found on its PATH); run this playbook with the ansible-core engine (--engine ansible)';
}

/**
 * `synchronize` (ansible.posix) runs the controller's rsync over the
 * host's SSH credentials. Refused at load, never halfway through a deploy:
 * without rsync it cannot run at all, and with it the native engine does
 * not do it yet.
 */
export const synchronizeModule: Module = {
  name: 'synchronize',
  supportsCheck: true,
  validate(_args: Vars, pos: Pos): void {
    throw new UserError(synchronizeRefusal(), pos);
  },
  async run(): Promise<ModuleResult> {
    return { failed: true, changed: false, msg: synchronizeRefusal() };
  },
};
