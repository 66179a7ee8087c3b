/**
 * The playbook loader: YAML with positions → validated plays, tasks, blocks
 * and includes (`src/model/types.ts`). Every error in the user's input is a
 * UserError reading `file:line:col: message`.
 */
import path from 'node:path';
import type { Include, Playbook, Pos, Role, Task, TaskNode, Vars } from '../model/index.js';
import type { Cond } from './coerce.js';
import type { IncludeInherit } from './imports.js';
import { readTaskFile } from './imports.js';
import { registryModules, type ModuleInfo } from './modules.js';
import { loadPlays } from './play.js';
import { loadRoleIn } from './role.js';
import type { Inherited, Scope } from './scope.js';

export type { ModuleInfo } from './modules.js';
export { registryModules } from './modules.js';
export { loadVarsFile } from './vars-file.js';
export { parseKv, splitArgs } from './kv.js';
export type { Inherited } from './scope.js';

export interface LoadOptions {
  /** Extra role directories, searched after `<playbook dir>/roles/`. */
  rolesPath?: string[];
  /** `gather_facts` when a play does not say (ansible-core: true). */
  gatherDefault?: boolean;
  /** Which modules exist; defaults to the registry in `src/modules/`. */
  modules?: ModuleInfo;
}

/**
 * What tasks loaded at run time inherit: from the include (its role, vars)
 * and from its parents (tags, when, keywords), plus `apply:`.
 * Build one from an Include node with `includeContext`.
 */
export interface IncludeContext {
  /** The playbook's dir: roles are searched under it. */
  playbookDir: string;
  rolesPath?: string[];
  modules?: ModuleInfo;
  role?: Role;
  tags?: string[];
  when?: Cond[];
  vars?: Vars;
  keywords?: Partial<Inherited>;
  /** Where includes inside the loaded file are relative to (default: role's tasks dir, else the file's dir). */
  baseDir?: string;
  /** Receives handlers of roles imported (`import_role`) by the loaded tasks. */
  handlers?: Task[];
  /** The include's position, for "cannot read" errors. */
  pos?: Pos;
}

/** Loads a playbook file (following `import_playbook`). */
export function loadPlaybook(file: string, opts: LoadOptions = {}): Playbook {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const plays = loadPlays(abs, {
    mainDir: dir,
    rolesPath: opts.rolesPath ?? [],
    gatherDefault: opts.gatherDefault ?? true,
    modules: opts.modules ?? registryModules,
  });
  return { path: abs, dir, plays };
}

function scopeOf(ctx: IncludeContext, baseDir: string): Scope {
  return {
    baseDir,
    playbookDir: ctx.playbookDir,
    rolesPath: ctx.rolesPath ?? [],
    modules: ctx.modules ?? registryModules,
    role: ctx.role,
    when: ctx.when ?? [],
    tags: ctx.tags ?? [],
    vars: ctx.vars ?? {},
    kw: { ...ctx.keywords, extra: ctx.keywords?.extra ?? {} },
    handlers: ctx.handlers ?? [],
    stack: [],
  };
}

/** Loads a task file for `include_tasks` at run time, applying `ctx` to every task. */
export function loadTaskFile(file: string, ctx: IncludeContext): TaskNode[] {
  const abs = path.resolve(ctx.baseDir ?? ctx.playbookDir, file);
  const baseDir = ctx.baseDir ?? (ctx.role ? path.join(ctx.role.dir, 'tasks') : path.dirname(abs));
  return readTaskFile(abs, scopeOf(ctx, baseDir), ctx.pos);
}

export interface RoleLoadContext extends IncludeContext {
  pos: Pos;
  tasksFrom?: string;
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
}

/**
 * Loads a role (for `include_role` at run time, or any single use): its
 * tasks (meta dependencies first) and handlers, each with `role` set and
 * `ctx` applied. Every call gives the role a new `uid`.
 */
export function loadRole(name: string, params: Vars, ctx: RoleLoadContext): { role: Role; tasks: TaskNode[]; handlers: Task[] } {
  const scope = scopeOf(ctx, ctx.baseDir ?? ctx.playbookDir);
  const loaded = loadRoleIn(scope, {
    name,
    params,
    pos: ctx.pos,
    tasksFrom: ctx.tasksFrom,
    varsFrom: ctx.varsFrom,
    defaultsFrom: ctx.defaultsFrom,
    handlersFrom: ctx.handlersFrom,
  });
  // Without a `seen` set nothing is deduplicated, so a role always loads.
  return loaded!;
}

/**
 * The context for the tasks an Include brings in: the include's parents'
 * tags, `when` and keywords (not the include's own, as in ansible-core),
 * `apply:` on top, and the include's vars and role.
 */
export function includeContext(inc: Include, opts: Pick<IncludeContext, 'playbookDir' | 'rolesPath' | 'modules' | 'handlers'>): IncludeContext {
  const inh = inc.extra._inherit as IncludeInherit | undefined;
  return {
    ...opts,
    role: inc.role,
    tags: inh?.tags ?? [],
    when: inh?.when ?? [],
    vars: inh?.vars ?? inc.vars,
    keywords: inh?.keywords,
    pos: inc.pos,
  };
}
