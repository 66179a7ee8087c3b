import type { Block, Task, TaskNode } from '../model/index.js';
import type { Frame, PlayContext } from './context.js';
import { EMPTY_FRAME } from './context.js';
import { fnmatchToRegExp } from '../model/index.js';
import { shouldRun } from './tags.js';
import { displayName, runTask, type RunMode } from './task.js';
import { runMeta } from './meta.js';
import { runInclude } from './include.js';
import { endOfUse, hostsForUse } from './role-use.js';

/**
 * Walks a list of tasks, blocks and includes over a set of hosts, the
 * linear way: each task runs on every active host before the next starts.
 * Stops starting new work when the operator drains or kills.
 */
export async function runNodes(pc: PlayContext, nodes: TaskNode[], hosts: string[], frame: Frame, mode: RunMode): Promise<void> {
  for (const node of nodes) {
    // Tasks that do no I/O (debug, set_fact, includes) would otherwise hold the
    // event loop for the whole run: signals, the drain timer, keys and the
    // run files' flushes get their turn between any two tasks.
    await new Promise((r) => setImmediate(r));
    await pc.opts.control.waitWhilePaused();
    if (mode.cleanup ? pc.opts.control.killed : pc.opts.control.stopping) return;
    const live = hosts.filter((h) => pc.hosts.get(h)!.active);
    if (!live.length) return;
    // A host skips an imported role it has been through, as ansible-core does.
    const active = hostsForUse(pc, node, live);
    if (active.length) await runNode(pc, node, active, frame, mode);
    endOfUse(pc, node, active);
  }
}

async function runNode(pc: PlayContext, node: TaskNode, active: string[], frame: Frame, mode: RunMode): Promise<void> {
  if (node.kind === 'block') await runBlock(pc, node, active, frame, mode);
  else if (!shouldRun(node.tags, pc.opts.tags)) return;
  else if (node.kind === 'task' && !reachedStart(pc, node, active, frame)) return;
  else if (node.kind === 'include') await runInclude(pc, node, active, frame, mode, runNodes);
  else if (node.module === 'meta') await runMeta(pc, node, active, frame, flushHandlers);
  else await runTask(pc, node, active, frame, mode);
}

/**
 * block/rescue/always: hosts that fail in `block` run `rescue` (and are
 * rescued if it succeeds); every host that entered runs `always`, and a
 * host that failed without rescue stays failed afterwards.
 */
async function runBlock(pc: PlayContext, block: Block, hosts: string[], frame: Frame, mode: RunMode): Promise<void> {
  const st = (h: string) => pc.hosts.get(h)!;
  await runNodes(pc, block.block, hosts, frame, { ...mode, rescuable: mode.rescuable || block.rescue.length > 0 });
  const failed = hosts.filter((h) => st(h).failed);
  if (block.rescue.length && failed.length) {
    for (const h of failed) {
      const s = st(h);
      s.rescue();
      s.hostFacts.ansible_failed_task = s.lastFailure?.task;
      s.hostFacts.ansible_failed_result = s.lastFailure?.result;
      // The failure is handled: it counts as rescued, and the host is not failed.
      if (s.lastFailure?.ref) pc.opts.emit({ type: 'host.rescued', task: s.lastFailure.ref, host: h });
    }
    await runNodes(pc, block.rescue, failed, frame, mode);
    for (const h of failed) if (st(h).status === 'rescuing') st(h).recover();
  }
  if (!block.always.length) return;
  const stillFailed = hosts.filter((h) => st(h).failed);
  const always = hosts.filter((h) => !st(h).unreachable && !st(h).ended);
  for (const h of stillFailed) {
    st(h).recover();
    st(h).errorsCleared = false;
  }
  // `always` runs even while draining: it is cleanup the operator expects.
  await runNodes(pc, block.always, always, frame, { ...mode, cleanup: true });
  // A `meta: clear_host_errors` in `always` lets the failed hosts go on.
  for (const h of stillFailed) if (!st(h).errorsCleared) st(h).fail();
}

/**
 * `--start-at-task`: false for the tasks before the first match (by name,
 * `role : name`, or a glob of either, as ansible-core matches).
 */
function reachedStart(pc: PlayContext, task: Task, hosts: string[], frame: Frame): boolean {
  const want = pc.opts.startAtTask;
  if (!want || pc.run.startAtFound) return true;
  const name = displayName(pc, task, hosts[0], frame);
  const full = task.role ? `${task.role.name} : ${name}` : name;
  const re = fnmatchToRegExp(want);
  if (name === want || full === want || re.test(name) || re.test(full)) pc.run.startAtFound = true;
  return pc.run.startAtFound;
}

/** Runs the notified handlers, in the order they are defined. */
export async function flushHandlers(pc: PlayContext, hosts: string[]): Promise<void> {
  const force = Boolean(pc.play.keywords.force_handlers);
  for (let round = 0; round < 10; round++) {
    let ran = false;
    for (let i = 0; i < pc.handlers.length; i++) {
      if (pc.opts.control.killed) return;
      const targets = hosts.filter((h) => {
        const s = pc.hosts.get(h)!;
        return s.notified.has(i) && !s.unreachable && (s.active || force);
      });
      if (!targets.length) continue;
      for (const h of targets) pc.hosts.get(h)!.notified.delete(i);
      ran = true;
      const h = pc.handlers[i];
      const mode: RunMode = { rescuable: false, handler: true, cleanup: true };
      // An include_tasks handler: its tasks run as the handler, shown as handlers.
      if (h.kind === 'include') await runInclude(pc, h, targets, EMPTY_FRAME, mode, runNodes);
      else await runTask(pc, h, targets, EMPTY_FRAME, mode);
    }
    if (!ran) return;
  }
}
