import type { Handler, Task } from '../model/index.js';
import { UserError } from '../model/index.js';
import { render } from '../template/index.js';
import type { PlayContext } from './context.js';
import { scopeFor } from './scope.js';
import { EMPTY_FRAME } from './context.js';

/** Whether a notify name is this handler's name (or `role : name`). */
function calledBy(h: Handler, name: string): boolean {
  if (!h.name) return false;
  return h.name === name || (h.role !== undefined && `${h.role.name} : ${h.name}` === name);
}

/**
 * Indexes of the play's handlers that a notify name reaches. By name, one
 * handler: as ansible-core searches, the first match of the last group
 * that has one (groups: see playbook/handlers.ts), so a role's handler
 * loaded twice (`roles:` and `import_role`) runs once. By `listen`, all.
 */
export function matchHandlers(pc: PlayContext, name: string): number[] {
  let named = -1;
  let namedGroup: number | undefined;
  const out: number[] = [];
  pc.handlers.forEach((h, i) => {
    if (calledBy(h, name)) {
      // A handler outside any group (never through handlerList) is a group of its own.
      const group = (h.extra._handlerGroup as number | undefined) ?? -1 - i;
      if (named < 0 || group !== namedGroup) [named, namedGroup] = [i, group];
    }
    if (h.listen?.includes(name)) out.push(i);
  });
  if (named >= 0 && !out.includes(named)) out.push(named);
  return out.sort((a, b) => a - b);
}

/** Marks the handlers a changed task notifies on one host. */
export function notify(pc: PlayContext, host: string, task: Task): void {
  if (!task.notify.length) return;
  const st = pc.hosts.get(host)!;
  for (const raw of task.notify) {
    const name = raw.includes('{{') ? String(render(raw, scopeFor(pc, host, task, EMPTY_FRAME), task.pos)) : raw;
    const found = matchHandlers(pc, name);
    if (!found.length) {
      pc.opts.emit({ type: 'warning', message: `${task.pos.file}:${task.pos.line}:${task.pos.col}: the handler '${name}' is not defined in this play` });
    }
    for (const i of found) st.notified.add(i);
  }
}

/**
 * A notify naming no handler is an error before anything runs, as in
 * ansible-core (which only finds out halfway).
 */
export function checkNotifies(pc: PlayContext, tasks: Iterable<Task>): void {
  for (const t of tasks) {
    for (const name of t.notify) {
      if (name.includes('{{')) continue;
      if (!matchHandlers(pc, name).length) {
        throw new UserError(`the handler '${name}' is not defined in this play (handlers: ${pc.handlers.map((h) => h.name ?? '?').join(', ') || 'none'})`, t.pos);
      }
    }
  }
}
