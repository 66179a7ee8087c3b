/**
 * `key=value` argument strings, with ansible's parse_kv semantics: words are
 * split on spaces and newlines, except inside quotes and inside Jinja
 * `{{ }}`, `{% %}`, `{# #}`; a word with an unescaped `=` is an option; the
 * rest are raw params (`command: ls -l chdir=/tmp`).
 */
import type { Vars } from '../model/index.js';

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Thrown for unbalanced quotes or Jinja delimiters; callers add a position. */
export class SplitError extends Error {}

/** Splits an argument string into words, keeping their offsets. */
export function splitArgs(s: string): Token[] {
  const tokens: Token[] = [];
  let quote = '';
  let depth = 0;
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const prev = i > 0 ? s[i - 1] : '';
    if (quote) {
      if (c === quote && prev !== '\\') quote = '';
      continue;
    }
    if (depth === 0 && (c === ' ' || c === '\n')) {
      if (start >= 0) tokens.push({ text: s.slice(start, i), start, end: i });
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    const two = s.slice(i, i + 2);
    if (two === '{{' || two === '{%' || two === '{#') {
      depth++;
      i++;
    } else if (depth > 0 && (two === '}}' || two === '%}' || two === '#}')) {
      depth--;
      i++;
    } else if ((c === '"' || c === "'") && prev !== '\\') {
      quote = c;
    }
  }
  if (quote) throw new SplitError(`unbalanced ${quote === '"' ? 'double' : 'single'} quote in arguments`);
  if (depth > 0) throw new SplitError('unbalanced Jinja block ({{ or {%) in arguments');
  if (start >= 0) tokens.push({ text: s.slice(start), start, end: s.length });
  return tokens;
}

/** Removes one pair of matching outer quotes. */
export function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] && s[s.length - 2] !== '\\') {
    return s.slice(1, -1);
  }
  return s;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0' };

/** Decodes backslash escapes in an option value, as parse_kv does. */
function decodeEscapes(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (m, e: string) => {
    if (e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? m;
  });
}

/** Index of the first `=` not escaped by a backslash, or -1. */
function optionEquals(word: string): number {
  for (let i = 1; i < word.length; i++) {
    if (word[i] === '=' && word[i - 1] !== '\\') return i;
  }
  return -1;
}

/**
 * Parses `k=v` words. With `rawOptions`, only those option words are taken
 * as options and every other word stays in `_raw_params` (free-form
 * modules); otherwise any `k=v` word is an option. Raw params keep the text
 * between adjacent raw words as written, so multi-line scripts survive.
 */
export function parseKv(s: string, rawOptions?: ReadonlySet<string>): Vars {
  const options: Vars = {};
  const tokens = splitArgs(s);
  let raw = '';
  let lastRaw = -1;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const eq = optionEquals(tok.text);
    const key = eq > 0 ? tok.text.slice(0, eq).trim() : '';
    // A templated key (`set_fact: "{{ item }}=moo"`) is an option too, as in ansible-core's parse_kv.
    const templatedKey = /^[^\s=]*\{\{[^=]*\}\}[^\s=]*$/.test(key);
    const isOption = eq > 0 && (/^[A-Za-z_][\w.-]*$/.test(key) || templatedKey) && (!rawOptions || rawOptions.has(key));
    if (isOption) {
      options[key] = unquote(decodeEscapes(tok.text.slice(eq + 1).trim()));
      continue;
    }
    const text = eq < 0 && tok.text.includes('\\=') ? tok.text.replace(/\\=/g, '=') : tok.text;
    if (lastRaw >= 0) raw += lastRaw === i - 1 ? s.slice(tokens[lastRaw].end, tok.start) : ' ';
    raw += text;
    lastRaw = i;
  }
  if (raw) options._raw_params = raw;
  return options;
}
