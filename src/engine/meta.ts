/**
 * `meta:` actions, with ansible-core 2.14's semantics
 * (`StrategyBase._execute_meta` and the linear strategy):
 * - `noop`, `flush_handlers`, `end_host`, `reset_connection`, `role_complete`
 *   run for each host; the others run once, for the first host, and act
 *   on every host of the batch;
 * - `when` false gives a `skipping` line (not counted in PLAY RECAP: meta
 *   counts nothing); `noop`, `refresh_inventory` and `reset_connection`
 *   ignore `when` with a warning;
 * - a meta that acts prints only its banner.
 */
import type { Task } from '../model/index.js';
import { UserError } from '../model/index.js';
import { evalCond } from '../template/index.js';
import type { Frame, PlayContext } from './context.js';
import { scopeFor } from './scope.js';
import { displayName, emitStarts } from './task.js';
import { inventoryChanged } from './flow.js';

const PER_HOST = new Set(['noop', 'flush_handlers', 'end_host', 'reset_connection', 'role_complete']);
const NO_WHEN = new Set(['noop', 'refresh_inventory', 'reset_connection']);

/** What ansible-core says when a meta's `when` is false on a host. */
const SKIP_REASONS: Record<string, (host: string) => string> = {
  flush_handlers: (h) => `not running handlers for ${h}`,
  clear_facts: (h) => `not clearing facts and fact cache for ${h}`,
  clear_host_errors: (h) => `not clearing host error state for ${h}`,
  end_batch: () => 'continuing current batch',
  end_play: () => 'continuing play',
  end_host: (h) => `continuing execution for ${h}`,
};

export type Flush = (pc: PlayContext, hosts: string[]) => Promise<void>;

/** Runs a meta task over the active hosts that reached it. */
export async function runMeta(pc: PlayContext, task: Task, active: string[], frame: Frame, flush: Flush): Promise<void> {
  const action = String(task.args._raw_params ?? task.args.free_form ?? Object.keys(task.args)[0] ?? '').trim();
  if (!(action in ACTIONS)) throw new UserError(`unknown meta action '${action}'`, task.pos);
  const refs = pc.ids.reachAll(active, task, 'meta', displayName(pc, task, active[0], frame));
  emitStarts(pc, refs.values(), 'task.start');
  if (NO_WHEN.has(action) && task.when.length) pc.opts.emit({ type: 'warning', message: `${action} task does not support when conditional` });
  const targets = PER_HOST.has(action) ? active : active.slice(0, 1);
  const hosts: string[] = [];
  for (const h of targets) {
    if (NO_WHEN.has(action) || task.when.every((c) => evalCond(c, scopeFor(pc, h, task, frame), task.pos))) {
      hosts.push(h);
      continue;
    }
    const ref = refs.get(h)!;
    const reason = `${action} conditional evaluated to False, ${SKIP_REASONS[action]?.(h) ?? 'skipping'}`;
    const msg = action === 'end_host' ? `end_host conditional evaluated to false, continuing execution for ${h}` : action;
    pc.opts.emit({ type: 'host.start', task: ref, host: h });
    pc.opts.emit({ type: 'host.skipped', task: ref, host: h, result: { msg, skipped: true, skip_reason: reason } });
  }
  if (hosts.length) await ACTIONS[action]!(pc, hosts, flush);
}

type Action = (pc: PlayContext, hosts: string[], flush: Flush) => void | Promise<void>;

/** The batch's hosts, which the run-once actions act on. */
const batchOf = (pc: PlayContext): string[] => pc.batch?.hosts ?? pc.playHosts;

const ACTIONS: Record<string, Action> = {
  noop: () => {},
  role_complete: () => {},
  flush_handlers: (pc, hosts, flush) => flush(pc, hosts),
  end_host: (pc, hosts) => {
    for (const h of hosts) pc.hosts.get(h)!.end();
  },
  end_batch: (pc) => endBatch(pc),
  end_play: (pc) => {
    endBatch(pc);
    if (pc.batch) pc.batch.endPlay = true;
  },
  clear_facts: (pc) => {
    // Gathered facts only: set_fact and register values stay, as in ansible-core.
    for (const h of batchOf(pc)) {
      const st = pc.hosts.get(h)!;
      st.facts = {};
      st.gathered.clear();
    }
  },
  clear_host_errors: (pc) => {
    const stats = pc.run.statsNow();
    for (const h of batchOf(pc)) {
      const st = pc.hosts.get(h)!;
      if (stats[h]) pc.run.forgiven.set(h, stats[h]);
      pc.batch?.failed.delete(h);
      st.clearErrors();
    }
  },
  refresh_inventory: (pc) => {
    pc.opts.hosts.refresh();
    inventoryChanged(pc);
  },
  reset_connection: async (pc, hosts) => {
    // A new transport connects at the next command; a deploy lock taken stays (it lives on the target).
    for (const c of pc.run.connections.all()) {
      if (!hosts.includes(c.target) || !c.connected) continue;
      const old = c.transport;
      c.connected = false;
      c.transport = c.make();
      await old.close();
    }
  },
};

/** `end_batch`: every host of the batch that can still be reached is done with this batch. */
function endBatch(pc: PlayContext): void {
  for (const h of batchOf(pc)) {
    const st = pc.hosts.get(h)!;
    if (!st.unreachable) st.end();
  }
}
