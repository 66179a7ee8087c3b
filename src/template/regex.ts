/**
 * Ansible's regex filters and tests over JS RegExp. Playbooks are written
 * with Python's `re` syntax; pyre.ts translates it (`(?P<n>...)`, `\A`,
 * `\Z`, leading `(?i)`-style flags, `$` before a final newline, `.` not
 * matching only "\n") and Python's replacement templates (`\1`, `\g<n>`).
 */
import { FilterError } from './engine.js';
import { bind, splitArgs, text } from './params.js';
import { pyCompile, pyTemplate } from './pyre.js';

interface Flags {
  ignorecase?: unknown;
  multiline?: unknown;
}

/** Compiles a Python-syntax pattern. `global` is for replace/findall. */
export function pyRegExp(pattern: string, opts: Flags, global = false, full = false): RegExp {
  try {
    return pyCompile(pattern, { ignorecase: Boolean(opts.ignorecase), multiline: Boolean(opts.multiline), full }, global ? 'g' : '').re;
  } catch (e) {
    throw new FilterError((e as Error).message);
  }
}

/** Python `re.sub` replacement text (`\1`, `\g<1>`, `\g<name>`, `\n`) as a JS replacer. */
function pyReplacer(template: string): (m: RegExpExecArray) => string {
  try {
    const expand = pyTemplate(template);
    return (m) => {
      try {
        return expand(m);
      } catch (e) {
        throw new FilterError((e as Error).message);
      }
    };
  } catch (e) {
    throw new FilterError((e as Error).message);
  }
}

/** `regex_replace(pattern, replacement, ignorecase=False, multiline=False, count=0)` */
export function regexReplace(value: unknown, ...raw: unknown[]): string {
  const a = bind(raw, ['pattern', 'replacement', 'ignorecase', 'multiline', 'count']);
  const re = pyRegExp(text(a.pattern), a, true);
  const replace = pyReplacer(text(a.replacement));
  const limit = Number(a.count ?? 0);
  const s = text(value);
  let out = '';
  let last = 0;
  let n = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (limit > 0 && n >= limit) break;
    out += s.slice(last, m.index) + replace(m);
    last = m.index + m[0].length;
    n++;
    if (m[0].length === 0) re.lastIndex++;
  }
  return out + s.slice(last);
}

/** `regex_search(pattern, '\\1', '\\g<name>', ignorecase=..., multiline=...)`: match, groups list, or None. */
export function regexSearch(value: unknown, ...raw: unknown[]): unknown {
  const { positional, kwargs } = splitArgs(raw, ['ignorecase', 'multiline']);
  const [pattern, ...groupArgs] = positional;
  const groups = groupArgs.map((g) => {
    const s = text(g);
    const named = /^\\g<(\S+)>$/.exec(s);
    if (named) return /^\d+$/.test(named[1]) ? Number(named[1]) : named[1];
    const num = /^\\(\d+)$/.exec(s);
    if (num) return Number(num[1]);
    throw new FilterError(`regex_search: unknown argument '${s}'`);
  });
  const m = pyRegExp(text(pattern), kwargs).exec(text(value));
  if (!m) return null;
  if (groups.length === 0) return m[0];
  return groups.map((g) => (typeof g === 'number' ? m[g] : m.groups?.[g]) ?? null);
}

/** `regex_findall(pattern)`: all matches; with groups, the group texts (a list per match for several). */
export function regexFindall(value: unknown, ...raw: unknown[]): unknown[] {
  const a = bind(raw, ['pattern', 'multiline', 'ignorecase']);
  const re = pyRegExp(text(a.pattern), a, true);
  const out: unknown[] = [];
  const s = text(value);
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const groups = m.slice(1).map((g) => g ?? '');
    out.push(groups.length === 0 ? m[0] : groups.length === 1 ? groups[0] : groups);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

/** `regex_escape()`: Python's `re.escape`. */
export function regexEscape(value: unknown): string {
  return text(value).replace(/[^A-Za-z0-9_]/g, (c) => (c.charCodeAt(0) > 127 ? c : '\\' + c));
}

/** Tests `match` (anchored at the start), `search`, and `regex(match_type=...)`. */
export function regexTest(kind: 'match' | 'search' | 'regex') {
  return (value: unknown, ...raw: unknown[]): boolean => {
    const a = bind(raw, ['pattern', 'ignorecase', 'multiline', 'match_type']);
    const type = kind === 'regex' ? text(a.match_type ?? 'search') : kind;
    const re = pyRegExp(text(a.pattern), a, true);
    const s = text(value);
    if (type === 'match') {
      re.lastIndex = 0;
      const m = re.exec(s);
      return m !== null && m.index === 0;
    }
    if (type === 'fullmatch') return pyRegExp(text(a.pattern), a, false, true).test(s);
    if (type === 'search') return re.test(s);
    throw new FilterError(`regex test: unknown match_type '${type}'`);
  };
}
