import type { Include, TaskNode, Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import path from 'node:path';
import { evalCond, markUnsafe, pyStr, render } from '../template/index.js';
import type { Frame, PlayContext } from './context.js';
import { addPublicRoles, scopeFor } from './scope.js';
import { emitStarts, stepName, type RunMode } from './task.js';
import { stepAllows } from './step.js';
import { loopItems, loopRun, loopVars, warnLoopVarInUse } from './loop.js';
import { sleep } from './sleep.js';
import { completed, importedUse, unlessRun, useState, type UseState } from './role-use.js';
import { toBool } from '../modules/args.js';

/** One include as reached by one host: what to load and the vars it adds. */
interface Instance {
  key: string;
  target: string;
  vars: Vars;
  /** The loop item's label, for the `included: … => (item=…)` line. */
  label?: string;
}

const CONTROL_ARGS = new Set(['file', '_raw_params', 'name', 'apply', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'public', 'allow_duplicates', 'rolespec_validate']);

/**
 * How deep dynamic includes may nest. ansible-core 2.14 has no limit of its
 * own for include_tasks (a file that includes itself runs until memory runs
 * out) and stops role recursion at Python's recursion limit ("Exceeded
 * maximum object depth"); a real playbook nests a handful deep.
 */
export const MAX_INCLUDE_DEPTH = 100;

/** Runs loaded tasks over hosts: `runNodes`, handed in by nodes.ts (which calls runInclude: no import circle). */
export type RunNodes = (pc: PlayContext, nodes: TaskNode[], hosts: string[], frame: Frame, mode: RunMode) => Promise<void>;

/**
 * include_tasks / include_role, resolved when reached (ansible-core's
 * dynamic includes): each host renders the target and loop, hosts that
 * include the same file run it together, and the include's params and
 * loop item reach the included tasks through the frame.
 */
export async function runInclude(pc: PlayContext, inc: Include, hosts: string[], frame: Frame, mode: RunMode, runNodes: RunNodes): Promise<void> {
  const depth = (mode.includeDepth ?? 0) + 1;
  if (depth > MAX_INCLUDE_DEPTH) {
    throw new UserError(
      `${inc.action} nested more than ${MAX_INCLUDE_DEPTH} deep: this may have been caused by a file that includes itself (directly or through others)`,
      inc.pos,
    );
  }
  // ansible-core names an unnamed include_role `include_role : <role>`.
  const fallback = inc.name ?? (inc.action === 'include_role' ? `include_role : ${inc.target}` : inc.action);
  if (pc.opts.step && !(await stepAllows(pc, stepName(pc, inc, hosts[0], frame, fallback), mode.handler))) return;
  const refs = pc.ids.reachAll(hosts, inc, inc.action, fallback, mode.handler);
  emitStarts(pc, refs.values(), mode.handler ? 'handler.start' : 'task.start');
  const perHost = new Map<string, Instance[]>();
  // loop_control.pause: ansible-core sleeps between the include's items, every host at once.
  let pauseMs = 0;
  for (const host of hosts) {
    const ref = refs.get(host)!;
    pc.opts.emit({ type: 'host.start', task: ref, host });
    try {
      const { list, waitMs, registered } = instancesFor(pc, inc, host, frame);
      pauseMs = Math.max(pauseMs, waitMs);
      if (inc.register) pc.hosts.get(host)!.hostFacts[inc.register] = markUnsafe(registered);
      perHost.set(host, list);
      if (list.length) {
        // `included` names each file with its item, for ansible-core's `included: <file> for <host>` lines.
        const included = inc.action === 'include_tasks' ? { included: list.map((i) => ({ file: path.resolve(inc.baseDir, i.target), ...(i.label === undefined ? {} : { item: i.label }) })) } : {};
        pc.opts.emit({ type: 'host.ok', task: ref, host, changed: false, result: { include: list.map((i) => i.target), ...included } });
      } else {
        pc.opts.emit({ type: 'host.skipped', task: ref, host, result: { skip_reason: 'Conditional result was False' } });
      }
    } catch (err) {
      const st = pc.hosts.get(host)!;
      st.fail();
      st.lastFailure = { task: { name: ref.name, path: ref.path, action: inc.action }, result: { failed: true, msg: (err as Error).message }, ref };
      pc.opts.emit({ type: 'host.failed', task: ref, host, result: { failed: true, msg: (err as Error).message }, ignored: false });
    }
  }
  if (pauseMs > 0) await sleep(pauseMs, pc.opts.control.signal);
  const rounds = Math.max(0, ...[...perHost.values()].map((l) => l.length));
  for (let i = 0; i < rounds; i++) {
    const groups = new Map<string, string[]>();
    for (const [host, list] of perHost) {
      const inst = list[i];
      if (inst && pc.hosts.get(host)!.active) groups.set(inst.key, [...(groups.get(inst.key) ?? []), host]);
    }
    for (const group of groups.values()) {
      const first = perHost.get(group[0])![i];
      const { nodes, use } = await load(pc, inc, first.target);
      // A host that has been through this role already skips it, unless duplicates are allowed.
      const run = use ? unlessRun(use, group) : group;
      if (!run.length) continue;
      const sub = new Map(frame);
      for (const h of run) sub.set(h, { ...(frame.get(h) ?? {}), ...perHost.get(h)![i].vars });
      await runNodes(pc, nodes, run, sub, { ...mode, includeDepth: depth });
      if (use) completed(pc, use, run);
    }
  }
}

/** The instances one host includes, and how long the loop's pauses take. */
function instancesFor(pc: PlayContext, inc: Include, host: string, frame: Frame): { list: Instance[]; waitMs: number; registered: Vars } {
  const scope = scopeFor(pc, host, inc, frame);
  if (!inc.loop) {
    if (!inc.when.every((c) => evalCond(c, scope, inc.pos))) return { list: [], waitMs: 0, registered: { ...SKIPPED } };
    const one = instance(inc, scope, {});
    return { list: [one], waitMs: 0, registered: { changed: false, ...includeResult(inc, one.target, scope) } };
  }
  const out: Instance[] = [];
  const items: Vars[] = [];
  const run = loopRun(inc, loopItems(inc, scope), scope);
  if (run.items.length) warnLoopVarInUse(pc, inc, scope);
  run.items.forEach((_item, index) => {
    const vars = loopVars(run, index);
    const s = { ...scope, ...vars };
    const loopKeys = { ...vars };
    // The included tasks get the loop var, the index var and ansible_loop, as
    // ansible-core's IncludedFile passes them; not ansible_loop_var/ansible_index_var.
    delete vars.ansible_loop_var;
    delete vars.ansible_index_var;
    if (!inc.when.every((c) => evalCond(c, s, inc.pos))) {
      items.push({ ...loopKeys, ...SKIPPED });
      return;
    }
    const label = run.spec.label === undefined ? _item : render(run.spec.label, s, inc.pos);
    const one = instance(inc, s, vars);
    out.push({ ...one, label: pyStr(label) });
    items.push({ ...loopKeys, ...includeResult(inc, one.target, s) });
  });
  const skipped = items.every((r) => r.skipped === true);
  const registered = { changed: false, msg: skipped ? 'All items skipped' : 'All items completed', results: items, skipped };
  return { list: out, waitMs: run.pause * 1000 * Math.max(0, run.items.length - 1), registered };
}

const SKIPPED = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };

