/**
 * What `add_host`, `group_by` and `set_stats` do besides returning a
 * result, as ansible-core's strategy does it when it processes their
 * results: the inventory changes (and `changed` says whether it did), and
 * custom stats add up for the end of the run.
 */
import type { ModuleResult, Task, Vars } from '../model/index.js';
import type { PlayContext } from './context.js';
import { forgetPlayMagic } from './scope.js';

/** Modules ansible-core runs once for all the play's hosts (`BYPASS_HOST_LOOP`). */
export function bypassesHostLoop(task: Task): boolean {
  return task.module === 'add_host';
}

/** Modules that change the inventory. */
const INVENTORY_MODULES = new Set(['add_host', 'group_by']);

/**
 * Applies an `add_host` or `group_by` result to the run's inventory (one
 * module call: a loop's items one by one) and returns the result with
 * `changed` saying whether the inventory changed.
 */
export function applyInventory(pc: PlayContext, task: Task, host: string, result: ModuleResult): ModuleResult {
  if (!INVENTORY_MODULES.has(task.module) || result.failed || result.skipped) return result;
  const inv = pc.opts.hosts;
  let changed = false;
  const added = result.add_host as { host_name: string; groups: string[]; host_vars: Vars } | undefined;
  if (added) {
    changed = inv.addHost(added.host_name, added.groups, added.host_vars);
    // ansible-core lists a host add_host changed in this play's `ansible_play_hosts_all` (not in the batch).
    const all = [...pc.playHosts, ...(pc.addedHosts ?? [])];
    if (changed && !all.includes(added.host_name)) (pc.addedHosts ??= []).push(added.host_name);
  } else if (typeof result.add_group === 'string') {
    changed = inv.groupBy(host, result.add_group, (result.parent_groups as string[] | undefined) ?? ['all']);
  }
  if (changed) inventoryChanged(pc);
  return { ...result, changed };
}

/** Cached inventory vars and magic vars (`groups`, `group_names`, `hostvars`) are read again. */
export function inventoryChanged(pc: PlayContext): void {
  pc.run.inventoryChanged();
  forgetPlayMagic(pc);
}

interface StatsRequest {
  data: Vars;
  per_host: boolean;
  aggregate: boolean;
}

/**
 * `set_stats` results of a task that ended ok on `host` (a loop's items
 * each): per host (with run_once, every host of the batch) or for the run.
 */
export function addCustomStats(pc: PlayContext, task: Task, host: string, result: ModuleResult): void {
  if (task.module !== 'set_stats') return;
  const items = Array.isArray(result.results) ? (result.results as ModuleResult[]) : [result];
  for (const r of items) {
    const req = r.ansible_stats as StatsRequest | undefined;
    if (!req || r.failed || !req.data || !Object.keys(req.data).length) continue;
    const runOnce = task.runOnce === true;
    const targets = !req.per_host ? ['_run'] : runOnce ? (pc.batch?.hosts ?? [host]).filter((h) => !pc.hosts.get(h)?.unreachable) : [host];
    for (const t of targets) {
      for (const [k, v] of Object.entries(req.data)) updateCustom(pc.run.customStats, t, k, v, req.aggregate);
    }
  }
}

/**
 * ansible-core's `AggregateStats.update_custom_stats` (aggregate) and
 * `set_custom_stats`: a new key is set; mappings merge (recursively); a
 * value of another type than the one kept is ignored; anything else is
 * added with `+` (numbers add, strings and lists concatenate).
 */
export function updateCustom(custom: Record<string, Vars>, who: string, key: string, value: unknown, aggregate: boolean): void {
  const mine = (custom[who] ??= {});
  if (!aggregate || !(key in mine)) {
    mine[key] = value;
    return;
  }
  const kept = mine[key];
  if (kindOf(kept) !== kindOf(value)) return;
  if (kindOf(value) === 'dict') mine[key] = mergeHash(kept as Vars, value as Vars);
  else if (Array.isArray(kept)) mine[key] = [...kept, ...(value as unknown[])];
  else if (typeof kept === 'number') mine[key] = kept + (value as number);
  else if (typeof kept === 'string') mine[key] = kept + (value as string);
  else if (typeof kept === 'boolean') mine[key] = Number(kept) + Number(value);
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'dict' : typeof v;
}

/** ansible's `merge_hash`: recursive, lists replaced. */
function mergeHash(a: Vars, b: Vars): Vars {
  const out: Vars = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = kindOf(out[k]) === 'dict' && kindOf(v) === 'dict' ? mergeHash(out[k] as Vars, v as Vars) : v;
  }
  return out;
}
