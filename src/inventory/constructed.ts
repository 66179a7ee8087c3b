/**
 * ansible-core's `constructed` inventory plugin: a YAML file with
 * `plugin: constructed` that adds variables (`compose`) and groups
 * (`groups`, `keyed_groups`) to the hosts the sources before it loaded,
 * from Jinja expressions over each host's inventory variables.
 */
import type { Inventory, Vars } from '../model/index.js';
import { UserError, withHint } from '../model/index.js';
import { addChild, addGroup, addHost } from './data.js';
import { sortedGroupsOf } from './vars.js';

/**
 * Jinja for inventory plugins, handed in by the caller (inventory/ may not
 * import template/). Each throws on an undefined name or a bad expression.
 */
export interface InventoryTemplater {
  /** A bare expression's native value. */
  expr(expr: string, vars: Vars): unknown;
  /** A bare expression's Jinja truthiness. */
  cond(expr: string, vars: Vars): boolean;
  /** A string with `{{ }}` rendered. */
  template(text: string, vars: Vars): unknown;
}

const OPTIONS = ['plugin', 'strict', 'compose', 'groups', 'keyed_groups', 'leading_separator', 'use_vars_plugins', 'use_extra_vars', 'cache', 'cache_plugin', 'cache_timeout', 'cache_connection', 'cache_prefix'];
const SINGLE_VAR = /^\s*(\w*)\s*$/;

/** Apply the constructed config `config` (read from `file`) to every host of `inv`, in inventory order. */
export function applyConstructed(inv: Inventory, config: Record<string, unknown>, file: string, t: InventoryTemplater | undefined): void {
  const fail = (msg: string): never => {
    throw new UserError(`inventory ${file} (constructed): ${msg}`);
  };
  for (const key of Object.keys(config)) if (!OPTIONS.includes(key)) fail(withHint(`unknown option '${key}'`, key, OPTIONS));
  if (!t) fail('Jinja templating is not available here');
  const strict = config.strict === true;
  const compose = mapping(config.compose, 'compose', fail);
  const groups = mapping(config.groups, 'groups', fail);
  const keyed = config.keyed_groups ?? [];
  if (!Array.isArray(keyed)) fail(`'keyed_groups' must be a list of mappings`);
  const leadingSep = config.leading_separator !== false;
  for (const host of [...inv.hosts.keys()]) {
    try {
      for (const [name, expr] of Object.entries(compose)) {
        let value: unknown;
        try {
          value = compose1(t!, String(expr), constructedVars(inv, host));
        } catch (err) {
          if (strict) fail(`could not set ${name} for host ${host}: ${message(err)}`);
          continue;
        }
        inv.hosts.get(host)!.vars[name] = value;
      }
      const vars = constructedVars(inv, host);
      for (const [rawName, cond] of Object.entries(groups)) {
        const group = safeGroupName(rawName);
        let yes: boolean;
        try {
          yes = t!.cond(String(cond), vars);
        } catch (err) {
          if (strict) fail(`could not add host ${host} to group ${group}: ${message(err)}`);
          continue;
        }
        if (yes) addHost(inv, host, group);
      }
      for (const entry of keyed as unknown[]) keyedGroups(inv, host, entry, vars, t!, { strict, leadingSep, fail });
    } catch (err) {
      if (err instanceof UserError) throw err;
      fail(message(err));
    }
  }
}

interface KeyedOpts {
  strict: boolean;
  leadingSep: boolean;
  fail: (msg: string) => never;
}

