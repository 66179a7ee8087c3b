/**
 * Which scope names a template or expression reads. The engine copies its
 * whole context into WASM on every call, so callers hand it only these names;
 * they are also what lazy variable templating resolves and what an
 * "is undefined" error names.
 */
import { scanTags, tokenize, type Token } from './lexer.js';

export interface Analysis {
  /** Top-level names read from the scope, in order of first use. */
  names: string[];
  /** Attribute chains read from those names: `r.stat.exists` → `['r', 'stat', 'exists']`. */
  chains: string[][];
  /**
   * For names only ever read through one key (`hostvars['web1']`,
   * `hostvars[inventory_hostname]`), those keys, so a call can hand the
   * engine a narrow view instead of the whole mapping. Absent when a name is
   * used any other way.
   */
  keys: Map<string, Key[]>;
  /**
   * True when the source tests definedness, defaults, or branches
   * (`is defined`, `default`, `if`, `and`, `or`, `none`, `mandatory`), so a
   * missing name is not necessarily an error and the engine must decide.
   */
  guarded: boolean;
}

export interface TemplateAnalysis extends Analysis {
  /** The template with each `{{ E }}` printing through the `__pw_str` filter. */
  rewritten: string;
  /** True when the whole template is one `{{ expr }}` tag, whitespace around it allowed. */
  single: boolean;
  /** The inner expression when `single`. */
  expr: string;
  /** Whitespace around a single tag, kept when its value is a string (empty when trimmed by `-`). */
  lead: string;
  trail: string;
}

/** Name of the filter the rewritten output tags print through. */
export const PRINT_FILTER = '__pw_str';
/** The template-local each printed expression is set to before printing. */
const PRINT_LOCAL = '__pw_v';

/** Words that never name a variable inside an expression. */
const KEYWORDS = new Set([
  'and', 'or', 'not', 'in', 'is', 'if', 'else', 'elif',
  'true', 'false', 'none', 'True', 'False', 'None',
]);
/** Names the engine provides itself, and template-local magic names. */
const BUILTIN_NAMES = new Set([
  'range', 'dict', 'namespace', 'cycler', 'joiner', 'debug',
  'loop', 'self', 'varargs', 'kwargs', 'caller', 'super',
]);
const GUARDS = new Set(['defined', 'undefined', 'default', 'd', 'if', 'and', 'or', 'none', 'None', 'mandatory']);

/** A key read from a name: a literal, or the value of another variable. */
export type Key = { literal: string } | { variable: string };

interface Acc {
  refs: string[];
  chains: string[][];
  /** Per name, the keys it is read through; null once it is read whole. */
  keys: Map<string, Key[] | null>;
  locals: Set<string>;
  guarded: boolean;
}

const CACHE_LIMIT = 4000;
const exprCache = new Map<string, Analysis>();
const templateCache = new Map<string, TemplateAnalysis>();

/** Names read by a bare expression such as `item.name | upper`. Cached per source. */
export function analyzeExpr(src: string): Analysis {
  let a = exprCache.get(src);
  if (!a) {
    const acc = newAcc();
    walkExpr(tokenize(src), 0, acc);
    a = finish(acc);
    remember(exprCache, src, a);
  }
  return a;
}

/** Names read by a template such as `{{ base }}/app`, plus its rewritten source. Cached per source. */
export function analyzeTemplate(src: string): TemplateAnalysis {
  let a = templateCache.get(src);
  if (!a) {
    a = buildTemplateAnalysis(src);
    remember(templateCache, src, a);
  }
  return a;
}

function buildTemplateAnalysis(src: string): TemplateAnalysis {
  const acc = newAcc();
  const tags = scanTags(src);
  let rewritten = '';
  let last = 0;
  for (const tag of tags) {
    const tokens = tokenize(src, tag.start, tag.end);
    if (tag.kind === 'stmt') {
      walkStatement(tokens, acc);
      continue;
    }
    walkExpr(tokens, 0, acc);
    if (tokens.length === 0) continue;
    const inner = src.slice(tag.start, tag.end);
    // Evaluated once into a local, then printed knowing whether it is a float (3.0 prints as 3.0).
    const open = src.lastIndexOf('{{', tag.start);
    const mark = src.slice(open + 2, tag.start);
    rewritten +=
      src.slice(last, open) +
      `{%${mark} set ${PRINT_LOCAL} = (${inner}) %}{{ ${PRINT_LOCAL} | ${PRINT_FILTER}(${PRINT_LOCAL} is undefined, ${PRINT_LOCAL} is float)`;
    last = tag.end;
  }
  rewritten += src.slice(last);
  const only = tags.length === 1 && tags[0].kind === 'expr' ? tags[0] : undefined;
  const before = only ? /^(\s*)\{\{([-+]?)$/.exec(src.slice(0, only.start)) : null;
  const after = only ? /^([-+]?)\}\}(\s*)$/.exec(src.slice(only.end)) : null;
  const single = before !== null && after !== null;
  const expr = single ? src.slice(only!.start, only!.end).trim() : '';
  const lead = before && before[2] !== '-' ? before[1] : '';
  const trail = after && after[1] !== '-' ? after[2] : '';
  return { ...finish(acc), rewritten, single, expr, lead, trail };
}

