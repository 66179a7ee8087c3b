/**
 * Ansible's filters that minijinja lacks or that behave differently there
 * (`int` returns a BigInt the binding cannot hand back; `bool` and `string`
 * follow Jinja rather than Ansible/Python). Each takes the raw engine
 * arguments (maps as `Map`, None as `undefined`) and returns plain data.
 */
import { createHash } from 'node:crypto';
import { FilterError, UndefinedSignal } from './engine.js';
import { bind, splitArgs, text } from './params.js';
import { regexEscape, regexFindall, regexReplace, regexSearch } from './regex.js';
import { fromJson, fromYaml, toJson, toNiceJson, toNiceYaml, toYaml } from './serialize.js';
import { isMapping, pyFloat, pyStr, toPlain, truthy } from './values.js';
import { pyFormat } from './format.js';
import { PRINT_FILTER } from './names.js';
import { GET_FILTER } from './methods.js';

type Fn = (value: unknown, ...args: unknown[]) => unknown;

const INT_RE = /^[+-]?\d[\d_]*$/;
const FLOAT_RE = /^[+-]?(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Jinja's `int(default=0, base=10)`: strings like '3.7' give 3, junk gives the default. */
function toInt(value: unknown, ...raw: unknown[]): unknown {
  const a = bind(raw, ['default', 'base']);
  const fallback = a.default ?? 0;
  const base = Number(a.base ?? 10);
  const v = toPlain(value);
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : fallback;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return fallback;
  const s = v.trim().replace(/_/g, '');
  if (base !== 10) {
    const m = /^([+-]?)(?:0[xob])?([0-9a-z]+)$/i.exec(s);
    const ok = m !== null && [...m[2].toLowerCase()].every((c) => parseInt(c, 36) < base);
    return ok ? (m[1] === '-' ? -1 : 1) * parseInt(m[2], base) : fallback;
  }
  if (INT_RE.test(s)) return Number(s);
  if (FLOAT_RE.test(s)) return Math.trunc(Number(s));
  return fallback;
}

/** Jinja's `float(default=0.0)`. */
function toFloat(value: unknown, ...raw: unknown[]): unknown {
  const a = bind(raw, ['default']);
  const v = toPlain(value);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase().replace(/_/g, '');
    if (FLOAT_RE.test(s)) return Number(s);
    if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  }
  return a.default ?? 0;
}

/** Ansible's `bool`: true for true, 'yes', 'on', '1', 'true' (any case) and 1. */
export function toBool(value: unknown): boolean {
  const v = toPlain(value);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true'].includes(v.toLowerCase());
  return false;
}

function ternary(value: unknown, ...raw: unknown[]): unknown {
  const a = bind(raw, ['true_val', 'false_val', 'none_val']);
  const v = toPlain(value);
  if (v === null && a.none_val !== undefined && a.none_val !== null) return a.none_val;
  return truthy(v) ? a.true_val ?? null : a.false_val ?? null;
}

function mandatory(value: unknown, ...raw: unknown[]): unknown {
  // The binding passes None and undefined alike, so None fails here too.
  if (value === undefined) {
    const msg = bind(raw, ['msg']).msg;
    throw new UndefinedSignal(true, typeof msg === 'string' ? msg : undefined);
  }
  return toPlain(value);
}

function dict2items(value: unknown, ...raw: unknown[]): unknown {
  const a = bind(raw, ['key_name', 'value_name']);
  const v = toPlain(value);
  if (!isMapping(v)) throw new FilterError(`dict2items requires a dictionary, got ${typeName(v)} instead.`);
  const k = text(a.key_name ?? 'key');
  const val = text(a.value_name ?? 'value');
  return Object.entries(v).map(([key, x]) => ({ [k]: key, [val]: x }));
}

function items2dict(value: unknown, ...raw: unknown[]): unknown {
  const a = bind(raw, ['key_name', 'value_name']);
  const v = toPlain(value);
  if (!Array.isArray(v)) throw new FilterError(`items2dict requires a list, got ${typeName(v)} instead.`);
  const k = text(a.key_name ?? 'key');
  const val = text(a.value_name ?? 'value');
  const out: Record<string, unknown> = {};
  for (const item of v) {
    if (!isMapping(item) || !(k in item) || !(val in item)) {
      throw new FilterError(`items2dict: each item needs '${k}' and '${val}' keys, got ${pyStr(item)}`);
    }
    out[text(item[k])] = item[val];
  }
  return out;
}

