import type { Task } from '../model/index.js';
import { UserError } from '../model/index.js';
import { render } from '../template/index.js';
import type { PlayContext } from './context.js';
import { scopeFor } from './scope.js';
import { EMPTY_FRAME } from './context.js';

/** Names a handler answers to: its name, `role : name`, and its listen topics. */
function handlerNames(h: Task): string[] {
  const names = [...h.listen];
  if (h.name) {
    names.push(h.name);
    if (h.role) names.push(`${h.role.name} : ${h.name}`);
  }
  return names;
}

/** Indexes of the play's handlers that a notify name reaches. */
export function matchHandlers(pc: PlayContext, name: string): number[] {
  const out: number[] = [];
  pc.handlers.forEach((h, i) => {
    if (handlerNames(h).includes(name)) out.push(i);
  });
  return out;
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
