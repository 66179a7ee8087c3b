/** Lookups that reshape the data they are given: the old `with_*` loops. */
import { randomInt } from 'node:crypto';
import { pyFormat } from '../format.js';
import { isMapping, pyRepr } from '../values.js';
import { parseKv } from './kv.js';
import { bool, flatten, LookupFailure, termList, type Lookup, type LookupCtx } from './types.js';

const items: Lookup = { options: [], run: (terms) => flatten(termList(terms)) };

const list: Lookup = {
  options: [],
  run: (terms) => {
    if (!Array.isArray(terms)) throw new LookupFailure('with_list expects a list');
    return terms;
  },
};

const dict: Lookup = {
  options: [],
  run: (terms) => {
    const all = Array.isArray(terms) ? terms : [terms];
    return all.flatMap((t) => {
      if (!isMapping(t)) throw new LookupFailure('with_dict expects a dict');
      return Object.entries(t).map(([key, value]) => ({ key, value }));
    });
  },
};

const indexedItems: Lookup = {
  options: [],
  run: (terms) => {
    if (!Array.isArray(terms)) throw new LookupFailure('with_indexed_items expects a list');
    return flatten(terms).map((item, i) => [i, item]);
  },
};

/** listify_lookup_plugin_terms of one term: a string is templated, then a scalar becomes a list. */
function listify(term: unknown, ctx: LookupCtx): unknown[] {
  const v = typeof term === 'string' ? ctx.render(term.trim()) : term;
  return termList(v);
}

const nested: Lookup = {
  options: [],
  run: (terms, _o, ctx) => {
    const lists = termList(terms).map((t) => listify(t, ctx));
    if (lists.length === 0) throw new LookupFailure('with_nested requires at least one element in the nested list');
    let result: unknown[] = lists[0];
    for (const next of lists.slice(1)) result = result.flatMap((x) => next.map((y) => flatten([x, y])));
    return result.map((x) => (Array.isArray(x) ? flatten(x) : x));
  },
};

const together: Lookup = {
  options: [],
  run: (terms, _o, ctx) => {
    const lists = termList(terms).map((t) => listify(t, ctx));
    if (lists.length === 0) throw new LookupFailure('with_together requires at least one element in each list');
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => flatten(lists.map((l) => (i < l.length ? l[i] : null))));
  },
};

const subelements: Lookup = {
  // skip_missing comes in the third term (`{'skip_missing': True}`), never as a keyword.
  options: [],
  run: (raw, _o, ctx) => {
    const terms = termList(raw).slice();
    const bad = (msg = '') => new LookupFailure(`subelements lookup expects a list of two or three items, ${msg}`);
    if (terms.length < 2 || terms.length > 3) throw bad();
    const first = typeof terms[0] === 'string' ? ctx.render(terms[0].trim()) : terms[0];
    if (!(Array.isArray(first) || isMapping(first)) || typeof terms[1] !== 'string') {
      throw bad('first a dict or a list, second a string pointing to the subkey');
    }
    if (isMapping(first) && first.skipped !== undefined && first.skipped !== false) return [];
    // A copy: the sublists are popped out of the elements, never out of the variables.
    const elements = structuredClone(Array.isArray(first) ? first : Object.values(first));
    const flags = terms[2] ?? {};
    if (!isMapping(flags)) throw bad("the optional third item must be a dict with flags ('skip_missing',)");
    const skipMissing = bool(flags.skip_missing ?? false);
    const path = terms[1].split('.');
    const out: unknown[] = [];
    for (const item0 of elements) {
      if (!isMapping(item0)) throw new LookupFailure(`subelements lookup expects a dictionary, got '${pyRepr(item0)}'`);
      if (item0.skipped !== undefined && item0.skipped !== false) continue;
      const sub = sublist(item0, path, skipMissing);
      for (const item1 of sub) out.push([item0, item1]);
    }
    return out;
  },
};