function newAcc(): Acc {
  return { refs: [], chains: [], keys: new Map(), locals: new Set(), guarded: false };
}

function finish(acc: Acc): Analysis {
  const keep = (n: string) => !acc.locals.has(n) && !BUILTIN_NAMES.has(n);
  const keys = new Map<string, Key[]>();
  for (const [name, list] of acc.keys) if (list && keep(name)) keys.set(name, list);
  return {
    names: [...new Set(acc.refs)].filter(keep),
    chains: acc.chains.filter((c) => keep(c[0])),
    keys,
    guarded: acc.guarded,
  };
}

function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  // Crude bound: playbooks hold a few thousand distinct strings at most.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
}

/** Handles `{% ... %}`: statement keywords bind locals; the rest are expressions. */
function walkStatement(tokens: Token[], acc: Acc): void {
  const head = tokens[0]?.kind === 'name' ? tokens[0].value : '';
  switch (head) {
    case 'for': {
      const inAt = tokens.findIndex((t, i) => i > 0 && t.kind === 'name' && t.value === 'in');
      const targets = inAt < 0 ? tokens.slice(1) : tokens.slice(1, inAt);
      for (const t of targets) if (t.kind === 'name') acc.locals.add(t.value);
      if (inAt >= 0) walkExpr(tokens, inAt + 1, acc);
      return;
    }
    case 'set':
    case 'with': {
      const eq = tokens.findIndex((t) => t.kind === 'op' && t.value === '=');
      const targets = eq < 0 ? tokens.slice(1) : tokens.slice(1, eq);
      targets.forEach((t, i) => {
        if (t.kind === 'name' && !isOp(targets[i - 1], '.')) acc.locals.add(t.value);
      });
      if (eq >= 0) walkExpr(tokens, eq + 1, acc);
      return;
    }
    case 'macro':
    case 'import':
    case 'from':
    case 'include':
    case 'extends':
    case 'block':
      for (const t of tokens) if (t.kind === 'name') acc.locals.add(t.value);
      return;
    case 'filter':
      // `{% filter upper %}`: the first name is a filter, not a variable.
      walkExpr([{ kind: 'op', value: '|' }, ...tokens.slice(1)], 0, acc);
      return;
    case 'if':
    case 'elif':
      acc.guarded = true;
      walkExpr(tokens, 1, acc);
      return;
    default:
      walkExpr(tokens, 1, acc);
  }
}

/** Records the variable references among `tokens[from..]`. */
function walkExpr(tokens: Token[], from: number, acc: Acc): void {
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind !== 'name') continue;
    const reference = isReference(tokens, k, from);
    // A variable named `d` or `default` guards nothing; the filter, test or keyword does.
    if (GUARDS.has(t.value) && !reference) acc.guarded = true;
    if (!reference) continue;
    acc.refs.push(t.value);
    acc.chains.push(chainFrom(tokens, k));
    const key = keyAfter(tokens, k);
    const known = acc.keys.get(t.value);
    acc.keys.set(t.value, key && known !== null ? [...(known ?? []), key] : null);
  }
}

function isReference(tokens: Token[], k: number, from: number): boolean {
  const name = tokens[k].value;
  if (KEYWORDS.has(name)) return false;
  const prev = k > from ? tokens[k - 1] : undefined;
  const prev2 = k - 1 > from ? tokens[k - 2] : undefined;
  if (prev?.kind === 'op' && (prev.value === '.' || prev.value === '|')) return false;
  if (prev?.kind === 'name' && prev.value === 'is') return false;
  if (prev?.kind === 'name' && prev.value === 'not' && prev2?.kind === 'name' && prev2.value === 'is') return false;
  const next = tokens[k + 1];
  // `default(x, recursive=True)`: a keyword argument's name.
  if (next?.kind === 'op' && next.value === '=') return false;
  return true;
}

/** `r.stat.exists` or `r['stat']` from the name at `k`; stops before method calls. */
function chainFrom(tokens: Token[], k: number): string[] {
  const chain = [tokens[k].value];
  let j = k + 1;
  for (;;) {
    const a = tokens[j];
    const b = tokens[j + 1];
    const c = tokens[j + 2];
    if (isOp(a, '.') && b?.kind === 'name' && !isOp(c, '(')) {
      chain.push(b.value);
      j += 2;
    } else if (isOp(a, '[') && (b?.kind === 'str' || b?.kind === 'num') && isOp(c, ']')) {
      chain.push(b.value);
      j += 3;
    } else {
      return chain;
    }
  }
}

/** The key in `name.key`, `name['key']` or `name[var]` right after the name at `k`. */
function keyAfter(tokens: Token[], k: number): Key | undefined {
  const [a, b, c] = [tokens[k + 1], tokens[k + 2], tokens[k + 3]];
  if (isOp(a, '.') && b?.kind === 'name' && !isOp(c, '(')) return { literal: b.value };
  if (!isOp(a, '[') || !isOp(c, ']')) return undefined;
  if (b?.kind === 'str' || b?.kind === 'num') return { literal: b.value };
  if (b?.kind === 'name' && !KEYWORDS.has(b.value)) return { variable: b.value };
  return undefined;
}

function isOp(t: Token | undefined, value: string): boolean {
  return t?.kind === 'op' && t.value === value;
}