function combine(value: unknown, ...raw: unknown[]): unknown {
  const { positional, kwargs } = splitArgs(raw, ['recursive', 'list_merge']);
  const dicts = [toPlain(value), ...positional].flatMap((d) => (Array.isArray(d) ? d : [d]));
  const listMerge = text(kwargs.list_merge ?? 'replace');
  let out: Record<string, unknown> = {};
  for (const d of dicts) {
    if (!isMapping(d)) throw new FilterError(`combine expects dictionaries, got ${pyStr(d)}`);
    out = mergeHash(out, d, Boolean(kwargs.recursive), listMerge);
  }
  return out;
}

function mergeHash(x: Record<string, unknown>, y: Record<string, unknown>, recursive: boolean, listMerge: string) {
  const out = { ...x };
  for (const [k, v] of Object.entries(y)) {
    const old = out[k];
    if (!(k in out)) out[k] = v;
    else if (recursive && isMapping(old) && isMapping(v)) out[k] = mergeHash(old, v, recursive, listMerge);
    else if (Array.isArray(old) && Array.isArray(v)) out[k] = mergeLists(old, v, listMerge);
    else out[k] = v;
  }
  return out;
}

function mergeLists(old: unknown[], v: unknown[], how: string): unknown[] {
  const notInNew = () => old.filter((e) => !v.some((n) => same(n, e)));
  switch (how) {
    case 'replace': return v;
    case 'keep': return old;
    case 'append': return [...old, ...v];
    case 'prepend': return [...v, ...old];
    case 'append_rp': return [...notInNew(), ...v];
    case 'prepend_rp': return [...v, ...notInNew()];
    default: throw new FilterError(`combine: list_merge must be one of replace, keep, append, prepend, append_rp, prepend_rp, got '${how}'`);
  }
}

/** Python's `os.path.basename`: the part after the last slash. */
function basename(value: unknown): string {
  const s = text(value);
  return s.slice(s.lastIndexOf('/') + 1);
}

/** Python's `os.path.dirname`: the part before the last slash, trailing slashes trimmed. */
function dirname(value: unknown): string {
  const s = text(value);
  const head = s.slice(0, s.lastIndexOf('/') + 1);
  return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
}

/** Python's `os.path.join` over a list. */
function pathJoin(value: unknown): string {
  const parts = toPlain(value);
  const list = Array.isArray(parts) ? parts.map(text) : [text(parts)];
  return list.reduce((acc, p) => (p.startsWith('/') || acc === '' ? p : acc.endsWith('/') ? acc + p : `${acc}/${p}`), '');
}

/** Python's `shlex.quote`, as ansible's `quote` filter. */
export function shellQuote(value: unknown): string {
  const s = text(value);
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s) && /^[\x00-\x7f]*$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

function flatten(value: unknown, ...raw: unknown[]): unknown[] {
  const a = bind(raw, ['levels', 'skip_nulls']);
  const skipNulls = a.skip_nulls !== false;
  const go = (list: unknown[], levels: number | undefined): unknown[] =>
    list.flatMap((e) => {
      if (skipNulls && (e === null || e === 'None' || e === 'null')) return [];
      if (Array.isArray(e) && (levels === undefined || levels >= 1)) return go(e, levels === undefined ? undefined : levels - 1);
      return [e];
    });
  const v = toPlain(value);
  return go(Array.isArray(v) ? v : [v], typeof a.levels === 'number' ? a.levels : undefined);
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function unique(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const e of list) if (!out.some((o) => same(o, e))) out.push(e);
  return out;
}

function listArg(v: unknown): unknown[] {
  const p = toPlain(v);
  return Array.isArray(p) ? p : isMapping(p) ? Object.keys(p) : typeof p === 'string' ? [...p] : [];
}

function setFilter(op: (a: unknown[], b: unknown[]) => unknown[]): Fn {
  return (value, other) => unique(op(listArg(value), listArg(other)));
}

