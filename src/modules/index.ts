import { canonicalName, type ModuleInfo } from '../model/index.js';
import type { Module } from './types.js';
import { CATALOG } from './catalog.js';

/**
 * The module registry. Each module lives in its own file, listed in
 * `catalog.ts`; its code loads when a playbook names it (`loadModule`), so
 * a run never loads the modules it does not use.
 * `ansible.builtin.x` and `ansible.legacy.x` resolve to `x`.
 */
const loaded = new Map<string, Module>();
const loading = new Map<string, Promise<Module>>();
/** Modules registered at run time (tests' probes), beside the catalog's. */
const registered = new Map<string, Module>();

export function registerModule(m: Module): void {
  registered.set(m.name, m);
  loaded.set(m.name, m);
}

function known(name: string): boolean {
  return Object.hasOwn(CATALOG, name) || registered.has(name);
}

/** The module, if its code is loaded (`loadModule` loads it). */
export function getModule(name: string): Module | undefined {
  return loaded.get(canonicalName(name));
}

/** The module, its code loaded first if need be; undefined for a name no module has. */
export function loadModule(name: string): Promise<Module | undefined> {
  const short = canonicalName(name);
  const have = loaded.get(short);
  if (have) return Promise.resolve(have);
  if (!Object.hasOwn(CATALOG, short)) return Promise.resolve(undefined);
  let pending = loading.get(short);
  if (!pending) {
    pending = CATALOG[short].load().then((m) => {
      loaded.set(short, m);
      return m;
    });
    loading.set(short, pending);
  }
  return pending;
}

/** Loads the code of these modules (every module when none are named). */
export async function loadModules(names: string[] = moduleNames()): Promise<void> {
  await Promise.all(names.map(loadModule));
}

export function moduleNames(): string[] {
  return [...Object.keys(CATALOG), ...[...registered.keys()].filter((n) => !Object.hasOwn(CATALOG, n))];
}

/**
 * The registry as the playbook loader sees it (the CLI hands it over). Names
 * and free-form come from the catalog; `validate` needs the module's code,
 * which `load` brings in (the playbook layer's `readPlaybook` and task
 * loader do that for every module a file names).
 */
export const moduleInfo: ModuleInfo = {
  has: (name) => known(canonicalName(name)),
  freeForm(name) {
    const short = canonicalName(name);
    return (registered.get(short)?.freeForm ?? (Object.hasOwn(CATALOG, short) ? CATALOG[short].freeForm : undefined)) === true;
  },
  names: () => moduleNames(),
  validate(name, args, pos) {
    const short = canonicalName(name);
    if (!known(short)) return;
    const mod = loaded.get(short);
    // A bug, not the user's: skipping the check would let bad args through to the run.
    if (!mod) throw new Error(`module '${short}' was to be validated before its code was loaded`);
    mod.validate?.(args, pos);
  },
  load: (names) => loadModules(names),
};

export { ENGINE_ACTIONS, canonicalName } from '../model/index.js';
export type { Module, ModuleContext } from './types.js';