/** What `register:` holds for one include, as ansible-core 2.14 registers it: the file and the args as given. */
function includeResult(inc: Include, target: string, scope: Vars): Vars {
  const args: Vars = inc.action === 'include_role' ? { name: target } : {};
  for (const [k, v] of Object.entries(inc.args)) args[k] = render(v, scope, inc.pos);
  return inc.action === 'include_tasks' ? { include: target, include_args: args } : { include_args: args };
}

function instance(inc: Include, scope: Vars, loopVars: Vars): Instance {
  const target = String(render(inc.target, scope, inc.pos));
  // The include's own `vars:` and extra args are ansible-core's "include params".
  const params: Vars = { ...(render(inc.vars, scope, inc.pos) as Vars) };
  for (const [k, v] of Object.entries(inc.args)) if (!CONTROL_ARGS.has(k)) params[k] = render(v, scope, inc.pos);
  const vars = { ...params, ...loopVars };
  return { key: `${target}\u0000${JSON.stringify(vars)}`, target, vars };
}

async function load(pc: PlayContext, inc: Include, target: string): Promise<{ nodes: TaskNode[]; use?: UseState }> {
  if (inc.action === 'include_tasks') return { nodes: await pc.opts.loader.includeTasks(inc, target, pc.handlers) };
  const loaded = await pc.opts.loader.includeRole(inc, target, pc.handlers);
  const use = loaded.useKey === undefined ? undefined : useState(pc, loaded.useKey, true);
  // ansible-core sets the role's flag at each include_role (default true).
  if (use) use.allow = inc.args.allow_duplicates === undefined || toBool(inc.args.allow_duplicates);
  // The same role use keeps its first handlers, so a notify reaches them once.
  const handlers = use?.handlers ?? (loaded.useKey === undefined ? undefined : importedUse(pc, loaded.useKey)?.handlers) ?? loaded.handlers;
  if (use) use.handlers = handlers;
  for (const h of handlers) if (!pc.handlers.includes(h)) pc.handlers.push(h);
  if (inc.args.public !== undefined && toBool(inc.args.public)) addPublicRoles(pc, loaded.tasks);
  return { nodes: loaded.tasks, use };
}
