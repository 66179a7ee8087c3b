import type { Pos, Vars } from './types.js';

/**
 * What the playbook loader needs to know about modules. `modules/` builds
 * one from its registry and the CLI hands it to the loader (tests may give
 * their own), so the loader never imports the modules themselves.
 * Names passed in are canonical (`shell`).
 */
export interface ModuleInfo {
  has(name: string): boolean;
  /** Whether `name: some words` (free-form) is accepted. */
  freeForm(name: string): boolean;
  names(): string[];
  /** Throws a positioned UserError for bad args. */
  validate?(name: string, args: Vars, pos: Pos): void;
}

/** Actions the engine or loader handles itself (they have no module). */
export const ENGINE_ACTIONS = [
  'include_tasks',
  'import_tasks',
  'include_role',
  'import_role',
  'import_playbook',
  'meta',
  'block',
] as const;

/** `ansible.builtin.x` and `ansible.legacy.x` are `x`. */
export function canonicalName(name: string): string {
  return name.replace(/^ansible\.(builtin|legacy)\./, '');
}
