/**
 * An inventory in `ansible-inventory --list` form: each group's direct hosts
 * and children, and each host's inventory variables under `_meta.hostvars`
 * (files in `group_vars/`/`host_vars/` beside the sources included).
 */
import type { Inventory, Vars, Vault } from '../model/index.js';
import { isImplicit } from './data.js';
import { inventoryVarsFor } from './vars.js';

export interface InventoryListing {
  _meta: { hostvars: Record<string, Vars> };
  [group: string]: { hosts?: string[]; children?: string[] } | { hostvars: Record<string, Vars> };
}

/**
 * Groups with neither hosts nor children are left out, as ansible-inventory leaves them out (`all` and `ungrouped` stay).
 * `playbookDir` adds the `group_vars/`/`host_vars/` beside a playbook (ansible-inventory's `--playbook-dir`).
 */
export function inventoryListing(inv: Inventory, vault?: Vault, playbookDir?: string): InventoryListing {
  const out: InventoryListing = { _meta: { hostvars: {} } };
  for (const host of inv.hosts.keys()) {
    if (isImplicit(inv, host)) continue;
    const vars = inventoryVarsFor(inv, host, playbookDir, vault);
    if (Object.keys(vars).length) out._meta.hostvars[host] = vars;
  }
  for (const g of inv.groups.values()) {
    const entry: { hosts?: string[]; children?: string[] } = {};
    if (g.children.length) entry.children = [...g.children];
    if (g.name !== 'all' && g.hosts.length) entry.hosts = [...g.hosts];
    if (entry.children || entry.hosts || g.name === 'all') out[g.name] = entry;
  }
  return out;
}
