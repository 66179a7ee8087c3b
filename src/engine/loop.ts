import type { NodeBase, LoopSpec, Vars } from '../model/index.js';
import type { PlayContext } from './context.js';
import { loopLookup, render } from '../template/index.js';
import { toBool } from '../modules/args.js';

/**
 * The items of a `loop:` or `with_<lookup>:` as ansible-core makes them: a
 * `with_` loop runs its lookup over the templated terms (`with_items` is
 * the `items` lookup, which flattens one level); `loop:` must render to a
 * list. Throws with ansible-core's message when it does not.
 */
export function loopItems(node: NodeBase & { loop?: LoopSpec; module?: string; action?: string }, scope: Vars): unknown[] {
  const loop = node.loop!;
  if (loop.with) return loopLookup(loop.with, loop.items, scope, node.pos, subdirFor(node.module ?? node.action ?? ''));
  const items = render(loop.items, scope, node.pos);
  if (!Array.isArray(items)) {
    throw new Error(
      `Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(items)}. ` +
        'Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.',
    );
  }
  return items;
}

/** Where `with_first_found` looks, from the action's name, as TaskExecutor picks `_subdir`. */
function subdirFor(action: string): string {
  for (const sub of ['template', 'var', 'file']) if (action.includes(sub)) return `${sub}s`;
  return 'files';
}

/** How one loop runs: its flags rendered once, before the first item. */
export interface LoopRun {
  spec: LoopSpec;
  items: unknown[];
  extended: boolean;
  allitems: boolean;
  /** Seconds to wait before every item but the first. */
  pause: number;
}

export function loopRun(node: NodeBase & { loop?: LoopSpec }, items: unknown[], scope: Vars): LoopRun {
  const spec = node.loop!;
  const flag = (v: boolean | string | undefined, dflt: boolean) => (v === undefined ? dflt : toBool(render(v, scope, node.pos)));
  const pause = spec.pause === undefined ? 0 : Number(render(spec.pause, scope, node.pos));
  return { spec, items, extended: flag(spec.extended, false), allitems: flag(spec.extendedAllitems, true), pause: Number.isFinite(pause) ? pause : 0 };
}

/**
 * The variables one item adds, which ansible-core also copies into the
 * item's result: the loop var, `ansible_loop_var`, the index var with
 * `ansible_index_var`, and under `extended` `ansible_loop`.
 */
export function loopVars(run: LoopRun, index: number): Vars {
  const { spec, items } = run;
  const vars: Vars = { [spec.loopVar]: items[index], ansible_loop_var: spec.loopVar };
  if (spec.indexVar) {
    vars[spec.indexVar] = index;
    vars.ansible_index_var = spec.indexVar;
  }
  if (run.extended) {
    const n = items.length;
    const ext: Vars = {};
    if (run.allitems) ext.allitems = items;
    Object.assign(ext, { index: index + 1, index0: index, first: index === 0, last: index + 1 === n, length: n, revindex: n - index, revindex0: n - index - 1 });
    if (index + 1 < n) ext.nextitem = items[index + 1];
    if (index > 0) ext.previtem = items[index - 1];
    vars.ansible_loop = ext;
  }
  return vars;
}

/**
 * ansible-core's warning when a loop's variable is already defined (an outer
 * include's `item`): each time the loop runs on a host, as ansible-core prints it.
 */
export function warnLoopVarInUse(pc: PlayContext, node: NodeBase & { loop?: LoopSpec; module?: string; action?: string }, scope: Vars): void {
  const loopVar = node.loop!.loopVar;
  if (!(loopVar in scope)) return;
  const name = node.name ?? node.module ?? node.action ?? '';
  const task = node.role ? `${node.role.name} : ${name}` : name;
  pc.opts.emit({
    type: 'warning',
    message:
      `TASK: ${task}: The loop variable '${loopVar}' is already in use. You should set the \`loop_var\` value in the ` +
      '`loop_control` option for the task to something else to avoid variable collisions and unexpected behavior.',
  });
}
