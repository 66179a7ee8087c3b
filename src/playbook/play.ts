/** Plays: keys, sections, roles, handlers; playbooks and `import_playbook`. */
import fs from 'node:fs';
import path from 'node:path';
import { UserError, withHint, type Play, type Pos, type Handler, type TaskNode, type Vars } from '../model/index.js';
import { ENGINE_ACTIONS, canonicalName } from '../model/index.js';
import { field, toBool, toConds, toMap, toStr, toTags, union, type Cond } from './coerce.js';
import { BASE_KEYWORDS, PLAY_KEYWORDS, TASK_KEYWORDS } from './keywords.js';
import { refuseIfUnsupported } from './keyword-values.js';
import type { ModuleInfo, Vault } from '../model/index.js';
import { handlerList } from './handlers.js';
import { loadRoleIn, readRoleEntry } from './role.js';
import { inheritedFrom, readBase, type Inherited, type Scope } from './scope.js';
import { asMap, asSeq, displayPath, entries, kindOf, posOf, readYaml, toValue, type Entry, type Source, type YMap } from './source.js';
import { parseTaskList } from './task.js';

/** Settings for one playbook load. */
export interface PlayLoad {
  mainDir: string;
  rolesPath: string[];
  collectionsPath: string[];
  gatherDefault: boolean;
  modules: ModuleInfo;
  vault?: Vault;
}

/** What `import_playbook` hands to the plays it imports. */
interface Outer {
  tags: string[];
  when: Cond[];
  vars: Vars;
}

// Handled by parsePlay itself; every other play keyword is kept raw in `keywords`.
const MODELLED = new Set([
  'name', 'hosts', 'vars', 'vars_files', 'roles', 'pre_tasks', 'tasks', 'post_tasks', 'handlers',
  'gather_facts', 'tags', 'become', 'become_user',
]);
const IMPORT_KEYS = ['import_playbook', 'ansible.builtin.import_playbook', 'ansible.legacy.import_playbook'];

/** Reads the plays of a playbook file, following `import_playbook`. */
export function loadPlays(abs: string, load: PlayLoad, from?: Pos, outer: Outer = { tags: [], when: [], vars: {} }, stack: string[] = []): Play[] {
  if (stack.includes(abs)) {
    throw new UserError(`import_playbook cycle: ${[...stack, abs].map(displayPath).join(' → ')}`, from);
  }
  const src = readYaml(abs, from, load.vault);
  const root = src.root;
  if (kindOf(root) === 'nothing') throw new UserError('the playbook is empty: expected a list of plays', posOf(src, root));
  const seq = asSeq(src, root);
  if (!seq) throw new UserError(`a playbook must be a list of plays, got ${kindOf(root)}`, posOf(src, root));
  const maps = seq.items.map((item) => {
    const map = asMap(src, item);
    if (!map) throw new UserError(`a play must be a mapping, got ${kindOf(item)}`, posOf(src, item));
    return map;
  });
  // Check every play's keys first, so a misplaced task keyword is reported
  // before a later problem such as a missing role.
  for (const map of maps) if (!isImport(src, map)) checkPlayKeys(src, map, load.modules);
  const plays: Play[] = [];
  for (const map of maps) {
    if (isImport(src, map)) plays.push(...importPlaybook(src, map, load, outer, [...stack, abs]));
    else plays.push(parsePlay(src, map, load, outer, [...stack, abs]));
  }
  return plays;
}

function isImport(src: Source, map: YMap): boolean {
  return entries(src, map).some((e) => IMPORT_KEYS.includes(e.key));
}

