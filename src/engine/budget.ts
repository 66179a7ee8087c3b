import { UserError } from '../model/index.js';
import { render } from '../template/index.js';
import { EMPTY_FRAME, type PlayContext } from './context.js';
import { pctToInt } from './batches.js';
import { scopeFor } from './scope.js';
import { runHosts } from './sections.js';

/** One service group under a budget (seed 004's family/group pair). */
interface Group {
  key: string;
  hosts: string[];
  queue: string[];
  allowed: number;
  busy: number;
  done: number;
  failed: number;
  cancelled: number;
}

/**
 * `max_concurrent_per` / `max_concurrent`: at no moment are more than N
 * hosts of one group inside the play. A host holds its group's slot from
 * its first task to its last (handlers included), so each host goes
 * through the play on its own; groups run side by side up to `forks`, the
 * least busy group first. With `on_group_failure: cancel` (the default) a
 * failure cancels the group's hosts that have not started.
 */
export async function runBudgeted(pc: PlayContext, hosts: string[]): Promise<void> {
  const groups = groupHosts(pc, hosts);
  const cancelOnFailure = onGroupFailure(pc) === 'cancel';
  const running = new Set<Promise<void>>();
  const control = pc.opts.control;
  for (const g of groups.values()) emitGroup(pc, g);
  for (;;) {
    await control.waitWhilePaused();
    const next = control.stopping || running.size >= pc.opts.forks ? undefined : pick(groups);
    if (!next) {
      if (!running.size) return;
      await Promise.race(running);
      continue;
    }
    const host = next.queue.shift()!;
    next.busy++;
    emitGroup(pc, next);
    const p: Promise<void> = runHosts(pc, [host]).then(() => {
      running.delete(p);
      next.busy--;
      const st = pc.hosts.get(host)!;
      if (st.failed || st.unreachable) {
        next.failed++;
        if (cancelOnFailure) cancelRest(pc, next, host);
      } else next.done++;
      emitGroup(pc, next);
    });
    running.add(p);
  }
}

function groupHosts(pc: PlayContext, hosts: string[]): Map<string, Group> {
  const expr = pc.play.keywords.max_concurrent_per;
  const groups = new Map<string, Group>();
  for (const h of hosts) {
    const key = String(render(expr, scopeFor(pc, h, undefined, EMPTY_FRAME), pc.play.pos));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, hosts: [], queue: [], allowed: 0, busy: 0, done: 0, failed: 0, cancelled: 0 }));
    g.hosts.push(h);
    g.queue.push(h);
  }
  const max = pc.play.keywords.max_concurrent ?? 1;
  if (!(typeof max === 'number' || (typeof max === 'string' && /^\s*\d+%?\s*$/.test(max)))) {
    throw new UserError(`max_concurrent must be a number or a percentage, got ${JSON.stringify(max)}`, pc.play.pos);
  }
  for (const g of groups.values()) g.allowed = Math.max(1, pctToInt(max as number | string, g.hosts.length));
  return groups;
}

function onGroupFailure(pc: PlayContext): 'cancel' | 'continue' {
  const v = pc.play.keywords.on_group_failure ?? 'cancel';
  if (v !== 'cancel' && v !== 'continue') {
    throw new UserError(`on_group_failure must be 'cancel' or 'continue', got ${JSON.stringify(v)}`, pc.play.pos);
  }
  return v;
}

/** The group with a free slot that is least busy (then the one with most left to do). */
function pick(groups: Map<string, Group>): Group | undefined {
  let best: Group | undefined;
  for (const g of groups.values()) {
    if (!g.queue.length || g.busy >= g.allowed) continue;
    if (!best || g.busy / g.allowed < best.busy / best.allowed || (g.busy / g.allowed === best.busy / best.allowed && g.queue.length > best.queue.length)) {
      best = g;
    }
  }
  return best;
}

function cancelRest(pc: PlayContext, g: Group, culprit: string): void {
  for (const h of g.queue.splice(0)) {
    const st = pc.hosts.get(h)!;
    st.cancel();
    g.cancelled++;
    pc.opts.emit({ type: 'host.cancelled', host: h, group: g.key, reason: `group ${g.key}: ${culprit} failed` });
  }
}

function emitGroup(pc: PlayContext, g: Group): void {
  pc.opts.emit({
    type: 'group.update',
    key: g.key,
    hosts: g.hosts,
    busy: g.busy,
    allowed: g.allowed,
    done: g.done,
    failed: g.failed,
    cancelled: g.cancelled,
    waiting: g.queue.length,
  });
}
