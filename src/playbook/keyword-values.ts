/**
 * Keywords whose values need more than a type check at load: the ones
 * playwatch refuses (with what to do instead), `module_defaults`,
 * `collections`, `connection` and `become_method`.
 */
import { UserError, type Vars } from '../model/index.js';
import { canonicalName } from '../model/index.js';
import { toStrList, type Field } from './coerce.js';
import { toValue } from './source.js';

const isTemplate = (v: unknown): v is string => typeof v === 'string' && /\{\{|\{%/.test(v);

/**
 * Keywords the loader knows but playwatch does not run: each gives the
 * reason it is refused and what to do instead, or undefined when the value
 * is one playwatch honours (`diff:` takes a boolean or a template).
 */
export const REFUSED: Readonly<Record<string, (value: unknown) => string | undefined>> = {
  debugger: () => "'debugger' is not supported: playwatch has no interactive task debugger (a deploy must not stop to ask); remove it and read the failure in the run log",
  diff: (v) => (typeof v === 'boolean' || isTemplate(v) || (typeof v === 'string' && BOOL_WORDS.includes(v.toLowerCase())) ? undefined : `'diff' must be a boolean, got ${JSON.stringify(v)}`),
  gather_timeout: (v) =>
    isTemplate(v) || (Number.isInteger(Number(v)) && Number(v) > 0) ? undefined : `'gather_timeout' must be a whole number of seconds, got '${String(v)}'`,
  forks: () => "'forks' is not a play keyword in ansible-core 2.14; use -f/--forks on the command line, or 'throttle:' on the play",
  order: (v) =>
    typeof v === 'string' && ORDERS.includes(v) ? undefined : `'order' must be one of ${ORDERS.join(', ')}, got '${String(v)}'`,
};

const BOOL_WORDS = ['yes', 'no', 'true', 'false', 'on', 'off', 'y', 'n'];

const ORDERS = ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'];

/** Throws a positioned error when the keyword is one playwatch refuses. */
export function refuseIfUnsupported(f: Field): void {
  const why = REFUSED[f.key]?.(toValue(f.src, f.node));
  if (why) throw new UserError(why, f.pos);
}

/** Collections whose modules are playwatch's builtins. */
const BUILTIN_COLLECTIONS = new Set(['ansible.builtin', 'ansible.legacy']);

/** `collections:` as a list of names. */
export function readCollections(f: Field): string[] {
  const list = toStrList(f);
  for (const c of list) {
    if (!/^[\w-]+\.[\w-]+$/.test(c)) throw new UserError(`'collections' entries are 'namespace.name', got '${c}'`, f.pos);
  }
  return list;
}

/** The listed collections playwatch does not have (every one but ansible.builtin/legacy). */
export function foreignCollections(collections: unknown): string[] {
  return Array.isArray(collections) ? collections.filter((c) => !BUILTIN_COLLECTIONS.has(String(c))).map(String) : [];
}

/**
 * `module_defaults:` as `{ module: { arg: value } }` with canonical module
 * names (`ansible.builtin.command` and `command` are one entry). A list of
 * mappings (ansible-core's other form) is merged in order. Action groups
 * (`group/aws`) are refused: playwatch has none of the collections that
 * define them.
 */
export function readModuleDefaults(f: Field): Record<string, Vars> {
  const v = toValue(f.src, f.node);
  const maps = Array.isArray(v) ? v : [v];
  const out: Record<string, Vars> = {};
  for (const m of maps) {
    if (!m || typeof m !== 'object' || Array.isArray(m)) {
      throw new UserError(`'module_defaults' must be a mapping of module names to their default arguments${isTemplate(m) ? ' (written out, not a template)' : ''}`, f.pos);
    }
    for (const [name, args] of Object.entries(m as Vars)) {
      if (name.startsWith('group/')) {
        throw new UserError(`'module_defaults' action group '${name}' is not supported: playwatch has no action groups; list the modules one by one`, f.pos);
      }
      if (!args || typeof args !== 'object' || Array.isArray(args)) {
        throw new UserError(`'module_defaults' for '${name}' must be a mapping of arguments`, f.pos);
      }
      out[canonicalName(name)] = { ...(args as Vars) };
    }
  }
  return out;
}

const CONNECTIONS = new Set(['local', 'ssh', 'smart', 'paramiko']);

/** `connection:` is local or ssh (smart and paramiko mean ssh); a template is checked when it runs. */
export function checkConnection(f: Field): string {
  const v = String(toValue(f.src, f.node) ?? '');
  if (!isTemplate(v) && !CONNECTIONS.has(v)) {
    throw new UserError(`connection '${v}' is not supported: playwatch connects with 'local' or 'ssh'`, f.pos);
  }
  return v;
}

/** become_method: only sudo; a template is checked when it runs. */
export function checkBecomeMethod(f: Field): string {
  const v = String(toValue(f.src, f.node) ?? '');
  if (!isTemplate(v) && v !== 'sudo') {
    throw new UserError(`become_method '${v}' is not supported: playwatch becomes another user with sudo only; use 'become_method: sudo' (or run this playbook with ansible-playbook)`, f.pos);
  }
  return v;
}
