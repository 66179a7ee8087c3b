/**
 * Building an Inventory: groups, hosts and the links between them, with the
 * invariants ansible-core keeps (`all` and `ungrouped` always exist, every
 * group without a parent hangs under `all`, hosts in no group are in
 * `ungrouped`).
 */
import type { Group, Host, Inventory, Pos, Vars } from '../model/index.js';
import { LOCALHOST_NAMES, UserError } from '../model/index.js';

/** An empty inventory holding only `all` and `ungrouped`. */
export function emptyInventory(): Inventory {
  const inv: Inventory = { hosts: new Map(), groups: new Map(), sourceDirs: [], implicit: false };
  addGroup(inv, 'all');
  addGroup(inv, 'ungrouped');
  // ansible-core's InventoryData starts with `ungrouped` as the first child of `all`.
  inv.groups.get('all')!.children.push('ungrouped');
  return inv;
}

/** Get or create a group. */
export function addGroup(inv: Inventory, name: string): Group {
  let group = inv.groups.get(name);
  if (!group) {
    group = { name, vars: {}, children: [], hosts: [] };
    inv.groups.set(name, group);
  }
  return group;
}

/** Get or create a host, put it directly in `groupName`, and merge `vars` into its own vars. */
export function addHost(inv: Inventory, name: string, groupName: string, vars: Vars = {}): Host {
  let host = inv.hosts.get(name);
  if (!host) {
    host = { name, vars: {}, groups: [] };
    inv.hosts.set(name, host);
  }
  Object.assign(host.vars, vars);
  const group = addGroup(inv, groupName);
  if (!group.hosts.includes(name)) group.hosts.push(name);
  if (!host.groups.includes(groupName)) host.groups.push(groupName);
  return host;
}

/** Make `child` a child group of `parent`, refusing loops (ansible-core refuses them too). */
export function addChild(inv: Inventory, parent: string, child: string, pos?: Pos): void {
  const p = addGroup(inv, parent);
  addGroup(inv, child);
  if (p.children.includes(child)) return;
  if (child === parent || descendants(inv, child).has(parent)) {
    throw new UserError(`adding group '${child}' as a child of '${parent}' creates a loop`, pos);
  }
  p.children.push(child);
}

/** Every group below `name` (not `name` itself). */
export function descendants(inv: Inventory, name: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(inv.groups.get(name)?.children ?? [])];
  while (todo.length) {
    const g = todo.shift()!;
    if (seen.has(g)) continue;
    seen.add(g);
    todo.push(...(inv.groups.get(g)?.children ?? []));
  }
  return seen;
}

/** Parent groups of each group. */
export function parentsMap(inv: Inventory): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const g of inv.groups.values()) {
    for (const c of g.children) {
      const list = parents.get(c) ?? [];
      list.push(g.name);
      parents.set(c, list);
    }
  }
  return parents;
}

/**
 * Restore the invariants after parsing, as ansible-core's
 * `reconcile_inventory` does: parentless groups become children of `all`,
 * hosts in no group go to `ungrouped`, and hosts that found a real group
 * leave `ungrouped`.
 */
export function reconcile(inv: Inventory): void {
  addGroup(inv, 'all');
  addGroup(inv, 'ungrouped');
  const parents = parentsMap(inv);
  const all = inv.groups.get('all')!;
  for (const g of inv.groups.values()) {
    if (g.name !== 'all' && !parents.has(g.name) && !all.children.includes(g.name)) all.children.push(g.name);
  }
  const ungrouped = inv.groups.get('ungrouped')!;
  for (const host of inv.hosts.values()) {
    if (isImplicit(inv, host.name)) continue;
    const real = host.groups.filter((g) => g !== 'all' && g !== 'ungrouped');
    if (real.length > 0 && host.groups.includes('ungrouped')) {
      host.groups = host.groups.filter((g) => g !== 'ungrouped');
      ungrouped.hosts = ungrouped.hosts.filter((h) => h !== host.name);
    } else if (real.length === 0 && !host.groups.includes('ungrouped')) {
      host.groups.push('ungrouped');
      ungrouped.hosts.push(host.name);
    }
  }
}

// Hosts ansible-core makes up on demand (`localhost` named in a pattern but
// absent from the inventory). They live in `inv.hosts` so their vars can be
// looked up, but belong to no group and never match `all`.
const implicitHosts = new WeakMap<Inventory, Set<string>>();

/** Mark a host as made up rather than written in the inventory. */
export function markImplicit(inv: Inventory, name: string): void {
  const set = implicitHosts.get(inv) ?? new Set<string>();
  set.add(name);
  implicitHosts.set(inv, set);
}

/** True for a host added by `ensureImplicitLocalhost`, not written in any inventory. */
export function isImplicit(inv: Inventory, name: string): boolean {
  return implicitHosts.get(inv)?.has(name) ?? false;
}

export { LOCALHOST_NAMES };

/**
 * When a pattern names `localhost` (or `127.0.0.1`, `::1`) and the inventory
 * lacks it, ansible-core makes it up on the local connection. This adds that
 * host to `inv.hosts` (in no group, so it never matches `all`) and returns it;
 * an existing host of that name is returned untouched.
 */
export function ensureImplicitLocalhost(inv: Inventory, name = 'localhost'): Host {
  const existing = inv.hosts.get(name);
  if (existing) return existing;
  const host: Host = { name, vars: { ansible_connection: 'local' }, groups: [] };
  inv.hosts.set(name, host);
  markImplicit(inv, name);
  return host;
}
