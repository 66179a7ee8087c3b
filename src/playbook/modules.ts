/** What the loader needs to know about modules, so tests can supply their own. */
import type { Pos, Vars } from '../model/index.js';
import { getModule, moduleNames } from '../modules/index.js';

/** The modules a playbook may use. Names passed in are canonical (`shell`). */
export interface ModuleInfo {
  has(name: string): boolean;
  /** Whether `name: some words` (free-form) is accepted. */
  freeForm(name: string): boolean;
  names(): string[];
  /** Throws a positioned UserError for bad args. */
  validate?(name: string, args: Vars, pos: Pos): void;
}

/** The modules registered in `src/modules/`. */
export const registryModules: ModuleInfo = {
  has: (name) => getModule(name) !== undefined,
  freeForm: (name) => getModule(name)?.freeForm === true,
  names: () => moduleNames(),
  validate(name, args, pos) {
    getModule(name)?.validate?.(args, pos);
  },
};
