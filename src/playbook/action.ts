/**
 * Finding a task's action among its keys, and turning the action's value
 * (mapping, free-form string or `k=v` string) into module args.
 */
import { UserError, didYouMean, withHint, type Pos, type Vars } from '../model/index.js';
import { ENGINE_ACTIONS, canonicalName, collectionModuleMessage, isCollectionName } from '../model/index.js';
import { field, toMap, toStr } from './coerce.js';
import { FREE_FORM_OPTIONS, RAW_PARAM_ACTIONS, TASK_KEYWORDS } from './keywords.js';
import { isLoopKey, refuseWith } from './loop.js';
import { SplitError, parseKv } from './kv.js';
import type { ModuleInfo } from '../model/index.js';
import { foreignCollections } from './keyword-values.js';
import { posOf, toValue, type Entry, type Source } from './source.js';

const ENGINE: ReadonlySet<string> = new Set(ENGINE_ACTIONS);
const BLOCK_PARTS = new Set(['block', 'rescue', 'always']);

/** A task's keys sorted by role. */
export interface Classified {
  /** The action key (module or engine action), canonical name in `name`. */
  action?: { name: string; entry: Entry; pos: Pos };
  /** `block`, `rescue`, `always` entries. */
  block: Entry[];
  /** Task-only keywords (register, loop, notify…). */
  keywords: Entry[];
  /** The action came from `local_action:` (runs as if `delegate_to: localhost`). */
  local?: boolean;
}

/** The names of every action, for "did you mean" hints. */
function actionNames(modules: ModuleInfo): string[] {
  return [...modules.names(), ...ENGINE_ACTIONS.filter((a) => a !== 'block' && a !== 'import_playbook')];
}

/**
 * Sorts the keys left after the common keywords. Unknown keys, unsupported
 * forms and conflicting actions are errors at the key.
 */
export function classify(src: Source, rest: Entry[], modules: ModuleInfo, taskPos: Pos, collections?: unknown): Classified {
  const out: Classified = { block: [], keywords: [] };
  const actions: Array<{ name: string; entry: Entry; pos: Pos }> = [];
  const unknown: Entry[] = [];
  for (const e of rest) {
    if (BLOCK_PARTS.has(e.key)) out.block.push(e);
    else if (e.key === 'action' || e.key === 'local_action') {
      actions.push({ ...fromActionKeyword(src, e, modules, collections), entry: e, pos: posOf(src, e.keyNode) });
      if (e.key === 'local_action') out.local = true;
    }
    else if (TASK_KEYWORDS.has(e.key)) out.keywords.push(e);
    else if (e.key.startsWith('with_')) {
      if (!isLoopKey(e.key)) throw refuseWith(src, e);
      out.keywords.push(e);
    } else if (e.key === 'include') {
      throw new UserError("'include' was removed from ansible-core; use 'include_tasks' or 'import_tasks'", posOf(src, e.keyNode));
    } else {
      const name = canonicalName(e.key);
      if (ENGINE.has(name) || modules.has(name)) actions.push({ name, entry: e, pos: posOf(src, e.keyNode) });
      else if (isCollectionName(e.key)) throw new UserError(collectionModuleMessage(e.key), posOf(src, e.keyNode));
      else unknown.push(e);
    }
  }
  const haveAction = actions.length > 0 || out.block.length > 0;
  for (const e of unknown) throw (haveAction ? undefined : notInCollections(src, e, collections)) ?? unknownKey(src, e, haveAction, modules);
  if (out.block.length && actions.length) {
    throw new UserError(`conflicting action statements: block, ${actions[0].entry.key}`, actions[0].pos);
  }
  if (actions.length > 1) {
    throw new UserError(`conflicting action statements: ${actions.map((a) => a.entry.key).join(', ')}`, actions[1].pos);
  }
  if (!haveAction) throw new UserError('no module/action detected in task', taskPos);
  out.action = actions[0];
  return out;
}

function unknownKey(src: Source, e: Entry, haveAction: boolean, modules: ModuleInfo): UserError {
  const pos = posOf(src, e.keyNode);
  const word = canonicalName(e.key);
  const keywordHint = didYouMean(e.key, [...TASK_KEYWORDS, ...BLOCK_PARTS]);
  const moduleHint = didYouMean(word, actionNames(modules));
  if (!haveAction && (moduleHint || !keywordHint)) {
    return new UserError(withHint(`unknown module '${e.key}'`, word, actionNames(modules)), pos);
  }
  return new UserError(withHint(`unknown keyword '${e.key}'`, e.key, [...TASK_KEYWORDS, ...BLOCK_PARTS]), pos);
}

