/**
 * What a parent (play, block, role, import) hands down to the nodes under it,
 * and reading the keywords common to every node.
 */
import type { NodeBase, Pos, Role, Handler, RoleUse, TaskNode, Vars } from '../model/index.js';
import {
  field,
  toBool,
  toBoolOrTemplate,
  toConds,
  toInt,
  toMap,
  toNumOrStr,
  toStr,
  toTags,
  union,
  type Cond,
  type Field,
} from './coerce.js';
import { BASE_KEYWORDS } from './keywords.js';
import { checkBecomeMethod, checkConnection, readCollections, readModuleDefaults, refuseIfUnsupported } from './keyword-values.js';
import type { ModuleInfo, Vault } from '../model/index.js';
import { toValue, type Entry, type Source, type YNode } from './source.js';

/** Keywords inherited by children when they do not set them. */
export interface Inherited {
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  ignoreErrors?: boolean | string;
  ignoreUnreachable?: boolean;
  environment?: Vars;
  noLog?: boolean | string;
  checkMode?: boolean | string;
  runOnce?: boolean;
  delegateTo?: string;
  throttle?: number;
  /** Other inheritable keywords, as written (connection, remote_user, timeout…). */
  extra: Vars;
}

/** Whether the list being read is `handlers:`. */
export interface ListOpts {
  handler?: boolean;
}

/**
 * Reads a list of tasks (task.ts's `parseTaskList`). Imports and roles
 * read task files through the scope, so they need not import task.ts,
 * which imports them: the loader's recursion is not an import circle.
 */
export type TaskListParser = (src: Source, node: YNode | null, scope: Scope, owner: { what: string; pos: Pos }, opts?: ListOpts) => TaskNode[];

/** Where the loader is and what it inherits. */
export interface Scope {
  /** Directory that relative `import_tasks`/`include_tasks` paths start from. */
  baseDir: string;
  playbookDir: string;
  rolesPath: string[];
  /** Collection roots searched for FQCN roles (`ns.coll.role`). */
  collectionsPath: string[];
  modules: ModuleInfo;
  role?: Role;
  when: Cond[];
  tags: string[];
  vars: Vars;
  kw: Inherited;
  /** Where handlers of statically imported roles go. */
  handlers: Handler[];
  /** The play's import_role uses by key: a use seen again shares its flag and its handlers. */
  roleUses?: Map<string, RoleUse>;
  /** Absolute paths of files being imported, to catch import cycles. */
  stack: string[];
  parseTasks: TaskListParser;
  /** Opens vault-encrypted files and `!vault` values (the CLI's keyring). */
  vault?: Vault;
}

type Setter = (n: NodeBase, f: Field) => void;

// Keywords that map onto NodeBase fields; the rest of BASE_KEYWORDS go to extra.
const SETTERS: Record<string, Setter> = {
  name: (n, f) => (n.name = toStr(f)),
  become: (n, f) => (n.become = toBool(f)),
  become_user: (n, f) => (n.becomeUser = toStr(f)),
  become_method: (n, f) => (n.becomeMethod = checkBecomeMethod(f)),
  ignore_errors: (n, f) => (n.ignoreErrors = toBoolOrTemplate(f)),
  ignore_unreachable: (n, f) => (n.ignoreUnreachable = toBool(f)),
  no_log: (n, f) => (n.noLog = toBoolOrTemplate(f)),
  check_mode: (n, f) => (n.checkMode = toBoolOrTemplate(f)),
  run_once: (n, f) => (n.runOnce = toBool(f)),
  delegate_to: (n, f) => (n.delegateTo = toStr(f)),
  throttle: (n, f) => (n.throttle = toInt(f)),
};

const BASE_SET: ReadonlySet<string> = new Set(BASE_KEYWORDS);

// NodeBase fields a child takes from its parent when it does not set them.
const INHERITED = [
  'become', 'becomeUser', 'becomeMethod', 'ignoreErrors', 'ignoreUnreachable',
  'noLog', 'checkMode', 'runOnce', 'delegateTo', 'throttle',
] as const;

/**
 * Reads the common keywords of a node and combines them with what the scope
 * passes down. Returns the node base and the entries it did not consume.
 */
