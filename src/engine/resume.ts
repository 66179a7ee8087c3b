import type { ResumePlan } from '../events/index.js';
import type { HostState } from './state.js';

/**
 * Where each host stands when the run ends early: done, never started, or
 * stopped at a task. A host stopped at a task resumes *at* that task, since
 * it may not have finished it (re-running one task is safer than skipping one).
 *
 * `planned` lists, per play, the hosts it targets; `reached` is how many
 * plays ran to their end without an abort.
 */
export function resumePlan(hosts: Map<string, HostState>, planned: string[][], reached: number): ResumePlan {
  const all = [...new Set(planned.flat())];
  const plan: ResumePlan = { done: [], notStarted: [], at: [] };
  const at = new Map<string, string[]>();
  for (const name of all) {
    const st = hosts.get(name);
    const pending = planned.some((list, i) => i >= reached && list.includes(name));
    const ok = st && !st.failed && !st.unreachable && !st.cancelled && !st.stopped;
    if (ok && !pending) plan.done.push(name);
    else if (!st?.touched || !st.lastTask) plan.notStarted.push(name);
    else at.set(st.lastTask, [...(at.get(st.lastTask) ?? []), name]);
  }
  plan.at = [...at].map(([task, list]) => ({ task, hosts: list }));
  return plan;
}