/** The list at `path` inside `item0`, removed from it as ansible-core pops it. */
function sublist(item0: Record<string, unknown>, path: string[], skipMissing: boolean): unknown[] {
  let cur: Record<string, unknown> = item0;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    if (!(key in cur)) {
      if (skipMissing) return [];
      throw new LookupFailure(`could not find '${key}' key in iterated item '${pyRepr(cur)}'`);
    }
    const v = cur[key];
    if (i < path.length - 1) {
      if (!isMapping(v)) {
        if (skipMissing) return [];
        throw new LookupFailure(`the key ${key} should point to a dictionary, got '${pyRepr(v)}'`);
      }
      cur = v;
      continue;
    }
    if (!Array.isArray(v)) throw new LookupFailure(`the key ${key} should point to a list, got '${pyRepr(v)}'`);
    // ansible-core pops the sublist out of the element it yields.
    delete cur[key];
    return v;
  }
  return [];
}

const NUM = '(0?x?[0-9a-f]+)';
const SHORTCUT = new RegExp(`^(${NUM}-)?${NUM}(/${NUM})?(:(.+))?$`, 'i');

/** Python's `int(s, 0)`: decimal, 0x hex, 0o/0 octal. */
function int0(name: string, s: string): number {
  const t = s.trim().toLowerCase();
  let n = NaN;
  if (/^[+-]?0x[0-9a-f]+$/.test(t)) n = parseInt(t.replace('0x', ''), 16) * (t.startsWith('-') ? -1 : 1);
  else if (/^[+-]?0o[0-7]+$/.test(t)) n = parseInt(t.replace('0o', ''), 8) * (t.startsWith('-') ? -1 : 1);
  else if (/^[+-]?(0|[1-9]\d*)$/.test(t)) n = Number(t);
  if (Number.isNaN(n)) throw new LookupFailure(`can't parse ${name}=${s} as integer`);
  return n;
}

const sequence: Lookup = {
  options: ['start', 'end', 'count', 'stride', 'format'],
  run: (terms) => termList(terms).flatMap((t) => oneSequence(String(t))),
};

function oneSequence(term: string): string[] {
  const s = { start: 1, end: undefined as number | undefined, count: undefined as number | undefined, stride: 1, format: '%d' };
  const m = SHORTCUT.exec(term);
  if (m) {
    if (m[2] !== undefined) s.start = int0('start', m[2]);
    s.end = int0('end', m[3]);
    if (m[5] !== undefined) s.stride = int0('stride', m[5]);
    if (m[7] !== undefined) s.format = m[7];
  } else {
    const kv = parseKv(term);
    for (const k of ['start', 'end', 'count', 'stride'] as const) {
      if (kv[k] !== undefined) s[k] = int0(k, kv[k]);
      delete kv[k];
    }
    if (kv.format !== undefined) s.format = kv.format;
    delete kv.format;
    const rest = Object.keys(kv);
    if (rest.length) throw new LookupFailure(`unrecognized arguments to with_sequence: [${rest.map((k) => pyRepr(k)).join(', ')}]`);
  }
  if (s.count === undefined && s.end === undefined) throw new LookupFailure('must specify count or end in with_sequence');
  if (s.count !== undefined && s.end !== undefined) throw new LookupFailure("can't specify both count and end in with_sequence");
  if (s.count !== undefined) {
    if (s.count !== 0) s.end = s.start + s.count * s.stride - 1;
    else [s.start, s.end, s.stride] = [0, 0, 0];
  }
  const end = s.end!;
  if (s.stride > 0 && end < s.start) throw new LookupFailure('to count backwards make stride negative');
  if (s.stride < 0 && end > s.start) throw new LookupFailure("to count forward don't make stride negative");
  if ((s.format.match(/%/g) ?? []).length !== 1) throw new LookupFailure(`bad formatting string: ${s.format}`);
  if (s.stride === 0) return [];
  const out: string[] = [];
  const stop = end + (s.stride > 0 ? 1 : -1);
  for (let i = s.start; s.stride > 0 ? i < stop : i > stop; i += s.stride) out.push(pyFormat(s.format, i));
  return out;
}

const randomChoice: Lookup = {
  options: [],
  run: (terms) => {
    const all = termList(terms);
    return all.length ? [all[randomInt(all.length)]] : all;
  },
};

export const DATA_LOOKUPS: Record<string, Lookup> = {
  items,
  list,
  dict,
  indexed_items: indexedItems,
  nested,
  together,
  subelements,
  sequence,
  random_choice: randomChoice,
};
