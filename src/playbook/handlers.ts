/**
 * A handlers list as ansible-core 2.14 keeps it: blocks flattened (their
 * tasks are the handlers, notified by their own names; `rescue` and
 * `always` never run there) and each handler marked with its group, which
 * decides which of several same-named handlers a notify reaches.
 */
import type { Handler, TaskNode } from '../model/index.js';

let nextGroup = 1;

/**
 * ansible-core groups a list's consecutive tasks (imports' included) into one
 * implicit block and gives each explicit block its own; a notify by name
 * reaches the first match of the last block that has one.
 */
export function handlerList(nodes: TaskNode[]): Handler[] {
  const out: Handler[] = [];
  let plain: number | undefined;
  for (const n of nodes) {
    if (n.kind === 'block') {
      plain = undefined;
      const group = nextGroup++;
      for (const h of blockTasks(n.block)) out.push(marked(h, group));
      continue;
    }
    plain ??= nextGroup++;
    out.push(marked(n, plain));
  }
  return out;
}

/** The group handlerList gave a handler (undefined for one it never saw). */
export function handlerGroup(h: Handler): number | undefined {
  return h.extra._handlerGroup as number | undefined;
}

// A block's tasks, nested blocks flattened too.
function blockTasks(nodes: TaskNode[]): Handler[] {
  return nodes.flatMap((n) => (n.kind === 'block' ? blockTasks(n.block) : [n]));
}

function marked(h: Handler, group: number): Handler {
  return { ...h, extra: { ...h.extra, _handlerGroup: group } };
}
