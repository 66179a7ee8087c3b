import type { HostSource, Inventory, Vault } from '../model/index.js';
import { selectHosts } from './pattern.js';
import { groupNamesOf, groupsMap, inventoryVarsFor } from './vars.js';

/**
 * An inventory as a run sees it (the engine's `hosts` option): patterns are
 * read relative to `cwd` (`@file.retry`), and `group_vars/`/`host_vars/`
 * beside the playbook (`playbookDir`) count too; `vault` opens encrypted ones.
 */
export function hostSource(inv: Inventory, opts: { cwd: string; playbookDir?: string; vault?: Vault }): HostSource {
  return {
    names: () => [...inv.hosts.keys()],
    select: (pattern) => selectHosts(inv, pattern, { cwd: opts.cwd }),
    varsFor: (host) => inventoryVarsFor(inv, host, opts.playbookDir, opts.vault),
    groups: () => groupsMap(inv),
    groupNames: (host) => groupNamesOf(inv, host),
    dir: inv.sourceDirs[0],
  };
}
