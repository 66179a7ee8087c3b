/**
 * The run's memory of fact gathering, as ansible-core's memory fact cache
 * with `gathering: smart`: a play's implicit gathering skips a host whose
 * facts an earlier play's gathering already collected in this run. One
 * difference on purpose: the skip needs the earlier gatherings to have
 * covered the collectors this play asks for (ansible-core skips whatever
 * the subset, so a later `gather_subset: network` would get no network
 * facts). An explicit `setup` task always runs, as in ansible-core, where
 * only the gather_facts action marks facts as gathered.
 */
import type { Task, Vars } from '../model/index.js';
import { resolveSubsets, subsetList } from '../modules/setup-subsets.js';
import type { HostState } from './state.js';

/** Records the collectors a play's fact gathering ran (from the `gather_subset` fact setup returns). */
export function noteGathered(st: HostState, facts: Vars): void {
  const r = resolveSubsets(subsetList(facts.gather_subset));
  if ('collectors' in r) for (const c of r.collectors) st.gathered.add(c);
}

/** True when the host's earlier gatherings in this run covered every collector this gather task asks for. */
export function alreadyGathered(st: HostState, task: Task): boolean {
  const spec = task.args.gather_subset;
  if (typeof spec === 'string' ? /\{\{|\{%/.test(spec) : Array.isArray(spec) && spec.some((s) => /\{\{|\{%/.test(String(s)))) return false;
  const r = resolveSubsets(subsetList(spec));
  return 'collectors' in r && st.gathered.size > 0 && [...r.collectors].every((c) => st.gathered.has(c));
}
