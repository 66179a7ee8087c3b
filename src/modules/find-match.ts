/**
 * The filters of ansible-core's `find`, applied on the controller to what
 * the target listed: name patterns (Python `fnmatch` globs, or Python
 * regexes matched at the start of the name), `age` and `size` with their
 * units. `contains` runs on the target (`grep`), so its Python regex is
 * turned into an extended regex there.
 */
import { fnmatchToRegExp } from '../model/index.js';

/** A compiled name filter: `patterns` less `excludes`, as ansible-core's `pfilter`. */
export type NameFilter = (name: string) => boolean;

/** Python `re` syntax JS spells differently: named groups and their back-references. */
function pythonRegex(p: string): RegExp {
  const js = p.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>');
  // re.match anchors at the start only.
  return new RegExp(`^(?:${js})`, 's');
}

/** The name filter, or an Error naming the bad pattern. */
export function nameFilter(patterns: string[], excludes: string[], useRegex: boolean): NameFilter | Error {
  const compile = (p: string): RegExp | Error => {
    try {
      return useRegex ? pythonRegex(p) : fnmatchToRegExp(p);
    } catch (err) {
      return new Error(`invalid pattern '${p}': ${(err as Error).message}`);
    }
  };
  const pats = (patterns.length ? patterns : [useRegex ? '.*' : '*']).map(compile);
  const excl = excludes.map(compile);
  const bad = [...pats, ...excl].find((r) => r instanceof Error);
  if (bad) return bad as Error;
  const p = pats as RegExp[];
  const e = excl as RegExp[];
  return (name) => p.some((r) => r.test(name)) && !e.some((r) => r.test(name));
}

const AGE_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `age: 2d` → seconds (negative: younger than), or undefined when it does not parse. */
export function parseAge(v: string): number | undefined {
  const m = /^(-?\d+)(s|m|h|d|w)?$/.exec(v.toLowerCase());
  return m ? Number(m[1]) * AGE_UNITS[m[2] ?? 's'] : undefined;
}

/** `size: 10m` → bytes (negative: at most), or undefined when it does not parse. */
export function parseSize(v: string): number | undefined {
  const m = /^(-?\d+)(b|k|m|g|t)?$/.exec(v.toLowerCase());
  return m ? Number(m[1]) * SIZE_UNITS[m[2] ?? 'b'] : undefined;
}

/** ansible-core's `agefilter`: at least `age` seconds old, or (negative) at most. */
export function ageMatches(now: number, stamp: number, age: number | undefined): boolean {
  if (age === undefined) return true;
  return age >= 0 ? now - stamp >= age : now - stamp <= -age;
}

/** ansible-core's `sizefilter`: at least `size` bytes, or (negative) at most. */
export function sizeMatches(size: number, want: number | undefined): boolean {
  if (want === undefined) return true;
  return want >= 0 ? size >= want : size <= -want;
}

/**
 * A Python regex as a POSIX extended regex for `grep -E`: the character
 * class escapes spelled as bracket classes and non-capturing groups as
 * groups. Line mode anchors at the line start, as `re.match` on each line.
 */
export function grepPattern(p: string, wholeFile: boolean): string {
  const classes: Record<string, string> = {
    d: '[0-9]', D: '[^0-9]', s: '[[:space:]]', S: '[^[:space:]]', w: '[[:alnum:]_]', W: '[^[:alnum:]_]',
  };
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\' && i + 1 < p.length) {
      const n = p[i + 1];
      out += classes[n] ?? `\\${n}`;
      i++;
    } else if (c === '(' && p.startsWith('(?:', i)) {
      out += '(';
      i += 2;
    } else out += c;
  }
  return wholeFile ? out : `^(${out})`;
}
