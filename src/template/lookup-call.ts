/**
 * `lookup()`, `query()` and `q()` in templates, and the `with_<lookup>`
 * loops, as ansible-core's Templar._lookup and TaskExecutor run them: on
 * the controller, with the task's variables; `lookup` joins a list of
 * strings with commas unless `wantlist=True`, `query` always gives a list;
 * `errors=` strict (default), warn or ignore.
 */
import path from 'node:path';
import { UserError, type Pos, type Vars, type Vault } from '../model/index.js';
import { active, type ActiveCall } from './current.js';
import { FilterError } from './engine.js';
import { lookupNamed, UNSUPPORTED_LOOKUPS, LookupFailure, LookupUndefined, type LookupCtx } from './lookups/index.js';
import { KWARGS_MARK } from './kwargs.js';
import { Run, isTemplated } from './run.js';
import { isMapping, markUnsafe, toPlain } from './values.js';

/** A scope may carry a function under this key: the warnings lookups give (`errors='warn'`). */
export const ON_WARNING = Symbol('playwatch.onWarning');
/** The run's vault, on a scope (the engine puts it there): what the file lookup opens encrypted files with. */
export const ON_VAULT = Symbol('playwatch.vault');

export type OnWarning = (message: string) => void;

const CALL_OPTIONS = ['wantlist', 'errors', 'allow_unsafe'];

/** The engine's `lookup(name, *terms, **options)` (`query` when `list` is true). */
export function jinjaLookup(list: boolean, ...raw: unknown[]): unknown {
  const call = active.at(-1);
  if (!call) throw new FilterError('lookup() can only run inside a task');
  const name = String(toPlain(raw[0]));
  const lk = lookupNamed(name);
  if (!lk) throw new UserError(UNSUPPORTED_LOOKUPS[name] ?? `lookup plugin (${name}) not found`, call.where);
  const { positional, kwargs } = splitKwargs(raw.slice(1));
  const wantlist = list || kwargs.wantlist === true;
  const errors = String(kwargs.errors ?? 'strict');
  for (const k of CALL_OPTIONS) delete kwargs[k];
  let ran: unknown[];
  try {
    ran = lk.run(positional, kwargs, contextOf(call));
  } catch (e) {
    const msg = failureMessage(name, e, call);
    if (errors === 'warn') warn(call, `Lookup failed but the error is being ignored: ${msg}`);
    else if (errors !== 'ignore') throw new UserError(msg, call.where);
    return wantlist ? [] : null;
  }
  return shape(ran, wantlist);
}

/** Terms and keyword arguments: the keywords are the trailing mapping that carries KWARGS_MARK. */
function splitKwargs(raw: unknown[]): { positional: unknown[]; kwargs: Record<string, unknown> } {
  const args = raw.map(toPlain);
  const last = args.at(-1);
  if (!isMapping(last) || !(KWARGS_MARK in last)) return { positional: args, kwargs: {} };
  const { [KWARGS_MARK]: _mark, ...kwargs } = last;
  return { positional: args.slice(0, -1), kwargs };
}

/** Templar._lookup's result: the list, or a comma-joined string, or the lone item. */
function shape(ran: unknown[], wantlist: boolean): unknown {
  const safe = markUnsafe(ran);
  if (wantlist || ran.length === 0) return safe;
  if (ran.every((x) => typeof x === 'string')) return markUnsafe(ran.join(','));
  return ran.length === 1 ? ran[0] : safe;
}

/** What a failed lookup says; undefined variables and errors of the template itself pass through. */
function failureMessage(name: string, e: unknown, call: ActiveCall): string {
  if (e instanceof LookupUndefined) throw new UserError(e.message, call.where);
  if (e instanceof UserError) {
    if (/undefined/.test(e.detail)) throw e;
    return unhandled(name, 'ansible.errors.AnsibleError', e.detail);
  }
  if (e instanceof LookupFailure) return e.handled ? e.message : unhandled(name, e.pyClass, e.message);
  return unhandled(name, 'Exception', e instanceof Error ? e.message : String(e));
}

function unhandled(name: string, pyClass: string, message: string): string {
  return `An unhandled exception occurred while running the lookup plugin '${name}'. Error was a <class '${pyClass}'>, original message: ${message}. ${message}`;
}

function warn(call: ActiveCall, message: string): void {
  (call.scope as { [ON_WARNING]?: OnWarning })[ON_WARNING]?.(message);
}

/** What a lookup sees of the call it runs in. */
function contextOf(call: ActiveCall, subdir?: string): LookupCtx {
  const scope = call.scope;
  const basedir = path.resolve(typeof scope.playbook_dir === 'string' ? scope.playbook_dir : '');
  const sp = scope.ansible_search_path;
  return {
    vars: scope,
    where: call.where,
    render: (value, extra) => new Run(extra ? { ...scope, ...extra } : scope, call.where).value(value),
    variable: (name) => call.variable(name),
    basedir,
    searchPath: Array.isArray(sp) && sp.length ? sp.map((p) => path.resolve(String(p))) : [basedir],
    subdir,
    warn: (m) => warn(call, m),
    vault: (scope as { [ON_VAULT]?: Vault })[ON_VAULT],
  };
}

/** True when `with_<name>` names a lookup playwatch has. */
export function isLoopLookup(name: string): boolean {
  return lookupNamed(name) !== undefined;
}

/**
 * The items of `with_<name>: terms`: the terms templated (a string or
 * scalar becomes a one-item list), then the lookup run with wantlist. For
 * `first_found` an undefined name drops out instead of failing. `subdir`
 * is where `first_found` looks (`templates` for a `template:` task).
 * @throws Error with the lookup's own message, as ansible-core fails the task.
 */
export function loopLookup(name: string, terms: unknown, scope: Vars, where?: Pos, subdir?: string): unknown[] {
  const lk = lookupNamed(name);
  if (!lk) throw new UserError(UNSUPPORTED_LOOKUPS[name] ?? `Unexpected failure in finding the lookup named '${name}' in the available lookup plugins`, where);
  const run = new Run(scope, where);
  const tolerant = name === 'first_found';
  let t = tolerant ? lenient(run, terms) : run.value(typeof terms === 'string' ? terms.trim() : terms);
  if (t === null || typeof t !== 'object') t = [t];
  if (tolerant && Array.isArray(t)) t = t.filter((x) => typeof x !== 'string' || !isTemplated(x));
  try {
    // Items are data, as ansible-core's wrap_var makes them.
    return markUnsafe(lk.run(t as unknown[], {}, contextOf(run, subdir)));
  } catch (e) {
    if (e instanceof LookupUndefined) throw new UserError(e.message, where);
    if (e instanceof LookupFailure) throw new Error(e.message);
    throw e;
  }
}

/** Renders what it can; a string whose variables are undefined stays as written. */
function lenient(run: Run, v: unknown): unknown {
  if (typeof v === 'string') {
    try {
      return run.value(v.trim());
    } catch {
      return v;
    }
  }
  if (Array.isArray(v)) return v.map((x) => lenient(run, x));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, lenient(run, x)]));
  return v;
}
