/**
 * ansible-core's list filters that minijinja lacks or takes fewer
 * arguments for: zip_longest, product, permutations, combinations,
 * min/max/sum with `attribute`, shuffle, subelements, and `dict()` over a
 * list of pairs.
 */
import { FilterError } from './engine.js';
import { bind, splitArgs } from './params.js';
import { isMapping, pyStr, toPlain } from './values.js';

type Fn = (...args: any[]) => unknown;

function list(v: unknown, name: string): unknown[] {
  const p = toPlain(v);
  if (Array.isArray(p)) return p;
  if (typeof p === 'string') return [...p];
  if (isMapping(p)) return Object.keys(p);
  throw new FilterError(`${name}: '${pyStr(p)}' is not iterable`);
}

function zipLongest(value: unknown, ...raw: unknown[]): unknown[][] {
  const { positional, kwargs } = splitArgs(raw, ['fillvalue']);
  const lists = [list(value, 'zip_longest'), ...positional.map((p) => list(p, 'zip_longest'))];
  const n = Math.max(...lists.map((l) => l.length));
  const fill = kwargs.fillvalue ?? null;
  return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : fill)));
}

function product(value: unknown, ...raw: unknown[]): unknown[][] {
  const { positional, kwargs } = splitArgs(raw, ['repeat']);
  let lists = [list(value, 'product'), ...positional.map((p) => list(p, 'product'))];
  const repeat = Number(kwargs.repeat ?? 1);
  lists = Array.from({ length: repeat }, () => lists).flat();
  return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]]);
}

function permutations(value: unknown, r?: unknown): unknown[][] {
  const pool = list(value, 'permutations');
  const k = r === undefined || r === null ? pool.length : Number(r);
  const out: unknown[][] = [];
  const walk = (prefix: number[]) => {
    if (prefix.length === k) return void out.push(prefix.map((i) => pool[i]));
    for (let i = 0; i < pool.length; i++) if (!prefix.includes(i)) walk([...prefix, i]);
  };
  if (k <= pool.length) walk([]);
  return out;
}

function combinations(value: unknown, r: unknown): unknown[][] {
  const pool = list(value, 'combinations');
  const k = Number(r);
  const out: unknown[][] = [];
  const walk = (start: number, picked: unknown[]) => {
    if (picked.length === k) return void out.push(picked);
    for (let i = start; i < pool.length; i++) walk(i + 1, [...picked, pool[i]]);
  };
  walk(0, []);
  return out;
}

/** Reads `attribute` (dotted, integer parts index lists) from an item, as Jinja's make_attrgetter. */
function attr(item: unknown, path: unknown): unknown {
  if (path === undefined || path === null) return item;
  let cur = item;
  for (const part of String(path).split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else if (isMapping(cur) && Object.hasOwn(cur, part)) cur = cur[part];
    else throw new FilterError(`object has no attribute '${part}'`);
  }
  return cur;
}

function compare(a: unknown, b: unknown, caseSensitive: boolean): number {
  if (typeof a === 'string' && typeof b === 'string' && !caseSensitive) [a, b] = [a.toLowerCase(), b.toLowerCase()];
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  throw new FilterError(`'<' not supported between ${pyStr(a)} and ${pyStr(b)}`);
}

function extreme(sign: 1 | -1): Fn {
  return (value: unknown, ...raw: unknown[]) => {
    const a = bind(raw, ['attribute', 'case_sensitive']);
    const items = list(value, sign > 0 ? 'max' : 'min');
    if (items.length === 0) return null;
    let best = items[0];
    for (const x of items.slice(1)) {
      if (sign * compare(attr(x, a.attribute), attr(best, a.attribute), a.case_sensitive === true) > 0) best = x;
    }
    return best;
  };
}

function sum(value: unknown, ...raw: unknown[]): unknown {
  const a = bind(raw, ['attribute', 'start']);
  let total: unknown = a.start ?? 0;
  for (const x of list(value, 'sum')) {
    const v = attr(x, a.attribute);
    if (Array.isArray(total) && Array.isArray(v)) total = [...total, ...v];
    else if (typeof total === 'number' && typeof v === 'number') total = total + v;
    else if (typeof total === 'number' && typeof v === 'boolean') total = total + Number(v);
    else throw new FilterError(`unsupported operand type(s) for +: ${pyStr(total)} and ${pyStr(v)}`);
  }
  return total;
}

/** A seeded shuffle gives the same order on each run (not Python's order: its Mersenne Twister is not reproduced). */
function shuffle(value: unknown, ...raw: unknown[]): unknown[] {
  const a = bind(raw, ['seed']);
  const items = [...list(value, 'shuffle')];
  let state = a.seed === undefined || a.seed === null ? Math.floor(Math.random() * 2 ** 31) : hashSeed(pyStr(a.seed));
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function hashSeed(s: string): number {
  let h = 7;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) % 2 ** 31;
  return h;
}

/** ansible-core's `subelements` filter: each (item, element) of item[key], as the lookup of that name. */
function subelements(value: unknown, ...raw: unknown[]): unknown[][] {
  const a = bind(raw, ['subelements', 'skip_missing']);
  const items = toPlain(value);
  const objs = isMapping(items) ? Object.values(items) : items;
  if (!Array.isArray(objs)) throw new FilterError('obj must be a list of dicts or a nested dict');
  const path = typeof a.subelements === 'string' ? a.subelements.split('.') : Array.isArray(a.subelements) ? a.subelements.map(String) : null;
  if (!path) throw new FilterError('subelements must be a list or a string');
  const out: unknown[][] = [];
  for (const obj of objs) {
    let values: unknown = obj;
    let missing = false;
    for (const key of path) {
      if (isMapping(values) && Object.hasOwn(values, key)) values = values[key];
      else if (a.skip_missing === true) {
        missing = true;
        break;
      } else throw new FilterError(`could not find '${key}' key in iterated item '${pyStr(values)}'`);
    }
    if (missing) continue;
    if (!Array.isArray(values)) throw new FilterError(`the key ${path.join('.')} should point to a list, got '${pyStr(values)}'`);
    for (const v of values) out.push([obj, v]);
  }
  return out;
}

export const LIST_FILTERS: Record<string, Fn> = {
  zip_longest: zipLongest,
  product,
  permutations,
  combinations,
  min: extreme(-1),
  max: extreme(1),
  sum,
  shuffle,
  subelements,
};
