/**
 * Inventory variables for a host, in ansible-core's precedence order, and the
 * `group_names` / `groups` magic variables.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Inventory, Vars, Vault } from '../model/index.js';
import { isImplicit, parentsMap } from './data.js';
import { readVarsFile } from './yaml-file.js';

const VARS_EXTS = ['', '.yml', '.yaml', '.json'];

interface Cache {
  files: Map<string, Vars>;
  found: Map<string, string[]>;
}
// Vars files are read once per inventory, however many hosts ask.
const caches = new WeakMap<Inventory, Cache>();

function cacheOf(inv: Inventory): Cache {
  let c = caches.get(inv);
  if (!c) {
    c = { files: new Map(), found: new Map() };
    caches.set(inv, c);
  }
  return c;
}

/**
 * The variables a host gets from the inventory, lowest precedence first
 * (ansible-core's documented order; each layer replaces top-level keys):
 * inventory-file vars of `all`, then of the host's other groups; inventory
 * `group_vars/all`; playbook `group_vars/all`; inventory `group_vars/<group>`;
 * playbook `group_vars/<group>`; inventory-file host vars; inventory
 * `host_vars/<host>`; playbook `host_vars/<host>`. Groups are ordered parents
 * before children, then by `ansible_group_priority`, then by name. `vault`
 * opens encrypted vars files and `!vault` values.
 */
export function inventoryVarsFor(inv: Inventory, host: string, playbookDir?: string, vault?: Vault): Vars {
  const groups = sortedGroupsOf(inv, host);
  const c = cacheOf(inv);
  const out: Vars = {};
  const layer = (dir: string, kind: 'group_vars' | 'host_vars', name: string): void => {
    for (const file of findVarsFiles(c, path.join(dir, kind), name)) Object.assign(out, loadCached(c, file, vault));
  };
  Object.assign(out, inv.groups.get('all')?.vars);
  for (const g of groups) Object.assign(out, inv.groups.get(g)?.vars);
  for (const dir of inv.sourceDirs) layer(dir, 'group_vars', 'all');
  if (playbookDir) layer(playbookDir, 'group_vars', 'all');
  for (const dir of inv.sourceDirs) for (const g of groups) layer(dir, 'group_vars', g);
  if (playbookDir) for (const g of groups) layer(playbookDir, 'group_vars', g);
  Object.assign(out, inv.hosts.get(host)?.vars);
  for (const dir of inv.sourceDirs) layer(dir, 'host_vars', host);
  if (playbookDir) layer(playbookDir, 'host_vars', host);
  return out;
}

/** The host's groups with their ancestors, without `all`, in precedence order (lowest first). */
export function sortedGroupsOf(inv: Inventory, host: string): string[] {
  const depth = groupDepths(inv);
  const prio = (g: string): number => {
    const p = Number(inv.groups.get(g)?.vars.ansible_group_priority ?? 1);
    return Number.isFinite(p) ? p : 1;
  };
  return ancestorsOf(inv, host)
    .filter((g) => g !== 'all')
    .sort((a, b) => depth.get(a)! - depth.get(b)! || prio(a) - prio(b) || cmp(a, b));
}

/** ansible's `group_names`: every group the host is in, ancestors included, without `all`, sorted. */
export function groupNamesOf(inv: Inventory, host: string): string[] {
  return ancestorsOf(inv, host)
    .filter((g) => g !== 'all')
    .sort(cmp);
}

/** ansible's `groups`: each group (`all` and `ungrouped` included) to its hosts, descendants' hosts included. */
export function groupsMap(inv: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of inv.groups.keys()) out[name] = groupHosts(inv, name);
  return out;
}

/**
 * Hosts of a group: its own, then its child groups' (breadth first), as
 * ansible-core lists them. `all` lists every inventory host in inventory
 * order, without made-up ones (the implicit localhost).
 */
export function groupHosts(inv: Inventory, name: string): string[] {
  if (name === 'all') {
    // Hosts directly in `all` (add_host's) come first, as ansible-core's Group.get_hosts lists them.
    const direct = inv.groups.get('all')?.hosts ?? [];
    return [...new Set([...direct, ...inv.hosts.keys()])].filter((h) => !isImplicit(inv, h));
  }
  const seen = new Set<string>();
  const visited = new Set<string>();
  const queue = [name];
  while (queue.length) {
    const g = inv.groups.get(queue.shift()!);
    if (!g || visited.has(g.name)) continue;
    visited.add(g.name);
    for (const h of g.hosts) seen.add(h);
    queue.push(...g.children);
  }
  return [...seen];
}

/** The host's direct groups and all their ancestors. */
function ancestorsOf(inv: Inventory, host: string): string[] {
  const parents = parentsMap(inv);
  const seen = new Set<string>();
  const todo = [...(inv.hosts.get(host)?.groups ?? [])];
  while (todo.length) {
    const g = todo.pop()!;
    if (seen.has(g)) continue;
    seen.add(g);
    todo.push(...(parents.get(g) ?? []));
  }
  return [...seen];
}

/** Longest distance of each group from `all`, as ansible-core's Group.depth. */
export function groupDepths(inv: Inventory): Map<string, number> {
  const parents = parentsMap(inv);
  const depth = new Map<string, number>();
  const visit = (g: string): number => {
    const known = depth.get(g);
    if (known !== undefined) return known;
    depth.set(g, 0); // guards against loops; addChild refuses them anyway
    const ps = parents.get(g) ?? [];
    const d = g === 'all' ? 0 : ps.length ? Math.max(...ps.map((p) => visit(p) + 1)) : 1;
    depth.set(g, d);
    return d;
  };
  for (const g of inv.groups.keys()) visit(g);
  return depth;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function loadCached(c: Cache, file: string, vault: Vault | undefined): Vars {
  let vars = c.files.get(file);
  if (!vars) {
    vars = readVarsFile(file, vault);
    c.files.set(file, vars);
  }
  return vars;
}

/**
 * Files for `<dir>/<name>` as ansible-core finds them: the first of `name`,
 * `name.yml`, `name.yaml`, `name.json` that exists; a directory yields its
 * files (recursively, in name order, skipping hidden and `~` backups).
 */
function findVarsFiles(c: Cache, dir: string, name: string): string[] {
  const key = path.join(dir, name);
  const hit = c.found.get(key);
  if (hit) return hit;
  let found: string[] = [];
  for (const ext of VARS_EXTS) {
    const full = key + ext;
    const stat = fs.statSync(full, { throwIfNoEntry: false });
    if (!stat) continue;
    found = stat.isDirectory() ? filesIn(full) : [full];
    break;
  }
  c.found.set(key, found);
  return found;
}

function filesIn(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = path.join(dir, name);
    const ext = path.extname(name);
    const stat = fs.statSync(full);
    if (stat.isDirectory() && !ext) out.push(...filesIn(full));
    else if (stat.isFile() && VARS_EXTS.includes(ext)) out.push(full);
  }
  return out;
}
