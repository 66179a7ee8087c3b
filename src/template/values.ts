/**
 * Values crossing the WASM boundary, and how Python would print or judge
 * them. minijinja-js hands maps back as `Map`, big integers as `BigInt`, and
 * None as `undefined`; the rest of playwatch wants plain JSON-like data.
 */

/** Converts engine output to plain data: `Map` → object, `BigInt` → number, `undefined` → null. */
export function toPlain(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v) out[String(k)] = toPlain(val);
    return out;
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) out[k] = toPlain(val);
    return out;
  }
  return v;
}

/** True for plain objects (mappings), false for arrays, null and scalars. */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Python/Jinja truthiness: empty strings, lists and dicts, 0 and None are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v) || typeof v === 'string') return v.length > 0;
  if (isMapping(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

/** What Python's `str()` prints: `True`, `None`, `['a', 1]`, `{'k': None}`. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** What Python's `repr()` prints for JSON-like data. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return reprString(v);
  if (typeof v === 'number') return reprNumber(v);
  if (typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  if (typeof v === 'object') {
    return `{${Object.entries(v).map(([k, x]) => `${reprString(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
  return String(v);
}

function reprNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/**
 * Python's `repr()` of a float: `3.0`, `0.1`, `1e+20`, `1e-05` (exponent
 * form below 1e-4 and from 1e16 up), where JavaScript prints `3` and
 * `100000000000000000000`.
 */
export function pyFloat(n: number): string {
  if (!Number.isFinite(n)) return reprNumber(n);
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mant, e] = n.toExponential().split('e');
  const exp = Number(e);
  if (exp >= -4 && exp < 16) {
    const s = String(n);
    return s.includes('.') ? s : s + '.0';
  }
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f') out += '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

const UNSAFE = new WeakSet<object>();
/**
 * Unsafe text: strings holding Jinja delimiters that came from data (a
 * lookup's result, a module's output). A string cannot carry a mark, so its
 * value is remembered; only strings with delimiters are kept, and those are
 * rare, so the set stays small. A long one (a whole template file's text)
 * is not kept: its container's mark still protects it.
 */
const UNSAFE_TEXT = new Set<string>();
const DELIMITERS = /\{\{|\{%|\{#/;
const UNSAFE_TEXT_MAX = 64 * 1024;

/**
 * Marks a value, and every list, mapping and string inside it, as data that
 * is never templated again: a module's result or a lookup's, as ansible-core
 * wraps them (`stdout` holding `{#` is text, not a comment to parse; a file
 * read by `lookup('file')` holding `{{ x }}` stays as written).
 */
export function markUnsafe<T>(v: T): T {
  if (typeof v === 'string') {
    if (v.length <= UNSAFE_TEXT_MAX && DELIMITERS.test(v)) UNSAFE_TEXT.add(v);
    return v;
  }
  if (typeof v !== 'object' || v === null || UNSAFE.has(v)) return v;
  UNSAFE.add(v);
  for (const x of Object.values(v)) markUnsafe(x);
  return v;
}

export function isUnsafe(v: unknown): boolean {
  if (typeof v === 'string') return UNSAFE_TEXT.has(v);
  return typeof v === 'object' && v !== null && UNSAFE.has(v);
}

/** True when a value is or (deeply) holds a string with Jinja delimiters (unsafe data holds none). */
export function holdsTemplate(v: unknown, isTemplated: (s: string) => boolean): boolean {
  if (typeof v === 'string') return isTemplated(v) && !UNSAFE_TEXT.has(v);
  if (isUnsafe(v)) return false;
  if (Array.isArray(v)) return v.some((x) => holdsTemplate(x, isTemplated));
  if (isMapping(v)) {
    for (const k in v) {
      if (isTemplated(k) || holdsTemplate(v[k], isTemplated)) return true;
    }
  }
  return false;
}
