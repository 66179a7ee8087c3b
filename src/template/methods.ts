import { rewriteTags } from './lexer.js';

/**
 * Python details minijinja lacks, rewritten before the engine sees a tag:
 * - `dict.get(key, default)`: minijinja's Python compatibility knows
 *   `d.get(key)` only, and `hostvars[h].get('port', 22)` is everyday
 *   Ansible. Each `X.get(args)` becomes `(X | __pw_get(args))`.
 * - backslashes in string literals (`rewriteEscapes`).
 */
export const GET_FILTER = '__pw_get';
const NEEDS_REWRITE = /\.get\s*\(/;
/** Escapes minijinja reads as Python does. */
const KNOWN_ESCAPE = /[nbfrt'"\\/uxU0-7\n]/;

export function rewriteExprGet(src: string): string {
  if (!NEEDS_REWRITE.test(src)) return src;
  return rewriteRange(src, 0, src.length);
}

/** The same, applied only inside `{{ }}` and `{% %}` tags of a template. */
export function rewriteTemplateGet(src: string): string {
  if (!NEEDS_REWRITE.test(src)) return src;
  return rewriteTags(src, rewriteRange);
}

function rewriteRange(src: string, start: number, end: number): string {
  let out = '';
  let i = start;
  while (i < end) {
    const c = src[i];
    if (c === '"' || c === "'") {
      const j = skipString(src, i, end);
      out += src.slice(i, j);
      i = j;
      continue;
    }
    const call = c === '.' ? /^\.get\s*\(/.exec(src.slice(i, Math.min(end, i + 12))) : null;
    const recvStart = call ? receiverStart(out) : -1;
    if (call && recvStart >= 0) {
      const open = i + call[0].length - 1;
      const close = matching(src, open, end);
      if (close >= 0) {
        const args = rewriteRange(src, open + 1, close);
        out = `${out.slice(0, recvStart)}(${out.slice(recvStart)} | ${GET_FILTER}(${args}))`;
        i = close + 1;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

/** Where the receiver of a method call ending `out` starts (a name with its `.attr`, `[key]` and `(…)` parts), or -1. */
function receiverStart(out: string): number {
  let j = out.length;
  for (;;) {
    const prev = out[j - 1];
    if (prev === ')' || prev === ']') {
      const open = prev === ')' ? '(' : '[';
      let depth = 0;
      let k = j - 1;
      for (; k >= 0; k--) {
        if (out[k] === prev) depth++;
        else if (out[k] === open && --depth === 0) break;
      }
      if (k < 0) return -1;
      j = k;
      // `(expr).get(…)` is a parenthesized receiver on its own; `x[k]` and `f(a)` go on to their name.
      if (prev === ')' && !/[\w\]).]$/.test(out.slice(0, j))) return j;
      continue;
    }
    const word = /[A-Za-z_][\w]*$/.exec(out.slice(0, j));
    if (!word) return -1;
    j -= word[0].length;
    if (out[j - 1] === '.') {
      j--;
      continue;
    }
    return j;
  }
}

/** The offset of the `)` closing the `(` at `open`, outside strings, or -1. */
function matching(src: string, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    const c = src[i];
    if (c === '"' || c === "'") {
      i = skipString(src, i, end) - 1;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (--depth === 0) return c === ')' ? i : -1;
    }
  }
  return -1;
}

/**
 * Backslashes in string literals, as ansible-core's Templar reads them:
 * inside `{{ }}` every backslash is literal (its escape_backslashes:
 * `regex_replace('(\\d+)', '\\1')` as written in YAML reaches the filter
 * as `(\d+)` and `\1`); inside `{% %}`, in conditions and in template
 * files, Python's escapes apply, and those Python keeps as written (`\d`)
 * or knows and minijinja refuses (`\a`, `\v`) are spelled so minijinja
 * reads them the same ("bad string escape" otherwise).
 * `how`: 'template' (by tag kind), 'text' (template files: Python's),
 * 'expr' (a bare expression printed as `{{ }}`), 'cond' (Python's).
 */
export function rewriteEscapes(src: string, how: 'template' | 'text' | 'expr' | 'cond'): string {
  if (!src.includes('\\')) return src;
  if (how === 'expr' || how === 'cond') return escapeRange(src, 0, src.length, how === 'expr');
  return rewriteTags(src, (s, start, end, kind) => escapeRange(s, start, end, how === 'template' && kind === 'expr'));
}

function escapeRange(src: string, start: number, end: number, literal: boolean): string {
  let out = '';
  let i = start;
  while (i < end) {
    const c = src[i];
    if (c === '"' || c === "'") {
      const j = skipString(src, i, end);
      const lit = src.slice(i, j);
      out += literal ? lit[0] + lit.slice(1, -1).replace(/\\/g, '\\\\') + lit.slice(-1) : pyEscapes(lit);
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** A string literal with the escapes Python keeps as written doubled, and \a, \v spelled in hex. */
function pyEscapes(lit: string): string {
  if (!lit.includes('\\')) return lit;
  return lit.replace(/\\([\s\S])/g, (m, ch: string) => {
    if (ch === 'a') return '\\x07';
    if (ch === 'v') return '\\x0b';
    return KNOWN_ESCAPE.test(ch) ? m : '\\\\' + ch;
  });
}

function skipString(src: string, i: number, end: number): number {
  const quote = src[i];
  let j = i + 1;
  while (j < end && src[j] !== quote) j += src[j] === '\\' ? 2 : 1;
  return Math.min(end, j + 1);
}
