import type { NodeBase, LoopSpec, Vars } from '../model/index.js';
import { render } from '../template/index.js';

/**
 * The items of a `loop:`/`with_*` as ansible-core shapes them: rendered,
 * `with_dict` as key/value pairs, `with_items` flattened one level,
 * `with_indexed_items` as index/item pairs. Throws with ansible's message
 * when the value is not a list.
 */
export function loopItems(node: NodeBase & { loop?: LoopSpec }, scope: Vars): unknown[] {
  const loop = node.loop!;
  let items = render(loop.items, scope, node.pos);
  if (node.extra._with === 'dict' && items && typeof items === 'object' && !Array.isArray(items)) {
    items = Object.entries(items as Vars).map(([key, value]) => ({ key, value }));
  }
  if (!Array.isArray(items)) {
    throw new Error(`Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(items)}`);
  }
  let list = loop.flatten ? items.flatMap((i: unknown) => (Array.isArray(i) ? i : [i])) : (items as unknown[]);
  if (node.extra._with === 'indexed_items') list = list.map((item, i) => [i, item]);
  return list;
}

/** The vars one loop item adds: the loop var, `ansible_loop_var`, and the index var if asked for. */
export function loopVars(loop: LoopSpec, item: unknown, index: number): Vars {
  const vars: Vars = { [loop.loopVar]: item, ansible_loop_var: loop.loopVar };
  if (loop.indexVar) vars[loop.indexVar] = index;
  return vars;
}
