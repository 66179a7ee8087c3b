/**
 * The playbook loader: YAML with positions → validated plays, tasks, blocks
 * and includes (`src/model/types.ts`). Every error in the user's input is a
 * UserError reading `file:line:col: message`.
 */
import path from 'node:path';
import type { Include, ModuleInfo, Playbook, Pos, Role, Handler, Task, TaskLoader, TaskNode, Vars, Vault } from '../model/index.js';
import type { Cond } from './coerce.js';
import type { IncludeInherit } from './imports.js';
import { readTaskFile, roleUseKey } from './imports.js';
import { loadPlays } from './play.js';
import { loadRoleIn } from './role.js';
import { parseTaskList } from './task.js';
import type { Inherited, Scope } from './scope.js';
import { loadVarsFile } from './vars-file.js';
import { withModules } from './module-checks.js';

export type { ModuleInfo } from '../model/index.js';
export { loadVarsFile };
export { takeYamlWarnings } from './source.js';
export { parseKv, splitArgs } from './kv.js';
export type { Inherited } from './scope.js';

export interface LoadOptions {
  /** Extra role directories, searched after `<playbook dir>/roles/`. */
  rolesPath?: string[];
  /** `collections_path`: where FQCN roles (`ns.coll.role`) are found; `<playbook dir>/collections` is searched first. */
  collectionsPath?: string[];
  /** `gather_facts` when a play does not say (ansible-core: true). */
  gatherDefault?: boolean;
  /** Which modules exist: the CLI passes the registry of `src/modules/`, tests their own. */
  modules: ModuleInfo;
  /** Opens vault-encrypted files and `!vault` values. */
  vault?: Vault;
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
  /** Collection roots, the playbook-adjacent one included (see `collectionRoots`). */
  collectionsPath?: string[];
  modules: ModuleInfo;
  vault?: Vault;
  role?: Role;
  tags?: string[];
  when?: Cond[];
  vars?: Vars;
  keywords?: Partial<Inherited>;
  /** Where includes inside the loaded file are relative to (default: role's tasks dir, else the file's dir). */
  baseDir?: string;
  /** Receives handlers of roles imported (`import_role`) by the loaded tasks. */
  handlers?: Handler[];
  /** The include's position, for "cannot read" errors. */
  pos?: Pos;
}

/**
 * Where collections are looked for: `<playbook dir>/collections` first, then
 * `collections_path` (ansible-core adds the dirs of the playbooks named on the
 * command line, not of imported ones).
 */
export function collectionRoots(playbookDir: string, collectionsPath: string[]): string[] {
  return [path.join(playbookDir, 'collections'), ...collectionsPath];
}

/** Loads a playbook file (following `import_playbook`). */
export function loadPlaybook(file: string, opts: LoadOptions): Playbook {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const plays = loadPlays(abs, {
    mainDir: dir,
    rolesPath: opts.rolesPath ?? [],
    collectionsPath: collectionRoots(dir, opts.collectionsPath ?? []),
    gatherDefault: opts.gatherDefault ?? true,
    modules: opts.modules,
    vault: opts.vault,
  });
  return { path: abs, dir, plays };
}

/**
 * `loadPlaybook` for a registry that loads module code on demand
 * (`ModuleInfo.load`): the code of every module the playbook names is
 * loaded and their args checked, with the same errors in the same order.
 */
export function readPlaybook(file: string, opts: LoadOptions): Promise<Playbook> {
  return withModules(opts.modules, (modules) => loadPlaybook(file, { ...opts, modules }));
}

function scopeOf(ctx: IncludeContext, baseDir: string): Scope {
  return {
    baseDir,
    playbookDir: ctx.playbookDir,
    rolesPath: ctx.rolesPath ?? [],
    collectionsPath: ctx.collectionsPath ?? [],
    modules: ctx.modules,
    role: ctx.role,
    when: ctx.when ?? [],
    tags: ctx.tags ?? [],
    vars: ctx.vars ?? {},
    kw: { ...ctx.keywords, extra: ctx.keywords?.extra ?? {} },
    handlers: ctx.handlers ?? [],
    stack: [],
    parseTasks: parseTaskList,
    vault: ctx.vault,
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
export function loadRole(name: string, params: Vars, ctx: RoleLoadContext): { role: Role; tasks: TaskNode[]; handlers: Handler[] } {
  const scope = scopeOf(ctx, ctx.baseDir ?? ctx.playbookDir);
  const loaded = loadRoleIn(scope, {
    name,
    params,
    pos: ctx.pos,
    tasksFrom: ctx.tasksFrom,
    varsFrom: ctx.varsFrom,
    defaultsFrom: ctx.defaultsFrom,
    handlersFrom: ctx.handlersFrom,
    fromInclude: true,
  });
  // Without a `seen` set nothing is deduplicated, so a role always loads.
  return loaded!;
}

/**
 * The context for the tasks an Include brings in: the include's parents'
 * tags, `when` and keywords (not the include's own, as in ansible-core),
 * `apply:` on top, and the include's vars and role.
 */
export function includeContext(inc: Include, opts: Pick<IncludeContext, 'playbookDir' | 'rolesPath' | 'collectionsPath' | 'modules' | 'handlers' | 'vault'>): IncludeContext {
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

/**
 * What the engine loads at run time (its `loader` option): vars files and
 * dynamic includes, with the playbook's directory, roles path and modules.
 */
export function taskLoader(opts: { playbookDir: string; rolesPath?: string[]; collectionsPath?: string[]; modules: ModuleInfo; vault?: Vault }): TaskLoader {
  const base = {
    playbookDir: opts.playbookDir,
    rolesPath: opts.rolesPath ?? [],
    collectionsPath: collectionRoots(opts.playbookDir, opts.collectionsPath ?? []),
    modules: opts.modules,
    vault: opts.vault,
  };
  // Each file's modules are loaded (and their args checked) as the file is read.
  return {
    varsFile: (file) => loadVarsFile(file, undefined, opts.vault),
    includeTasks: (inc, file, handlers) =>
      withModules(opts.modules, (modules) => loadTaskFile(file, { ...includeContext(inc, { ...base, modules, handlers }), baseDir: inc.baseDir })),
    includeRole: (inc, name, handlers) => withModules(opts.modules, (modules) => {
      const from = (k: string) => (inc.args[k] === undefined ? undefined : String(inc.args[k]));
      const loaded = loadRole(name, {}, {
        ...includeContext(inc, { ...base, modules, handlers }),
        pos: inc.pos,
        tasksFrom: from('tasks_from'),
        varsFrom: from('vars_from'),
        defaultsFrom: from('defaults_from'),
        handlersFrom: from('handlers_from'),
      });
      return { ...loaded, useKey: roleUseKey(loaded.role.dir, inc.vars, inc.args) };
    }),
  };
}