function importPlaybook(src: Source, map: YMap, load: PlayLoad, outer: Outer, stack: string[]): Play[] {
  let file: string | undefined;
  let pos: Pos | undefined;
  const next: Outer = { ...outer };
  for (const e of entries(src, map)) {
    const f = field(src, e);
    if (IMPORT_KEYS.includes(e.key)) {
      file = toStr(f);
      pos = f.pos;
    } else if (e.key === 'tags') next.tags = union(outer.tags, toTags(f));
    else if (e.key === 'when') next.when = [...outer.when, ...toConds(f)];
    else if (e.key === 'vars') next.vars = { ...outer.vars, ...toMap(f) };
    else if (e.key !== 'name') {
      throw new UserError(withHint(`'${e.key}' is not valid on import_playbook`, e.key, ['name', 'tags', 'when', 'vars']), f.pos);
    }
  }
  if (!file || /\{\{|\{%/.test(file)) {
    throw new UserError('import_playbook needs a file name without variables', pos ?? posOf(src, map));
  }
  const abs = path.resolve(src.dir, file);
  if (!fs.existsSync(abs)) throw new UserError(`import_playbook: cannot find '${file}' (looked for ${displayPath(abs)})`, pos);
  return loadPlays(abs, load, pos, next, stack);
}

function checkPlayKeys(src: Source, map: YMap, modules: ModuleInfo): void {
  for (const e of entries(src, map)) {
    const pos = posOf(src, e.keyNode);
    if (e.key === 'vars_prompt') {
      throw new UserError("'vars_prompt' is not supported by playwatch (a deploy must not stop to ask); pass the value with -e", pos);
    }
    if (PLAY_KEYWORDS.has(e.key)) {
      refuseIfUnsupported(field(src, e));
      // The play's fact-gathering keywords are setup's arguments: setup checks them (an unknown gather_subset…).
      if (e.key === 'gather_subset' || e.key === 'fact_path') modules.validate?.('setup', { [e.key]: toValue(src, e.value) }, pos);
      continue;
    }
    const name = canonicalName(e.key);
    const taskish = TASK_KEYWORDS.has(e.key) || e.key.startsWith('with_') || e.key === 'block' ||
      (ENGINE_ACTIONS as readonly string[]).includes(name) || modules.has(name);
    if (taskish) {
      throw new UserError(`'${e.key}' is not a valid attribute for a play: it belongs to a task (put it under 'tasks:')`, pos);
    }
    throw new UserError(withHint(`'${e.key}' is not a valid attribute for a play`, e.key, PLAY_KEYWORDS), pos);
  }
}

function parsePlay(src: Source, map: YMap, load: PlayLoad, outer: Outer, stack: string[]): Play {
  const pos = posOf(src, map);
  const ents = new Map<string, Entry>(entries(src, map).map((e) => [e.key, e]));
  const get = (k: string) => ents.get(k);
  const hosts = readHosts(src, get('hosts'), pos);
  const tags = union(outer.tags, get('tags') ? toTags(field(src, get('tags')!)) : []);
  const roleHandlers: Handler[] = [];
  const scope: Scope = {
    baseDir: src.dir,
    playbookDir: src.dir,
    rolesPath: load.rolesPath,
    collectionsPath: load.collectionsPath,
    modules: load.modules,
    when: outer.when,
    tags,
    vars: {},
    kw: playKeywords(src, [...ents.values()], pos),
    handlers: roleHandlers,
    roleUses: new Map(),
    stack,
    parseTasks: parseTaskList,
    vault: load.vault,
  };
  const list = (key: string): TaskNode[] => {
    const e = get(key);
    return e ? parseTaskList(src, e.value, scope, { what: `'${key}'`, pos: posOf(src, e.keyNode) }) : [];
  };
  // Roles first, so role handlers come before handlers of import_role in tasks.
  const roles = readRoles(src, get('roles'), scope);
  const sections: Play['sections'] = [
    { name: 'pre_tasks', tasks: list('pre_tasks') },
    { name: 'roles', tasks: roles },
    { name: 'tasks', tasks: list('tasks') },
    { name: 'post_tasks', tasks: list('post_tasks') },
  ];
  const h = get('handlers');
  const handlers = h ? handlerList(parseTaskList(src, h.value, scope, { what: "'handlers'", pos: posOf(src, h.keyNode) }, { handler: true })) : [];
  const keywords: Vars = {};
  for (const [k, e] of ents) if (!MODELLED.has(k)) keywords[k] = toValue(src, e.value);
  const play: Play = {
    pos,
    name: get('name') ? toStr(field(src, get('name')!)) : hosts,
    hosts,
    vars: { ...outer.vars, ...(get('vars') ? toMap(field(src, get('vars')!)) : {}) },
    varsFiles: readVarsFiles(src, get('vars_files'), load.mainDir),
    gatherFacts: get('gather_facts') ? toBool(field(src, get('gather_facts')!)) : load.gatherDefault,
    tags,
    sections,
    // ansible-core puts role handlers before the play's own.
    handlers: [...roleHandlers, ...handlers],
    keywords,
  };
  if (get('become')) play.become = toBool(field(src, get('become')!));
  if (get('become_user')) play.becomeUser = toStr(field(src, get('become_user')!));
  return play;
}

// Play keywords that tasks, blocks, roles and handlers inherit unless they set their own.
const NOT_INHERITED = new Set(['name', 'vars', 'tags', 'when']);
const INHERITABLE = new Set<string>(BASE_KEYWORDS.filter((k) => !NOT_INHERITED.has(k)));

function playKeywords(src: Source, ents: Entry[], pos: Pos): Inherited {
  const { base } = readBase(src, ents.filter((e) => INHERITABLE.has(e.key)), { when: [], tags: [], vars: {}, kw: { extra: {} } }, pos);
  return inheritedFrom(base);
}

function readHosts(src: Source, e: Entry | undefined, playPos: Pos): string {
  if (!e) throw new UserError("the play has no 'hosts': every play must say which hosts it runs on", playPos);
  const v = toValue(src, e.value);
  const list = Array.isArray(v) ? v : [v];
  const names = list.filter((h) => h != null && String(h).trim() !== '').map((h) => {
    if (typeof h === 'object') throw new UserError(`'hosts' must be a pattern or a list of patterns, got ${kindOf(e.value)}`, posOf(src, e.keyNode));
    return String(h).trim();
  });
  if (names.length === 0) throw new UserError("'hosts' is empty", posOf(src, e.keyNode));
  return names.join(',');
}

function readRoles(src: Source, e: Entry | undefined, scope: Scope): TaskNode[] {
  if (!e || kindOf(e.value) === 'nothing') return [];
  const seq = asSeq(src, e.value);
  if (!seq) throw new UserError(`'roles' must be a list of roles, got ${kindOf(e.value)}`, posOf(src, e.keyNode));
  const seen = new Set<string>();
  const out: TaskNode[] = [];
  for (const item of seq.items) {
    const { req, scope: entryScope } = readRoleEntry(src, item, scope);
    const loaded = loadRoleIn(entryScope, req, seen);
    if (!loaded) continue;
    out.push(...loaded.tasks);
    scope.handlers.push(...loaded.handlers);
  }
  return out;
}

// Entries are relative to the file's own dir; the model wants them relative
// to the main playbook's dir, which differs for an imported playbook.
function readVarsFiles(src: Source, e: Entry | undefined, mainDir: string): Array<string | string[]> {
  if (!e || kindOf(e.value) === 'nothing') return [];
  const v = toValue(src, e.value);
  const list = Array.isArray(v) ? v : [v];
  const rebase = (p: string) => (path.isAbsolute(p) || src.dir === mainDir ? p : path.relative(mainDir, path.join(src.dir, p)));
  return list.map((item) => {
    if (typeof item === 'string') return rebase(item);
    if (Array.isArray(item) && item.every((x) => typeof x === 'string')) return item.map(rebase);
    throw new UserError("'vars_files' must be a list of file names (or lists of alternatives)", posOf(src, e.keyNode));
  });
}