/** One `keyed_groups` entry for one host, as ansible-core's `_add_host_to_keyed_groups`. */
function keyedGroups(inv: Inventory, host: string, entry: unknown, vars: Vars, t: InventoryTemplater, o: KeyedOpts): void {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) o.fail(`each keyed_groups entry must be a mapping, got ${JSON.stringify(entry)}`);
  const k = entry as Record<string, unknown>;
  let key: unknown;
  try {
    key = compose1(t, String(k.key), vars);
  } catch (err) {
    if (o.strict) o.fail(`could not make a group for host ${host} from key '${String(k.key)}': ${message(err)}`);
    return;
  }
  const dflt = k.default_value == null ? undefined : String(k.default_value);
  if (k.trailing_separator != null && dflt !== undefined) o.fail(`keyed_groups: default_value and trailing_separator cannot be used together`);
  if (!pyTruthy(key) && !(key === '' && dflt !== undefined)) {
    const emptyContainer = (Array.isArray(key) && key.length === 0) || (isMapping(key) && Object.keys(key).length === 0);
    if (o.strict && !emptyContainer) o.fail(`key '${String(k.key)}' is empty for host ${host}`);
    return;
  }
  const prefix = k.prefix == null ? '' : String(k.prefix);
  let sep = k.separator == null ? '_' : String(k.separator);
  let parent: string | undefined;
  if (k.parent_group) {
    try {
      parent = String(t.template(String(k.parent_group), vars));
    } catch (err) {
      if (o.strict) o.fail(`could not make parent group ${String(k.parent_group)} for host ${host}: ${message(err)}`);
      return;
    }
  }
  const names: string[] = [];
  if (typeof key === 'string') names.push(key === '' && dflt !== undefined ? dflt : key);
  else if (Array.isArray(key)) for (const n of key) names.push(n === '' && dflt !== undefined ? dflt : pyText(n));
  else if (isMapping(key)) {
    for (const [gname, gval] of Object.entries(key)) {
      let bare = `${gname}${sep}${pyText(gval)}`;
      if (gval === '') {
        if (dflt !== undefined) bare = `${gname}${sep}${dflt}`;
        else if (k.trailing_separator === false) bare = gname;
      }
      names.push(bare);
    }
  } else o.fail(`keyed_groups key '${String(k.key)}' gave ${pyType(key)} for host ${host}: it must give a string, a list of them or a mapping`);
  for (const bare of names) {
    if (prefix === '' && !o.leadingSep) sep = '';
    const group = safeGroupName(`${prefix}${sep}${bare}`);
    addHost(inv, host, group);
    if (parent) {
      const p = safeGroupName(parent);
      addGroup(inv, p);
      if (p !== group) addChild(inv, p, group);
    }
  }
}

/**
 * The variables a constructed expression sees: inventory-file vars of the
 * host's groups (`all` first, then by depth and priority) and its own vars;
 * not `group_vars/` files (ansible-core's `use_vars_plugins: false`).
 */
function constructedVars(inv: Inventory, host: string): Vars {
  const out: Vars = { ...inv.groups.get('all')?.vars };
  for (const g of sortedGroupsOf(inv, host)) Object.assign(out, inv.groups.get(g)?.vars);
  return Object.assign(out, inv.hosts.get(host)?.vars);
}

/**
 * `{{ expr }}` as ansible-core's non-native templating gives it: a lone
 * variable holding a number or a boolean as it is; anything else as text,
 * turned back into a list, mapping or boolean when the text is one.
 */
function compose1(t: InventoryTemplater, expr: string, vars: Vars): unknown {
  const value = t.expr(expr, vars);
  const single = SINGLE_VAR.exec(expr);
  if (single && single[1] in vars && (typeof value === 'number' || typeof value === 'boolean')) return value;
  if (typeof value === 'boolean' || Array.isArray(value) || isMapping(value)) return value;
  const text = pyText(value);
  if (text === 'True' || text === 'False') return text === 'True';
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** ansible-core's forced `to_safe_group_name`: anything but word characters (and a leading digit) becomes `_`. */
export function safeGroupName(name: string): string {
  return name.replace(/^[\p{N}]|[^\p{L}\p{N}\p{M}_]/gu, '_');
}

function mapping(v: unknown, name: string, fail: (msg: string) => never): Record<string, unknown> {
  if (v == null) return {};
  if (!isMapping(v)) fail(`'${name}' must be a mapping`);
  return v as Record<string, unknown>;
}

function pyTruthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isMapping(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Python's `str()` of a plain value. */
function pyText(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return String(v);
}

function pyType(v: unknown): string {
  return v === null ? 'None' : typeof v === 'number' ? (Number.isInteger(v) ? 'an int' : 'a float') : typeof v;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function message(err: unknown): string {
  return err instanceof UserError ? err.detail : err instanceof Error ? err.message : String(err);
}
