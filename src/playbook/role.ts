/** Roles: finding `roles/<name>`, reading its parts, meta dependencies, dedupe. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError, didYouMean, type Pos, type Role, type Handler, type RoleUse, type TaskNode, type Vars, type Vault } from '../model/index.js';
import { field, toBool, toMap, toStr } from './coerce.js';
import { handlerList } from './handlers.js';
import { ROLE_ENTRY_KEYWORDS } from './keywords.js';
import { childScope, readBase, type Scope } from './scope.js';
import { asMap, asSeq, deref, displayPath, entries, kindOf, posOf, readYaml, toValue, type Source, type YNode } from './source.js';
import { loadVarsFile } from './vars-file.js';

/** One use of a role: from `roles:`, a meta dependency, or import/include_role. */
export interface RoleRequest {
  name: string;
  params: Vars;
  pos: Pos;
  /** `vars:` written on a `roles:` entry. */
  entryVars?: Vars;
  tasksFrom?: string;
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  /** Params, vars, tags and when as written on the entry: two entries alike are one role use. */
  identity?: string;
  /** import_role / include_role: the caller marks the role's own tasks (see RoleUse). */
  fromInclude?: boolean;
}

export interface LoadedRole {
  role: Role;
  /** Dependencies' tasks first, then the role's own. */
  tasks: TaskNode[];
  /** How many of `tasks` are the dependencies'. */
  depTasks: number;
  handlers: Handler[];
}

let nextUid = 1;

/**
 * Loads a role under `scope` (whose tags, when and keywords its tasks
 * inherit). With `seen`, a role already loaded with the same params in this
 * play is skipped (returns undefined) unless its meta allows duplicates.
 */
export function loadRoleIn(scope: Scope, req: RoleRequest, seen?: Set<string>, chain: string[] = []): LoadedRole | undefined {
  const dir = findRole(req.name, scope, req.pos);
  if (chain.includes(dir)) {
    const names = [...chain.slice(chain.indexOf(dir)), dir].map((d) => path.basename(d)).join(' → ');
    throw new UserError(`role dependency cycle: ${names}`, req.pos);
  }
  const meta = readMeta(dir, req.pos, scope.vault);
  const key = JSON.stringify([dir, req.identity ?? req.params, req.tasksFrom ?? '']);
  if (seen?.has(key) && !meta.allowDuplicates) return undefined;
  seen?.add(key);

  const tasks: TaskNode[] = [];
  const handlers: Handler[] = [];
  for (const dep of meta.deps) {
    const { req: depReq, scope: depScope } = readRoleEntry(meta.src!, dep, { ...scope, role: undefined });
    const loaded = loadRoleIn(depScope, depReq, seen, [...chain, dir]);
    if (loaded) {
      tasks.push(...loaded.tasks);
      handlers.push(...loaded.handlers);
    }
  }

  const role: Role = {
    name: req.name.includes('/') ? path.basename(dir) : req.name,
    dir,
    defaults: readPart(dir, 'defaults', req.defaultsFrom, req.pos, scope.vault),
    vars: { ...req.entryVars, ...readPart(dir, 'vars', req.varsFrom, req.pos, scope.vault) },
    params: req.params,
    uid: nextUid++,
  };
  const roleScope: Scope = { ...scope, role, baseDir: path.join(dir, 'tasks') };
  const depTasks = tasks.length;
  const taskFile = partFile(dir, 'tasks', req.tasksFrom, req.pos);
  const own = taskFile ? readList(taskFile, roleScope, req.pos, false) : [];
  // A role from roles: or a dependency (even of an imported role) is one with
  // every such use of the same key, as in ansible-core's role cache.
  tasks.push(...(req.fromInclude ? own : markUse(own, { key: `role:${key}`, allowDuplicates: meta.allowDuplicates })));
  const handlerFile = partFile(dir, 'handlers', req.handlersFrom, req.pos);
  if (handlerFile) handlers.push(...handlerList(readList(handlerFile, roleScope, req.pos, true)));
  return { role, tasks, depTasks, handlers };
}

/** A role use's top-level tasks, marked for the engine (the last as its end). */
export function markUse(nodes: TaskNode[], use: RoleUse): TaskNode[] {
  return nodes.map((t, i) => ({ ...t, extra: { ...t.extra, _roleUse: use, ...(i === nodes.length - 1 ? { _roleUseEnd: true } : {}) } }));
}

function readList(abs: string, scope: Scope, from: Pos, handler: boolean): TaskNode[] {
  const src = readYaml(abs, from, scope.vault);
  const root = src.root;
  const inner = { ...scope, stack: [...scope.stack, abs] };
  return inner.parseTasks(src, root, inner, { what: `${src.file}`, pos: posOf(src, root) }, { handler });
}

/**
 * A `roles:` or `dependencies:` entry: `name`, or `{role: name, tags, when,
 * vars, param: value}`. Keywords shape the scope; other keys are params.
 */
