import type { HostSource, Inventory, Vault } from '../model/index.js';
import { selectHosts } from './pattern.js';
import { groupNamesOf, groupsMap, inventoryVarsFor } from './vars.js';
import { applyChange, type DynamicChange } from './dynamic.js';

export interface HostSourceOptions {
  cwd: string;
  playbookDir?: string;
  vault?: Vault;
  /** Reads the inventory's sources again (`meta: refresh_inventory`); without it a refresh keeps what is loaded. */
  reload?: () => Inventory;
}

/**
 * An inventory as a run sees it (the engine's `hosts` option): patterns are
 * read relative to `cwd` (`@file.retry`), and `group_vars/`/`host_vars/`
 * beside the playbook (`playbookDir`, or the play's own directory the engine
 * passes to `varsFor`) count too; `vault` opens encrypted ones. `add_host` and `group_by`
 * change it while the run goes on; a refresh re-reads the sources and
 * applies those changes again, as ansible-core does.
 */
export function hostSource(loaded: Inventory, opts: HostSourceOptions): HostSource {
  let inv = loaded;
  const changes: DynamicChange[] = [];
  const change = (c: DynamicChange): boolean => {
    changes.push(c);
    return applyChange(inv, c);
  };
  return {
    names: () => [...inv.hosts.keys()],
    select: (pattern) => selectHosts(inv, pattern, { cwd: opts.cwd }),
    // A play's own directory replaces the top playbook's; none is read when the source was given none.
    varsFor: (host, playDir) => inventoryVarsFor(inv, host, opts.playbookDir && (playDir ?? opts.playbookDir), opts.vault),
    groups: () => groupsMap(inv),
    groupNames: (host) => groupNamesOf(inv, host),
    get dir() {
      return inv.sourceDirs[0];
    },
    addHost: (name, groups, vars) => change({ kind: 'host', name, groups, vars }),
    groupBy: (host, group, parents) => change({ kind: 'group', host, group, parents }),
    refresh() {
      if (!opts.reload) return;
      inv = opts.reload();
      for (const c of changes) applyChange(inv, c);
    },
  };
}