const has = (list: unknown[], e: unknown) => list.some((x) => same(x, e));

function hashFilter(value: unknown, ...raw: unknown[]): string {
  const algo = text(bind(raw, ['hashtype']).hashtype ?? 'sha1');
  try {
    return createHash(algo).update(text(value)).digest('hex');
  } catch {
    throw new FilterError(`hash: unknown hash type '${algo}'`);
  }
}

/** `extract(container, morekeys)`: `['web1'] | map('extract', hostvars, 'ansible_host')`. */
function extract(value: unknown, ...raw: unknown[]): unknown {
  const [container, morekeys] = raw.map(toPlain);
  const keys = [toPlain(value), ...(morekeys === undefined || morekeys === null ? [] : Array.isArray(morekeys) ? morekeys : [morekeys])];
  let cur: unknown = container;
  for (const k of keys) {
    if (Array.isArray(cur) && typeof k === 'number') cur = cur[k];
    else if (isMapping(cur) && text(k) in cur) cur = cur[text(k)];
    else throw new FilterError(`extract: no key ${pyStr(k)} in ${typeName(cur)}`);
  }
  return cur;
}

function zip(value: unknown, ...raw: unknown[]): unknown[] {
  const lists = [value, ...raw].map(listArg);
  const n = Math.min(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]));
}

/** Python's type name, as `type_debug` prints it. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** How `{{ }}` output tags print (see names.ts): Python's `str()`, strict about undefined. */
/** Python's `dict.get(key, default=None)` (see methods.ts). */
function dictGet(obj: unknown, key: unknown, fallback: unknown = null): unknown {
  const d = toPlain(obj);
  if (!isMapping(d)) throw new FilterError(`'${typeName(d)}' object has no attribute 'get'`);
  const k = pyStr(toPlain(key));
  return Object.hasOwn(d, k) ? d[k] : toPlain(fallback);
}

function printValue(value: unknown, isUndefined: unknown, isFloat?: unknown): string {
  if (isUndefined === true) throw new UndefinedSignal(false);
  // ansible-core's finalize: None prints as nothing (`a{{ None }}b` is `ab`).
  if (value === undefined || value === null) return '';
  // The engine knows 6 / 2 is the float 3.0; JavaScript's number does not.
  if (isFloat === true && typeof value === 'number') return pyFloat(value);
  return pyStr(value);
}

/** Every filter playwatch adds or replaces, by name. */
export const FILTERS: Record<string, Fn> = {
  [PRINT_FILTER]: printValue,
  [GET_FILTER]: dictGet,
  int: toInt,
  float: toFloat,
  // ansible-core's bool filter hands None back as None.
  bool: (v: unknown) => (toPlain(v) === null ? null : toBool(v)),
  string: (v) => pyStr(toPlain(v)),
  ternary,
  mandatory,
  dict2items,
  items2dict,
  combine,
  basename,
  dirname,
  path_join: pathJoin,
  quote: shellQuote,
  flatten,
  union: setFilter((a, b) => [...a, ...b]),
  intersect: setFilter((a, b) => a.filter((e) => has(b, e))),
  difference: setFilter((a, b) => a.filter((e) => !has(b, e))),
  symmetric_difference: setFilter((a, b) => [...a.filter((e) => !has(b, e)), ...b.filter((e) => !has(a, e))]),
  zip,
  extract,
  b64encode: (v) => Buffer.from(text(v), 'utf8').toString('base64'),
  b64decode: (v) => Buffer.from(text(v), 'base64').toString('utf8'),
  hash: hashFilter,
  checksum: (v) => hashFilter(v, 'sha1'),
  md5: (v) => hashFilter(v, 'md5'),
  sha1: (v) => hashFilter(v, 'sha1'),
  type_debug: (v) => typeName(toPlain(v)),
  format: pyFormat,
  regex_replace: regexReplace,
  regex_search: regexSearch,
  regex_findall: regexFindall,
  regex_escape: regexEscape,
  to_json: toJson,
  to_nice_json: toNiceJson,
  from_json: fromJson,
  to_yaml: toYaml,
  to_nice_yaml: toNiceYaml,
  from_yaml: fromYaml,
};
