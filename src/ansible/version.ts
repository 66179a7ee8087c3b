import { spawnSync } from 'node:child_process';
import { UserError } from '../model/index.js';

/** The oldest ansible-core the callback plugin and the drain are written for. */
export const MIN_ANSIBLE = [2, 12] as const;

/** `ansible-playbook [core 2.14.18]` → `2.14.18`; undefined when the text says no version. */
export function parseVersion(text: string): string | undefined {
  return /\[core ([0-9][^\]\s]*)\]/.exec(text)?.[1] ?? /^ansible-playbook ([0-9][\w.]*)/m.exec(text)?.[1];
}

/** Whether `version` is at least `min` (numeric parts compared in order; `2.14.0rc1` counts as 2.14.0). */
export function atLeast(version: string, min: readonly number[]): boolean {
  const parts = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < min.length; i++) {
    const a = parts[i] ?? 0;
    if (a !== min[i]) return a > min[i]!;
  }
  return true;
}

/**
 * ansible-core's version, checked before a run: a clear error when
 * `ansible-playbook` is not installed (naming the package) or too old.
 */
export function ansibleVersion(program = 'ansible-playbook', env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(program, ['--version'], { encoding: 'utf8', env, timeout: 30_000 });
  const err = r.error as NodeJS.ErrnoException | undefined;
  if (err?.code === 'ENOENT') {
    throw new UserError(`${program} was not found on PATH: --engine ansible runs ansible-core (install it: apt-get install --no-install-recommends ansible-core, or pip install ansible-core)`);
  }
  if (err) throw new UserError(`${program} --version could not run: ${err.message}`);
  const version = parseVersion(`${r.stdout}\n${r.stderr}`);
  if (r.status !== 0 || !version) throw new UserError(`${program} --version failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`);
  if (!atLeast(version, MIN_ANSIBLE)) {
    throw new UserError(`${program} is ansible-core ${version}: --engine ansible needs ${MIN_ANSIBLE.join('.')} or later`);
  }
  return version;
}
