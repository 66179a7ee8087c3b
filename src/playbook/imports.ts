/**
 * `import_tasks` and `import_role` (expanded at load time) and
 * `include_tasks` / `include_role` (kept as Include nodes for the engine).
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError, withHint, type Include, type NodeBase, type Pos, type RoleUse, type TaskNode, type Vars } from '../model/index.js';
import { actionArgs, type Classified } from './action.js';
import { toBool } from '../template/filters.js';
import { field, toStrList } from './coerce.js';
import { registerName } from './identifier.js';
import { BASE_KEYWORDS } from './keywords.js';
import { isLoopKey, readLoop } from './loop.js';
import { loadRoleIn, markUse } from './role.js';
import { childScope, inheritedFrom, readBase, type Inherited, type ListOpts, type Scope } from './scope.js';
import { asMap, displayPath, entries, kindOf, posOf, readYaml, type Entry, type Source } from './source.js';

/** What tasks brought in by a dynamic include inherit; kept in `Include.extra._inherit`. */
export interface IncludeInherit {
  tags: string[];
  when: Array<string | boolean>;
  vars: Vars;
  keywords: Inherited;
}

const ROLE_OPTIONS = [
  'name',
  'tasks_from',
  'vars_from',
  'defaults_from',
  'handlers_from',
  'allow_duplicates',
  'public',
  'rolespec_validate',
  'apply',
];
const TASKS_OPTIONS = ['file', 'apply'];

