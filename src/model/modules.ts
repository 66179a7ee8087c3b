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
  /**
   * Loads the code of these modules, which `validate` needs. Absent when
   * every module is at hand (tests' tables); present, the loader's callers
   * use `readPlaybook` and the task loader, which call it for the modules
   * each file names before validating.
   */
  load?(names: string[]): Promise<void>;
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

/**
 * Collection names of modules playwatch runs as builtins. ansible-core 2.14
 * routes these short names to the collections (its
 * `ansible_builtin_runtime.yml`: `authorized_key` → `ansible.posix.authorized_key`),
 * so a project may write either. A row is harmless before its module exists:
 * the loader still asks the registry, and a missing one is the collection
 * error. community.general has no module playwatch runs today (its
 * `ini_file`, `timezone`, `ufw` are not built in): rows go here when one is.
 */
export const COLLECTION_MODULES: Readonly<Record<string, string>> = {
  'ansible.posix.authorized_key': 'authorized_key',
  'ansible.posix.mount': 'mount',
  'ansible.posix.synchronize': 'synchronize',
  'ansible.posix.sysctl': 'sysctl',
};

/** `ansible.builtin.x` and `ansible.legacy.x` are `x`, and so is a collection name in `COLLECTION_MODULES`. */
export function canonicalName(name: string): string {
  return COLLECTION_MODULES[name] ?? name.replace(/^ansible\.(builtin|legacy)\./, '');
}

/** `ns.coll.module` outside ansible.builtin/ansible.legacy: a module from a collection. */
export function isCollectionName(name: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w.-]+$/.test(name) && !/^ansible\.(builtin|legacy)\./.test(name);
}

/** The load-time error for a collection module playwatch does not run (DESIGN §12: name the engine that does). */
export function collectionModuleMessage(name: string): string {
  return `module '${name}' is from a collection and not built into playwatch: run it with --engine ansible`;
}