export function readRoleEntry(src: Source, node: YNode | null, scope: Scope): { req: RoleRequest; scope: Scope } {
  const n = deref(src, node);
  const pos = posOf(src, n);
  const v = toValue(src, n);
  if (typeof v === 'string') return { req: { name: roleName(v, pos), params: {}, pos, identity: JSON.stringify({ params: {}, vars: {} }) }, scope };
  const map = asMap(src, n);
  if (!map) throw new UserError(`a role entry must be a role name or a mapping with 'role:', got ${kindOf(n)}`, pos);
  let name: string | undefined;
  let entryVars: Vars | undefined;
  const keywords = [];
  const params: Vars = {};
  for (const e of entries(src, map)) {
    if (e.key === 'role' || (e.key === 'name' && name === undefined)) name = roleName(toStr(field(src, e)), posOf(src, e.keyNode));
    else if (e.key === 'name') continue;
    else if (e.key === 'vars') entryVars = toMap(field(src, e));
    else if (ROLE_ENTRY_KEYWORDS.has(e.key)) keywords.push(e);
    else params[e.key] = toValue(src, e.value);
  }
  if (!name) throw new UserError("a role entry needs 'role: <name>'", pos);
  const { base } = readBase(src, keywords, scope, pos);
  // As ansible-core hashes a role use: its params plus its own when/tags/vars.
  const own = Object.fromEntries(keywords.filter((e) => e.key === 'when' || e.key === 'tags').map((e) => [e.key, toValue(src, e.value)]));
  const identity = JSON.stringify({ params, vars: entryVars ?? {}, ...own });
  return { req: { name, params, pos, entryVars, identity }, scope: childScope(scope, base) };
}

function roleName(name: string, pos: Pos): string {
  if (/\{\{|\{%/.test(name)) throw new UserError(`role names are resolved when the playbook loads and cannot use variables ('${name}')`, pos);
  if (!name.trim()) throw new UserError('empty role name', pos);
  return name.trim();
}

/** Role search: `<playbook dir>/roles/`, each roles path entry, the playbook dir. */
export function findRole(name: string, scope: Pick<Scope, 'playbookDir' | 'rolesPath' | 'collectionsPath'>, pos: Pos): string {
  const expand = (p: string) => (p.startsWith('~') ? path.join(os.homedir(), p.slice(1)) : p);
  if (name.includes('/') || name.startsWith('.') || name.startsWith('~')) {
    const dir = path.resolve(scope.playbookDir, expand(name));
    if (isDir(dir)) return dir;
    throw new UserError(`role '${name}' not found: ${displayPath(dir)} is not a directory`, pos);
  }
  const fqcn = /^(\w+)\.(\w+)\.(\w+)$/.exec(name);
  if (fqcn) return findCollectionRole(name, fqcn.slice(1), scope.collectionsPath.map(expand), pos);
  const roots = [path.join(scope.playbookDir, 'roles'), ...scope.rolesPath.map((p) => path.resolve(expand(p))), scope.playbookDir];
  for (const root of roots) {
    const dir = path.join(root, name);
    if (isDir(dir)) return dir;
  }
  const known = roots.slice(0, -1).flatMap((r) => (isDir(r) ? fs.readdirSync(r).filter((d) => isDir(path.join(r, d))) : []));
  const hint = didYouMean(name, known);
  const looked = roots.map((r) => displayPath(path.join(r, name))).join(', ');
  throw new UserError(`role '${name}' not found${hint ? ` (did you mean '${hint}'?)` : ''}; looked in: ${looked}`, pos);
}

/**
 * `ns.coll.role`: the collection is `<root>/ansible_collections/ns/coll/`
 * in the first root that has it (a root may already end in
 * `ansible_collections`, as ansible-core allows), and the role must be in
 * that one: as in ansible-core, a collection found earlier hides later
 * copies of it.
 */
function findCollectionRole(name: string, [ns, coll, role]: string[], roots: string[], pos: Pos): string {
  const colls = roots.map((r) => path.join(path.resolve(path.basename(r) === 'ansible_collections' ? r : path.join(r, 'ansible_collections')), ns, coll));
  const found = colls.find(isDir);
  if (found) {
    const dir = path.join(found, 'roles', role);
    if (isDir(dir)) return dir;
    throw new UserError(`role '${name}' not found in collection ${ns}.${coll} (at ${displayPath(found)}): no roles/${role} there`, pos);
  }
  const looked = colls.map(displayPath).join(', ') || 'no collections path is set';
  throw new UserError(`role '${name}' not found: collection ${ns}.${coll} is not installed; looked in: ${looked}`, pos);
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const EXTS = ['.yml', '.yaml', '.json', ''];

/** `<dir>/<part>/main.yml` (or `<from>`); undefined when the default is absent. */
function partFile(dir: string, part: string, from: string | undefined, pos: Pos): string | undefined {
  const stem = path.join(dir, part, from ?? 'main');
  for (const ext of EXTS) {
    const p = stem + ext;
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  }
  if (from) throw new UserError(`role ${path.basename(dir)} has no ${part} file '${from}' (in ${displayPath(path.join(dir, part))})`, pos);
  return undefined;
}

function readPart(dir: string, part: string, from: string | undefined, pos: Pos, vault: Vault | undefined): Vars {
  const file = partFile(dir, part, from, pos);
  return file ? loadVarsFile(file, pos, vault) : {};
}

interface Meta {
  src?: Source;
  deps: YNode[];
  allowDuplicates: boolean;
}

function readMeta(dir: string, pos: Pos, vault: Vault | undefined): Meta {
  const file = partFile(dir, 'meta', undefined, pos);
  if (!file) return { deps: [], allowDuplicates: false };
  const src = readYaml(file, pos, vault);
  const root = src.root;
  if (kindOf(root) === 'nothing') return { src, deps: [], allowDuplicates: false };
  const map = asMap(src, root);
  if (!map) throw new UserError(`role meta must be a mapping, got ${kindOf(root)}`, posOf(src, root));
  const meta: Meta = { src, deps: [], allowDuplicates: false };
  for (const e of entries(src, map)) {
    if (e.key === 'allow_duplicates') meta.allowDuplicates = toBool(field(src, e));
    if (e.key !== 'dependencies' || kindOf(e.value) === 'nothing') continue;
    const seq = asSeq(src, e.value);
    if (!seq) throw new UserError(`'dependencies' must be a list of roles, got ${kindOf(e.value)}`, posOf(src, e.keyNode));
    meta.deps = seq.items;
  }
  return meta;
}
