import { canonicalName, type ModuleInfo } from '../model/index.js';
import type { Module } from './types.js';
import { addHostModule } from './add-host.js';
import { assertModule } from './assert.js';
import { asyncStatusModule } from './async-status.js';
import { blockinfileModule } from './blockinfile.js';
import { commandModule } from './command.js';
import { copyModule } from './copy.js';
import { debugModule } from './debug.js';
import { failModule } from './fail.js';
import { fileModule } from './file.js';
import { includeVarsModule } from './include-vars.js';
import { lineinfileModule } from './lineinfile.js';
import { pauseModule } from './pause.js';
import { pingModule } from './ping.js';
import { rawModule } from './raw.js';
import { replaceModule } from './replace.js';
import { scriptModule } from './script.js';
import { assembleModule } from './assemble.js';
import { fetchModule } from './fetch.js';
import { findModule } from './find.js';
import { slurpModule } from './slurp.js';
import { tempfileModule } from './tempfile.js';
import { unarchiveModule } from './unarchive.js';
import { setFactModule } from './set-fact.js';
import { gatherFactsModule, setupModule } from './setup.js';
import { groupByModule } from './group-by.js';
import { setStatsModule } from './set-stats.js';
import { shellModule } from './shell.js';
import { statModule } from './stat.js';
import { templateModule } from './template.js';
import { serviceModule } from './service.js';
import { aptModule } from './apt.js';
import { packageModule } from './package.js';
import { aptRepositoryModule } from './apt-repository.js';
import { dnfModule } from './dnf.js';
import { yumModule } from './yum.js';
import { pipModule } from './pip.js';
import { systemdModule } from './systemd.js';
import { systemdServiceModule } from './systemd-service.js';

/**
 * The module registry. Each module lives in its own file and is listed here.
 * `ansible.builtin.x` and `ansible.legacy.x` resolve to `x`.
 */
const registry = new Map<string, Module>();

export function registerModule(m: Module): void {
  registry.set(m.name, m);
}

for (const m of [
  commandModule, shellModule, rawModule, debugModule, setFactModule, failModule,
  assertModule, pingModule, pauseModule, includeVarsModule, setupModule, asyncStatusModule,
  lineinfileModule, blockinfileModule, replaceModule,
  statModule, fileModule, copyModule, templateModule,
  scriptModule, slurpModule, fetchModule, tempfileModule, findModule, assembleModule, unarchiveModule,
  groupByModule, addHostModule, setStatsModule,
]) {
  registerModule(m);
}
registerModule(gatherFactsModule);
registerModule(serviceModule);
registerModule(systemdModule);
registerModule(systemdServiceModule);
registerModule(aptModule);
registerModule(packageModule);
registerModule(aptRepositoryModule);
registerModule(dnfModule);
registerModule(yumModule);
registerModule(pipModule);

export function getModule(name: string): Module | undefined {
  return registry.get(canonicalName(name));
}

export function moduleNames(): string[] {
  return [...registry.keys()];
}

/** The registry as the playbook loader sees it (the CLI hands it over). */
export const moduleInfo: ModuleInfo = {
  has: (name) => getModule(name) !== undefined,
  freeForm: (name) => getModule(name)?.freeForm === true,
  names: () => moduleNames(),
  validate(name, args, pos) {
    getModule(name)?.validate?.(args, pos);
  },
};

export { ENGINE_ACTIONS, canonicalName } from '../model/index.js';
export type { Module, ModuleContext } from './types.js';