/**
 * A short name that is no builtin, under `collections:` that list ones
 * playwatch lacks: ansible-core would look there, so the error names them.
 */
function notInCollections(src: Source, e: Entry, collections: unknown, name = e.key): UserError | undefined {
  const foreign = foreignCollections(collections);
  if (!foreign.length || name.includes('.') || TASK_KEYWORDS.has(name)) return undefined;
  const listed = foreign.map((c) => `'${c}'`).join(', ');
  return new UserError(
    `module '${name}' is not a builtin, and playwatch does not have the collection${foreign.length > 1 ? 's' : ''} ${listed} listed in 'collections:'; ` +
      'use a builtin module or run this playbook with ansible-playbook',
    posOf(src, e.keyNode),
  );
}

// `action: shell echo hi` or `action: {module: shell, ...}` (and the same under `local_action`).
function fromActionKeyword(src: Source, e: Entry, modules: ModuleInfo, collections?: unknown): { name: string } {
  const pos = posOf(src, e.keyNode);
  const v = toValue(src, e.value);
  let mod: unknown;
  if (typeof v === 'string') mod = v.trim().split(/\s+/)[0];
  else if (v && typeof v === 'object' && !Array.isArray(v)) mod = (v as Vars).module;
  if (typeof mod !== 'string' || !mod) {
    throw new UserError("'action' must name a module: 'action: shell echo hi' or 'action: {module: shell, ...}'", pos);
  }
  const name = canonicalName(mod);
  if (!ENGINE.has(name) && !modules.has(name) && isCollectionName(mod)) throw new UserError(collectionModuleMessage(mod), pos);
  if (!ENGINE.has(name) && !modules.has(name)) {
    throw notInCollections(src, e, collections, mod) ?? new UserError(withHint(`unknown module '${mod}'`, name, actionNames(modules)), pos);
  }
  return { name };
}

/** The value of the action, as written: for `action:` the part after the module name. */
function actionValue(src: Source, e: Entry): unknown {
  const v = toValue(src, e.value);
  if (e.key !== 'action' && e.key !== 'local_action') return v;
  if (typeof v === 'string') return v.trim().replace(/^\S+\s*/, '');
  const { module: _module, ...rest } = v as Vars;
  return rest;
}

/**
 * Module args: the action's value (mapping, free-form or `k=v` string) over
 * the `args:` keyword. Templated values stay unrendered.
 */
export function actionArgs(
  src: Source,
  action: { name: string; entry: Entry; pos: Pos },
  argsEntry: Entry | undefined,
  modules: ModuleInfo,
): Vars {
  const { name, pos } = action;
  const v = actionValue(src, action.entry);
  const base = argsEntry ? argsKeyword(src, argsEntry) : {};
  const freeForm = modules.has(name) && modules.freeForm(name);
  let args: Vars;
  if (v == null) args = {};
  else if (typeof v === 'string') args = splitString(v, freeForm, pos);
  else if ((typeof v === 'number' || typeof v === 'boolean') && (freeForm || RAW_PARAM_ACTIONS.has(name))) {
    args = { _raw_params: String(v) };
  } else if (typeof v === 'object' && !Array.isArray(v)) args = { ...(v as Vars) };
  else {
    const got = Array.isArray(v) ? 'a list' : `a ${typeof v}`;
    throw new UserError(`arguments of '${action.entry.key}' must be a mapping or a string, got ${got}`, pos);
  }
  if ('_raw_params' in args && !freeForm && !RAW_PARAM_ACTIONS.has(name)) {
    throw new UserError(
      `module '${name}' does not take free-form arguments ('${String(args._raw_params)}'); use key=value or a mapping`,
      pos,
    );
  }
  return { ...base, ...args };
}

function splitString(v: string, freeForm: boolean, pos: Pos): Vars {
  try {
    return parseKv(v, freeForm ? FREE_FORM_OPTIONS : undefined);
  } catch (err) {
    if (err instanceof SplitError) throw new UserError(err.message, pos);
    throw err;
  }
}

function argsKeyword(src: Source, e: Entry): Vars {
  const f = field(src, e);
  const v = toValue(src, e.value);
  if (typeof v === 'string') {
    throw new UserError(`'args' must be a mapping, got a string ('${toStr(f)}')`, f.pos);
  }
  return toMap(f);
}
