/**
 * Changes a run makes to its inventory, as ansible-core's
 * `InventoryManager.add_dynamic_host` / `add_dynamic_group` make them
 * (`add_host`, `group_by`): each says whether anything changed, which is
 * the task's `changed`. They are kept, so `meta: refresh_inventory` can
 * apply them again to the re-read sources.
 */
import type { Inventory, Vars } from '../model/index.js';
import { addChild, addGroup, descendants, reconcile } from './data.js';

export type DynamicChange =
  | { kind: 'host'; name: string; groups: string[]; vars: Vars }
  | { kind: 'group'; host: string; group: string; parents: string[] };

/** Applies one change; true when the inventory changed. */
export function applyChange(inv: Inventory, c: DynamicChange): boolean {
  return c.kind === 'host' ? addDynamicHost(inv, c.name, c.groups, c.vars) : addDynamicGroup(inv, c.host, c.group, c.parents);
}

/**
 * `add_host`: the host is created if new, its own vars take `vars` over
 * (top-level keys replaced), and it joins each group (created if new).
 */
function addDynamicHost(inv: Inventory, name: string, groups: string[], vars: Vars): boolean {
  let changed = false;
  let host = inv.hosts.get(name);
  if (!host) {
    host = { name, vars: {}, groups: [] };
    inv.hosts.set(name, host);
    // ansible-core puts a new host directly in `all`, so `groups.all` and `hosts: all` list it first.
    joinGroup(inv, name, 'all');
    changed = true;
  }
  const merged = { ...host.vars, ...vars };
  if (!sameValue(merged, host.vars)) {
    host.vars = merged;
    changed = true;
  }
  for (const g of groups) {
    if (!inv.groups.has(g)) changed = true;
    if (joinGroup(inv, name, g)) changed = true;
  }
  if (changed) reconcile(inv);
  return changed;
}

/**
 * `group_by`: the host joins `group` (created if new), and `group` becomes
 * a direct child of each of `parents` (ansible-core's default is `all`).
 * As in ansible-core, a group that is already a child of `all` through
 * another parent still changes when it is made a direct child.
 */
function addDynamicGroup(inv: Inventory, host: string, group: string, parents: string[]): boolean {
  if (!inv.hosts.has(host)) return false;
  let changed = false;
  addGroup(inv, group);
  for (const p of parents) {
    if (!inv.groups.has(p)) changed = true;
    const parent = addGroup(inv, p);
    // A loop (a parent below the group) is refused quietly, as ansible-core's add_child_group does.
    if (p === group || descendants(inv, group).has(p) || parent.children.includes(group)) continue;
    addChild(inv, p, group);
    changed = true;
  }
  if (joinGroup(inv, host, group)) changed = true;
  if (changed) reconcile(inv);
  return changed;
}

/** Puts a host directly in a group; true when it was not there. */
function joinGroup(inv: Inventory, host: string, group: string): boolean {
  const g = addGroup(inv, group);
  const h = inv.hosts.get(host)!;
  if (g.hosts.includes(host)) return false;
  g.hosts.push(host);
  if (!h.groups.includes(group)) h.groups.push(group);
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Vars)[k])]));
  return v;
}