export function readBase(src: Source, ents: Entry[], scope: Pick<Scope, 'when' | 'tags' | 'vars' | 'kw' | 'role'>, pos: Pos): { base: NodeBase; rest: Entry[] } {
  const own: NodeBase = { pos, when: [], tags: [], vars: {}, extra: {} };
  const rest: Entry[] = [];
  let env: Vars | undefined;
  for (const e of ents) {
    if (!BASE_SET.has(e.key)) {
      rest.push(e);
      continue;
    }
    const f = field(src, e);
    refuseIfUnsupported(f);
    const set = SETTERS[e.key];
    if (set) set(own, f);
    else if (e.key === 'when') own.when = toConds(f);
    else if (e.key === 'tags') own.tags = toTags(f);
    else if (e.key === 'vars') own.vars = toMap(f);
    else if (e.key === 'environment') env = readEnvironment(f, own);
    else if (e.key === 'timeout') own.extra.timeout = toNumOrStr(f);
    else if (e.key === 'module_defaults') own.extra.module_defaults = readModuleDefaults(f);
    else if (e.key === 'collections') own.extra.collections = readCollections(f);
    else if (e.key === 'connection') own.extra.connection = checkConnection(f);
    else own.extra[e.key] = toValue(src, e.value);
  }
  const kw = scope.kw;
  const base: NodeBase = {
    pos,
    when: scope.when.length ? [...scope.when, ...own.when] : own.when,
    tags: union(scope.tags, own.tags),
    vars: hasKeys(own.vars) ? { ...scope.vars, ...own.vars } : { ...scope.vars },
    extra: hasKeys(kw.extra) ? { ...kw.extra, ...own.extra } : own.extra,
  };
  // A child's module_defaults replace its parent's per module, not as a whole (ansible-core's update order).
  if (own.extra.module_defaults && kw.extra.module_defaults) {
    base.extra.module_defaults = { ...(kw.extra.module_defaults as Vars), ...(own.extra.module_defaults as Vars) };
  }
  if (own.name !== undefined) base.name = own.name;
  if (scope.role) base.role = scope.role;
  // Only defined fields are set, so nodes stay small and compare cleanly.
  const b = base as unknown as Record<string, unknown>;
  const o = own as unknown as Record<string, unknown>;
  const k = kw as unknown as Record<string, unknown>;
  for (const f of INHERITED) {
    const v = o[f] ?? k[f];
    if (v !== undefined) b[f] = v;
  }
  mergeEnvironment(base, kw, own, env);
  return { base, rest };
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * Mappings merge at load (innermost wins). Once a level gives a template
 * (`environment: "{{ proxy_env }}"`), which only the engine can render, the
 * whole chain goes to `extra.environment` as layers, outermost first (a lone
 * template stays a string), so the engine merges them in the same order.
 */
function mergeEnvironment(base: NodeBase, kw: Inherited, own: NodeBase, env: Vars | undefined): void {
  const ownTemplate = own.extra.environment as string | undefined;
  const inheritedLayers = kw.extra.environment;
  if (ownTemplate === undefined && inheritedLayers === undefined) {
    const environment = env && kw.environment ? { ...kw.environment, ...env } : (env ?? kw.environment);
    if (environment) base.environment = environment;
    return;
  }
  const parent: Array<Vars | string> =
    inheritedLayers === undefined ? (kw.environment ? [kw.environment] : []) : Array.isArray(inheritedLayers) ? inheritedLayers : [inheritedLayers as string];
  const layers = [...parent, ...(env ? [env] : []), ...(ownTemplate !== undefined ? [ownTemplate] : [])];
  base.extra.environment = layers.length === 1 && typeof layers[0] === 'string' ? layers[0] : layers;
}

// A template is kept in extra.environment for the engine to render.
function readEnvironment(f: Field, own: NodeBase): Vars | undefined {
  const v = toValue(f.src, f.node);
  if (typeof v === 'string') {
    own.extra.environment = v;
    return undefined;
  }
  return toMap(f);
}

/** What a node passes to its children. */
export function inheritedFrom(n: NodeBase): Inherited {
  return compact({
    become: n.become,
    becomeUser: n.becomeUser,
    becomeMethod: n.becomeMethod,
    ignoreErrors: n.ignoreErrors,
    ignoreUnreachable: n.ignoreUnreachable,
    environment: n.environment,
    noLog: n.noLog,
    checkMode: n.checkMode,
    runOnce: n.runOnce,
    delegateTo: n.delegateTo,
    throttle: n.throttle,
    extra: { ...n.extra },
  });
}

/** The scope under a node (a block, a role entry, an import). */
export function childScope(scope: Scope, n: NodeBase): Scope {
  return { ...scope, when: n.when, tags: n.tags, vars: n.vars, kw: inheritedFrom(n) };
}

/** Drops undefined fields so nodes print and compare cleanly. */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}
