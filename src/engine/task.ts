import pLimit from 'p-limit';
import type { Include, Task, Vars } from '../model/index.js';
import { markUnsafe, render } from '../template/index.js';
import type { TaskRef } from '../events/index.js';
import type { Frame, PlayContext } from './context.js';
import { distinctRefs } from './identity.js';
import { runTaskOnHost, type HostOutcome } from './task-host.js';
import { notify } from './handlers.js';
import { scopeFor } from './scope.js';
import { toBool } from '../modules/args.js';
import { bypassesHostLoop } from './flow.js';
import { stepAllows } from './step.js';

/** How a task is being run: inside a block with a rescue, or as a handler. */
export interface RunMode {
  rescuable: boolean;
  handler?: boolean;
  /** always: blocks and handlers: they still run while draining (not after a kill). */
  cleanup?: boolean;
  /** How many dynamic includes deep these tasks are (0 outside any). */
  includeDepth?: number;
}

/**
 * Runs one task on a set of hosts at once (linear strategy), at most
 * `forks` at a time, and books each host's result: event, stats, failure
 * state and handler notifications.
 */
export async function runTask(pc: PlayContext, task: Task, hosts: string[], frame: Frame, mode: RunMode): Promise<void> {
  if (pc.opts.step && !(await stepAllows(pc, stepName(pc, task, hosts[0], frame), mode.handler))) return;
  const refs = pc.ids.reachAll(hosts, task, task.module, displayName(pc, task, hosts[0], frame), mode.handler);
  // A play's run_once is every task's default, as ansible-core's tasks inherit it.
  const runOnce = task.runOnce !== undefined ? toBool(task.runOnce) : pc.play.keywords.run_once !== undefined && toBool(pc.play.keywords.run_once);
  // add_host runs once for the play's hosts, on the first; unlike run_once, the others get no result.
  const targets = runOnce || bypassesHostLoop(task) ? hosts.slice(0, 1) : hosts;
  emitStarts(pc, targets.map((h) => refs.get(h)!), mode.handler ? 'handler.start' : 'task.start');
  const limit = pLimit(Math.max(1, Math.min(pc.opts.forks, throttleOf(task))));
  const control = pc.opts.control;
  await Promise.all(
    targets.map((host) =>
      limit(async () => {
        // Hosts still waiting for a fork when a drain comes do not start.
        if (mode.cleanup ? control.killed : control.stopping) return;
        const ref = refs.get(host)!;
        const where = ref.role ? `${ref.role} : ${ref.name}` : ref.name;
        if (!mode.handler && !task.extra._gather) pc.hosts.get(host)!.touch(where);
        const outcome = await runTaskOnHost(pc, task, host, frame, ref);
        book(pc, task, host, ref, outcome, mode);
        if (runOnce) for (const other of hosts.slice(1)) shareRunOnce(pc, task, other, outcome);
      }),
    ),
  );
  checkFailureLimits(pc, task, hosts);
}

/**
 * The start event of each task occurrence, once per batch: under free and
 * budgeted runs the first host to reach it announces it.
 */
export function emitStarts(pc: PlayContext, refs: Iterable<TaskRef>, type: 'task.start' | 'handler.start'): void {
  for (const ref of distinctRefs(refs)) if (pc.ids.startOnce(ref.id)) pc.opts.emit({ type, task: ref });
}

/**
 * any_errors_fatal and max_fail_percentage, checked after every task as
 * ansible-core's linear strategy does: past the limit, every host of the
 * batch leaves the play and the run stops after it.
 */
function checkFailureLimits(pc: PlayContext, task: Task, hosts: string[]): void {
  const batch = pc.batch;
  if (!batch || batch.breakPlay) return;
  const failedNow = hosts.filter((h) => batch.failed.has(h));
  const fatal = task.extra.any_errors_fatal ?? pc.play.keywords.any_errors_fatal;
  if (fatal !== undefined && toBool(fatal) && failedNow.length) {
    return stopBatch(pc, `any_errors_fatal: ${failedNow.join(', ')} failed, so the play stops for every host`);
  }
  const pct = pc.play.keywords.max_fail_percentage;
  if (pct === undefined) return;
  const ratio = (batch.failed.size / batch.hosts.length) * 100;
  if (ratio > Number(pct)) {
    stopBatch(pc, `max_fail_percentage ${pct}% exceeded: ${batch.failed.size} of ${batch.hosts.length} hosts in this batch failed, so the play stops`);
  }
}

function stopBatch(pc: PlayContext, why: string): void {
  pc.batch!.breakPlay = true;
  for (const h of pc.batch!.hosts) pc.hosts.get(h)!.stop();
  pc.opts.emit({ type: 'warning', message: why });
}

/** run_once: the other hosts get the same registered result, without events. */
function shareRunOnce(pc: PlayContext, task: Task, host: string, outcome: HostOutcome): void {
  if (task.register) pc.hosts.get(host)!.hostFacts[task.register] = markUnsafe(outcome.result);
}

function throttleOf(task: Task): number {
  return task.throttle && task.throttle > 0 ? task.throttle : Infinity;
}

/** ansible-core names a task by its rendered name, or its action when unnamed. */
export function displayName(pc: PlayContext, task: { name?: string; pos: Task['pos']; role?: Task['role']; vars: Vars }, host: string | undefined, frame: Frame, fallback?: string): string {
  const raw = task.name ?? fallback ?? ('module' in task ? String((task as Task).module) : 'task');
  if (!raw.includes('{{') || !host) return raw;
  try {
    return String(render(raw, scopeFor(pc, host, task as Task, frame), task.pos));
  } catch {
    return raw;
  }
}

/** The task's name as ansible-core's `get_name()` gives it to `--step`'s question: `role : name`. */
export function stepName(pc: PlayContext, task: Task | Include, host: string | undefined, frame: Frame, fallback?: string): string {
  const name = displayName(pc, task, host, frame, fallback);
  return task.role ? `${task.role.name} : ${name}` : name;
}

/** Emits the host's final event for the task and updates its state (the stats are tallied from the events). */
export function book(pc: PlayContext, task: Task, host: string, ref: TaskRef, o: HostOutcome, mode: RunMode): void {
  const st = pc.hosts.get(host)!;
  const loop = task.loop ? { loop: true as const } : {};
  const d = o.delegate;
  const emit = pc.opts.emit;
  switch (o.status) {
    case 'ok':
    case 'changed':
      if (o.status === 'changed') notify(pc, host, task);
      emit({ type: 'host.ok', task: ref, host, changed: o.status === 'changed', result: o.result, ...loop, ...d });
      return;
    case 'skipped':
      emit({ type: 'host.skipped', task: ref, host, result: o.result, ...loop, ...d });
      return;
    case 'unreachable':
      emit({ type: 'host.unreachable', task: ref, host, result: o.result, ignored: o.ignored, ...d });
      if (o.ignored) return;
      st.unreach();
      pc.batch?.failed.add(host);
      return;
    case 'failed':
      emit({ type: 'host.failed', task: ref, host, result: o.result, ignored: o.ignored, ...loop, ...d });
      if (o.ignored) return;
      // A failure a rescue will handle does not count against max_fail_percentage.
      if (!mode.rescuable) pc.batch?.failed.add(host);
      st.fail();
      st.lastFailure = { task: { name: task.name === undefined ? '' : ref.name, role: ref.role, path: ref.path, action: task.module }, result: o.result, ref };
      return;
  }
}
