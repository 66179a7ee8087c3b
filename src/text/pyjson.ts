/**
 * JSON text the way ansible's callbacks print results: Python's
 * `json.dumps(result, sort_keys=True, ensure_ascii=False)`, so `", "` and
 * `": "` separators on one line, or `indent=4` with `","` at line ends.
 */
export function pyJson(value: unknown, indent?: number): string {
  return dump(value, indent, 0);
}

function dump(value: unknown, indent: number | undefined, depth: number): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return number(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      // functions and symbols are not data; Python would refuse, we print null.
      return 'null';
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    return container('[', ']', value.map((v) => dump(v, indent, depth + 1)), indent, depth);
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort(compareCodePoints);
  const parts = keys.map((k) => `${JSON.stringify(k)}: ${dump(obj[k], indent, depth + 1)}`);
  return container('{', '}', parts, indent, depth);
}

function container(open: string, close: string, parts: string[], indent: number | undefined, depth: number): string {
  if (parts.length === 0) return open + close;
  if (indent === undefined) return open + parts.join(', ') + close;
  const inner = ' '.repeat(indent * (depth + 1));
  const outer = ' '.repeat(indent * depth);
  return `${open}\n${inner}${parts.join(`,\n${inner}`)}\n${outer}${close}`;
}

/** Python prints non-finite floats as NaN/Infinity; finite ones as JS does. */
function number(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return String(n);
}

/**
 * Python sorts str keys by code point, not by UTF-16 unit. The two orders
 * differ only where a surrogate meets another unit from U+D800 up, so units
 * are compared directly until then (keys are sorted for every result shown).
 */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    return x >= 0xd800 || y >= 0xd800 ? compareSpread(a, b) : x - y;
  }
  return a.length - b.length;
}

function compareSpread(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
