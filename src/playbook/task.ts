/** Task lists: tasks, blocks, and the dispatch to imports and includes. */
import { UserError, withHint, type Block, type NodeBase, type Pos, type Task, type TaskNode } from '../model/index.js';
import { actionArgs, classify, type Classified } from './action.js';
import { field, toConds, toNumOrStr, toStr, toStrList } from './coerce.js';
import { importRole, importTasks, includeNode } from './imports.js';
import { META_ACTIONS } from './keywords.js';
import { checkLookupCalls, isLoopKey, readLoop } from './loop.js';
import { childScope, readBase, type ListOpts, type Scope } from './scope.js';
import { registerName } from './identifier.js';
import { asMap, asSeq, deref, entries as entriesOf, kindOf, posOf, toValue, type Entry, type Source, type YMap, type YNode } from './source.js';

/**
 * Reads a list of tasks. `owner` names the key or file that holds the list,
 * for the message when it is not a list.
 */
export function parseTaskList(
  src: Source,
  node: YNode | null,
  scope: Scope,
  owner: { what: string; pos: Pos },
  opts: ListOpts = {},
): TaskNode[] {
  if (kindOf(deref(src, node)) === 'nothing') return [];
  const seq = asSeq(src, node);
  if (!seq) throw new UserError(`${owner.what} must be a list of tasks, got ${kindOf(node)}`, owner.pos);
  const out: TaskNode[] = [];
  for (const item of seq.items) {
    const map = asMap(src, item);
    if (!map) {
      throw new UserError(`a task must be a mapping (key: value), got ${kindOf(item)}`, posOf(src, item));
    }
    for (const t of parseItem(src, map, scope, opts)) out.push(t);
  }
  return out;
}

/** One entry of a task list; an import expands to the tasks it imports. */
function parseItem(src: Source, map: YMap, scope: Scope, opts: ListOpts): TaskNode[] {
  const pos = posOf(src, map);
  const { base, rest } = readBase(src, entriesOf(src, map), scope, pos);
  const c = classify(src, rest, scope.modules, pos, base.extra.collections);
  if (c.local) {
    const own = rest.find((e) => e.key === 'local_action')!;
    if (entriesOf(src, map).some((e) => e.key === 'delegate_to')) {
      throw new UserError("'local_action' and 'delegate_to' are mutually exclusive: keep one", posOf(src, own.keyNode));
    }
    base.delegateTo = 'localhost';
  }
  // In handlers, a block's tasks become handlers (handlers.ts flattens it), as in ansible-core.
  if (c.block.length) return [parseBlock(src, base, c, scope, opts)];
  const action = c.action!;
  switch (action.name) {
    case 'import_tasks':
      return importTasks(src, base, c, scope, opts);
    case 'import_role':
    case 'include_role':
      // ansible-core's own words for both.
      if (opts.handler) throw new UserError(`Using '${action.name}' as a handler is not supported.`, pos);
      return action.name === 'import_role' ? importRole(src, base, c, scope) : [includeNode(src, base, c, scope)];
    case 'include_tasks':
      return [includeNode(src, base, c, scope, opts)];
    case 'import_playbook':
      throw new UserError("'import_playbook' is only allowed at the top level of a playbook, next to plays", action.pos);
    default:
      return [buildTask(src, base, c, scope, opts)];
  }
}

function parseBlock(src: Source, base: NodeBase, c: Classified, scope: Scope, opts: ListOpts): Block {
  for (const e of c.keywords) {
    // A block's notify is its tasks' unless they have their own (ansible-core's Block.notify).
    if (e.key === 'notify') base.extra.notify = toStrList(field(src, e));
    else throw new UserError(`'${e.key}' is not a valid attribute for a block`, posOf(src, e.keyNode));
  }
  const part = (key: string): Entry | undefined => c.block.find((e) => e.key === key);
  const main = part('block');
  if (!main) {
    const other = c.block[0];
    throw new UserError(`'${other.key}' needs a 'block' in the same task`, posOf(src, other.keyNode));
  }
  const inner = childScope(scope, base);
  const list = (key: string): TaskNode[] => {
    const e = part(key);
    return e ? parseTaskList(src, e.value, inner, { what: `'${key}'`, pos: posOf(src, e.keyNode) }, opts) : [];
  };
  return { kind: 'block', ...base, block: list('block'), rescue: list('rescue'), always: list('always') };
}

function buildTask(src: Source, base: NodeBase, c: Classified, scope: Scope, opts: ListOpts): Task {
  const action = c.action!;
  const { notify: inherited, ...extra } = base.extra;
  const argsEntry = c.keywords.find((e) => e.key === 'args');
  const task: Task = {
    kind: 'task',
    ...base,
    module: action.name,
    args: actionArgs(src, action, argsEntry, scope.modules),
    // From an enclosing block or an include's apply; the task's own notify replaces it.
    notify: Array.isArray(inherited) ? [...(inherited as string[])] : [],
    listen: [],
    extra,
  };
  for (const e of c.keywords) readTaskKeyword(src, e, task, opts);
  const loop = readLoop(src, c.keywords, extra);
  if (loop) task.loop = loop;
  if (extra.timeout !== undefined) {
    task.timeout = extra.timeout as number | string;
    delete extra.timeout;
  }
  checkLookupCalls([task.args, task.loop?.items, task.when, task.changedWhen, task.failedWhen, task.until, task.vars], base.pos);
  if (task.module === 'meta') checkMeta(task, action.pos);
  else if (scope.modules.validate && scope.modules.has(task.module)) {
    scope.modules.validate(task.module, task.args, action.pos);
  }
  return task;
}

function readTaskKeyword(src: Source, e: Entry, task: Task, opts: ListOpts): void {
  const f = field(src, e);
  switch (e.key) {
    case 'register':
      task.register = registerName(src, e);
      return;
    case 'changed_when':
      task.changedWhen = toConds(f);
      return;
    case 'failed_when':
      task.failedWhen = toConds(f);
      return;
    case 'until':
      task.until = toConds(f);
      return;
    case 'retries':
    case 'delay':
    case 'async':
    case 'poll':
      task[e.key] = toNumOrStr(f);
      return;
    case 'notify':
      task.notify = toStrList(f);
      return;
    case 'listen':
      if (!opts.handler) throw new UserError("'listen' is only valid on handlers", f.pos);
      task.listen = toStrList(f);
      return;
    default:
      // args, loop keywords and loop_control are read with the action and the loop.
      if (e.key === 'args' || e.key === 'loop_control' || isLoopKey(e.key)) return;
      throw new UserError(`'${e.key}' is not valid here`, f.pos);
  }
}

function checkMeta(task: Task, pos: Pos): void {
  const what = task.args._raw_params;
  if (typeof what !== 'string' || !META_ACTIONS.includes(what)) {
    throw new UserError(withHint(`unknown meta action '${String(what ?? '')}'`, String(what ?? ''), META_ACTIONS), pos);
  }
}