/** `import_tasks: file.yml`: the file's tasks, inheriting the import's keywords. */
export function importTasks(src: Source, base: NodeBase, c: Classified, scope: Scope, opts: ListOpts): TaskNode[] {
  const action = c.action!;
  refuseKeywords(src, c, 'import_tasks');
  const args = actionArgs(src, action, undefined, scope.modules);
  refuseApply(args, 'import_tasks', action.pos);
  checkOptions(args, TASKS_OPTIONS.filter((o) => o !== 'apply'), 'import_tasks', action.pos);
  const file = args.file ?? args._raw_params;
  if (typeof file !== 'string' || !file) throw new UserError("'import_tasks' needs a file name", action.pos);
  if (/\{\{|\{%/.test(file)) {
    throw new UserError(
      `'import_tasks' is resolved when the playbook loads, so its file name cannot use variables ('${file}'); use 'include_tasks'`,
      action.pos,
    );
  }
  const abs = findTaskFile(scope, src, file, action.pos, 'import_tasks');
  return readTaskFile(abs, childScope(scope, base), action.pos, opts);
}

/** Reads a task file under `scope`; used by imports and by `loadTaskFile`. */
export function readTaskFile(abs: string, scope: Scope, from: Pos | undefined, opts: ListOpts = {}): TaskNode[] {
  if (scope.stack.includes(abs)) {
    const chain = [...scope.stack.slice(scope.stack.indexOf(abs)), abs].map(displayPath).join(' → ');
    throw new UserError(`import cycle: ${chain}`, from);
  }
  const src = readYaml(abs, from, scope.vault);
  const inner: Scope = { ...scope, baseDir: scope.role ? scope.baseDir : src.dir, stack: [...scope.stack, abs] };
  const what = `task file ${src.file}`;
  return inner.parseTasks(src, src.root, inner, { what, pos: posOf(src, src.root) }, opts);
}

/**
 * A task file named relative to the role's `tasks/` dir (inside a role) or
 * the including file's dir.
 */
function findTaskFile(scope: Scope, src: Source, file: string, pos: Pos, what: string): string {
  const tried = path.isAbsolute(file) ? [file] : [...new Set([path.resolve(scope.baseDir, file), path.resolve(src.dir, file)])];
  for (const p of tried) if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  throw new UserError(`${what}: cannot find '${file}' (looked for ${tried.map(displayPath).join(', ')})`, pos);
}

/** `import_role: {name: x, tasks_from: y}`: the role's tasks, inline. */
export function importRole(src: Source, base: NodeBase, c: Classified, scope: Scope): TaskNode[] {
  const action = c.action!;
  refuseKeywords(src, c, 'import_role');
  const args = actionArgs(src, action, undefined, scope.modules);
  refuseApply(args, 'import_role', action.pos);
  checkOptions(args, ROLE_OPTIONS.filter((o) => o !== 'apply'), 'import_role', action.pos);
  const name = args.name;
  if (typeof name !== 'string' || !name) throw new UserError("'import_role' needs a role 'name'", action.pos);
  const loaded = loadRoleIn(childScope(scope, base), {
    name,
    params: {},
    pos: action.pos,
    tasksFrom: str(args.tasks_from),
    varsFrom: str(args.vars_from),
    defaultsFrom: str(args.defaults_from),
    handlersFrom: str(args.handlers_from),
    fromInclude: true,
  });
  if (!loaded) return [];
  const key = roleUseKey(loaded.role.dir, base.vars, args);
  const prior = scope.roleUses?.get(key);
  const use: RoleUse = prior ?? { key, allowDuplicates: true };
  // ansible-core sets the shared role's flag at each import: the last one written wins.
  use.allowDuplicates = args.allow_duplicates === undefined ? true : toBool(args.allow_duplicates);
  scope.roleUses?.set(key, use);
  // The same role use has the same handlers: a notify reaches them once.
  if (!prior) {
    scope.handlers.push(...loaded.handlers);
    use.handlers = loaded.handlers;
  }
  // Its dependencies' tasks are marked as their own roles already.
  return [...loaded.tasks.slice(0, loaded.depTasks), ...markUse(loaded.tasks.slice(loaded.depTasks), use)];
}

/** `apply` is for includes; ansible-core lets an empty one through on an import. */
function refuseApply(args: Vars, kind: string, pos: Pos): void {
  const a = args.apply;
  const empty = a == null || a === '' || a === false || (typeof a === 'object' && Object.keys(a as object).length === 0);
  if (!empty) throw new UserError(`Invalid options for ${kind}: apply`, pos);
  delete args.apply;
}

/**
 * ansible-core's role cache key for import_role and include_role: the role,
 * the use's vars and the basenames of its `*_from` files.
 */
export function roleUseKey(dir: string, vars: Vars, args: Vars): string {
  const from = Object.fromEntries(FROM_OPTIONS.filter((k) => args[k] != null).map((k) => [k, path.basename(String(args[k]))]));
  return JSON.stringify([dir, vars, from]);
}

const FROM_OPTIONS = ['tasks_from', 'vars_from', 'defaults_from', 'handlers_from'];

const str = (v: unknown): string | undefined => (v == null ? undefined : String(v));

/**
 * `include_tasks` / `include_role`: an Include node. Its own tags and `when`
 * apply to the include only; the included tasks get the parent's, plus
 * `apply:` (stored in `extra._inherit`).
 */
export function includeNode(src: Source, base: NodeBase, c: Classified, scope: Scope, opts: ListOpts = {}): Include {
  const action = c.action!;
  const kind = action.name as Include['action'];
  let listen: string[] | undefined;
  let register: string | undefined;
  for (const e of c.keywords) {
    // An include_tasks handler may listen, as any handler.
    if (e.key === 'listen' && opts.handler) listen = toStrList(field(src, e));
    else if (e.key === 'register') register = registerName(src, e);
    else if (e.key !== 'args' && e.key !== 'loop_control' && !isLoopKey(e.key)) {
      throw new UserError(`'${e.key}' is not a valid attribute for ${kind}`, posOf(src, e.keyNode));
    }
  }
  const argsEntry = c.keywords.find((e) => e.key === 'args');
  const args = actionArgs(src, action, argsEntry, scope.modules);
  const isRole = kind === 'include_role';
  checkOptions(args, isRole ? ROLE_OPTIONS : TASKS_OPTIONS, kind, action.pos);
  const target = isRole ? args.name : (args.file ?? args._raw_params);
  if (typeof target !== 'string' || !target) {
    throw new UserError(`'${kind}' needs ${isRole ? "a role 'name'" : 'a file name'}`, action.pos);
  }
  delete args.name;
  delete args.file;
  delete args._raw_params;
  const applyEntry = findApply(src, [action.entry, argsEntry]);
  const extra = { ...base.extra, _inherit: inheritForInclude(src, base, scope, applyEntry) };
  const node: Include = {
    kind: 'include',
    ...base,
    action: kind,
    target,
    baseDir: scope.baseDir,
    args,
    extra,
  };
  const loop = readLoop(src, c.keywords, extra);
  if (loop) node.loop = loop;
  if (listen) node.listen = listen;
  if (register) node.register = register;
  return node;
}

// The parent's tags/when/keywords, with `apply:` on top; vars are the include's.
function inheritForInclude(src: Source, base: NodeBase, scope: Scope, applyNode: Entry | undefined): IncludeInherit {
  if (!applyNode) return { tags: scope.tags, when: scope.when, vars: base.vars, keywords: scope.kw };
  const map = asMap(src, applyNode.value)!;
  // apply is a Block in ansible-core: its keywords, notify included; `block` itself is dropped there.
  const ents = entries(src, map).filter((e) => e.key !== 'block');
  const accepted = [...BASE_KEYWORDS, 'notify'];
  for (const e of ents) {
    if (!accepted.includes(e.key)) {
      throw new UserError(withHint(`'${e.key}' is not a valid attribute for a Block (in 'apply')`, e.key, accepted), posOf(src, e.keyNode));
    }
  }
  const applied = readBase(src, ents.filter((e) => e.key !== 'notify'), scope, posOf(src, applyNode.keyNode)).base;
  const notify = ents.find((e) => e.key === 'notify');
  if (notify) applied.extra.notify = toStrList(field(src, notify));
  return { tags: applied.tags, when: applied.when, vars: { ...base.vars, ...applied.vars }, keywords: inheritedFrom(applied) };
}

/** The `apply:` entry, written in the include's mapping or under `args:`. */
function findApply(src: Source, holders: Array<Entry | undefined>): Entry | undefined {
  for (const h of holders) {
    const map = h && asMap(src, h.value);
    const e = map ? entries(src, map).find((x) => x.key === 'apply') : undefined;
    if (!e) continue;
    if (!asMap(src, e.value)) throw new UserError(`Expected a dict for apply but got ${kindOf(e.value)} instead`, posOf(src, e.keyNode));
    return e;
  }
  return undefined;
}

function refuseKeywords(src: Source, c: Classified, what: 'import_tasks' | 'import_role'): void {
  for (const e of c.keywords) {
    const pos = posOf(src, e.keyNode);
    if (isLoopKey(e.key)) {
      const dynamic = what === 'import_tasks' ? 'include_tasks' : 'include_role';
      throw new UserError(`You cannot use loops on '${what}' statements. You should use '${dynamic}' instead.`, pos);
    }
    throw new UserError(`'${e.key}' is not a valid attribute for ${what}`, pos);
  }
}

function checkOptions(args: Vars, allowed: string[], what: string, pos: Pos): void {
  for (const k of Object.keys(args)) {
    if (k === '_raw_params' || allowed.includes(k)) continue;
    throw new UserError(withHint(`'${what}' has no option '${k}'`, k, allowed), pos);
  }
}
