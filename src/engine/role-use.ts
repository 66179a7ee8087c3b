/**
 * ansible-core's "role has already run" for import_role and include_role:
 * uses with the same key are one role (its role cache), whose tasks a host
 * skips silently once it has been through the role, unless the last
 * `allow_duplicates` written for it (default true) allows them.
 */
import type { Handler, RoleUse, TaskNode } from '../model/index.js';
import type { PlayContext } from './context.js';

export interface UseState {
  allow: boolean;
  /** Hosts that went through the role to its end. */
  completed: Set<string>;
  /** include_role: the handlers of the first load, which later loads share. */
  handlers?: Handler[];
}

const states = new WeakMap<PlayContext, Map<string, UseState>>();

/** The play's state of one role use, made with `allow` when first seen. */
export function useState(pc: PlayContext, key: string, allow: boolean): UseState {
  let byKey = states.get(pc);
  if (!byKey) states.set(pc, (byKey = new Map()));
  let st = byKey.get(key);
  if (!st) byKey.set(key, (st = { allow, completed: new Set() }));
  return st;
}

/**
 * The play's import_role uses by key, found once: an include_role of the
 * same use, even one reached before the import, shares its handlers.
 */
export function importedUse(pc: PlayContext, key: string): RoleUse | undefined {
  let found = imported.get(pc);
  if (!found) {
    found = new Map();
    const walk = (nodes: TaskNode[]): void => {
      for (const n of nodes) {
        const use = n.extra._roleUse as RoleUse | undefined;
        if (use && !found!.has(use.key)) found!.set(use.key, use);
        if (n.kind === 'block') walk([...n.block, ...n.rescue, ...n.always]);
      }
    };
    for (const s of pc.play.sections) walk(s.tasks);
    imported.set(pc, found);
  }
  return found.get(key);
}

const imported = new WeakMap<PlayContext, Map<string, RoleUse>>();

/** The hosts that run a top-level node of an imported role. */
export function hostsForUse(pc: PlayContext, node: TaskNode, hosts: string[]): string[] {
  const use = node.extra._roleUse as RoleUse | undefined;
  if (!use) return hosts;
  const st = useState(pc, use.key, use.allowDuplicates);
  return unlessRun(st, hosts);
}

/** After an imported role's last node: its hosts have been through the role. */
export function endOfUse(pc: PlayContext, node: TaskNode, hosts: string[]): void {
  const use = node.extra._roleUse as RoleUse | undefined;
  if (use && node.extra._roleUseEnd) completed(pc, useState(pc, use.key, use.allowDuplicates), hosts);
}

/** Hosts that may run the role now. */
export function unlessRun(st: UseState, hosts: string[]): string[] {
  return st.allow ? hosts : hosts.filter((h) => !st.completed.has(h));
}

/** Marks the hosts still in the play as through the role. */
export function completed(pc: PlayContext, st: UseState, hosts: string[]): void {
  for (const h of hosts) if (pc.hosts.get(h)!.active) st.completed.add(h);
}
