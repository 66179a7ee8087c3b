/**
 * A small Jinja lexer: enough to split a template into text and tags and to
 * cut expressions into tokens. It never evaluates anything; the real engine
 * does that. It exists to find the names a template references (so only those
 * are copied into WASM) and to rewrite `{{ }}` output tags.
 */

export type TokenKind = 'name' | 'str' | 'num' | 'op';

export interface Token {
  kind: TokenKind;
  /** For `str`, the unquoted text; otherwise the source text. */
  value: string;
}

/** One `{{ }}` or `{% %}` tag: where its inner expression text sits in the source. */
export interface Tag {
  kind: 'expr' | 'stmt';
  /** Offsets of the inner text, after `{{`/`{%` and any `-`/`+` modifier. */
  start: number;
  end: number;
}

const OPS3 = new Set(['...']);
const OPS2 = new Set(['==', '!=', '<=', '>=', '//', '**']);

/** Cuts a Jinja expression into tokens. Unterminated strings end at the input's end. */
export function tokenize(src: string, start = 0, end = src.length): Token[] {
  const out: Token[] = [];
  let i = start;
  while (i < end) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '"' || c === "'") {
      const close = skipString(src, i, end);
      out.push({ kind: 'str', value: unescape(src.slice(i + 1, close - 1)) });
      i = close;
    } else if (isDigit(c)) {
      let j = i + 1;
      while (j < end && /[0-9_.eE]/.test(src[j])) j++;
      out.push({ kind: 'num', value: src.slice(i, j) });
      i = j;
    } else if (isNameStart(c)) {
      let j = i + 1;
      while (j < end && isNamePart(src[j])) j++;
      out.push({ kind: 'name', value: src.slice(i, j) });
      i = j;
    } else {
      const three = src.slice(i, i + 3);
      const two = src.slice(i, i + 2);
      const op = OPS3.has(three) ? three : OPS2.has(two) ? two : c;
      out.push({ kind: 'op', value: op });
      i += op.length;
    }
  }
  return out;
}

/**
 * Finds the tags of a template, skipping `{# #}` comments and `{% raw %}`
 * sections. A tag that never closes runs to the end of the source (the
 * engine reports the syntax error).
 */
export function scanTags(src: string): Tag[] {
  const tags: Tag[] = [];
  let i = 0;
  for (;;) {
    const open = src.indexOf('{', i);
    if (open < 0 || open + 1 >= src.length) return tags;
    const kind = src[open + 1];
    if (kind === '#') {
      const close = src.indexOf('#}', open + 2);
      if (close < 0) return tags;
      i = close + 2;
      continue;
    }
    if (kind !== '{' && kind !== '%') {
      i = open + 1;
      continue;
    }
    let start = open + 2;
    if (src[start] === '-' || src[start] === '+') start++;
    const closer = kind === '{' ? '}}' : '%}';
    const close = findClose(src, start, closer);
    let end = close;
    if (end > start && (src[end - 1] === '-' || src[end - 1] === '+')) end--;
    const tag: Tag = { kind: kind === '{' ? 'expr' : 'stmt', start, end };
    i = Math.min(src.length, close + 2);
    if (tag.kind === 'stmt' && firstWord(src, start, end) === 'raw') {
      i = skipRaw(src, i);
      continue;
    }
    tags.push(tag);
  }
}

/** The offset of `closer` outside strings and brackets, or the source length. */
function findClose(src: string, from: number, closer: string): number {
  let depth = 0;
  let i = from;
  while (i < src.length) {
    const c = src[i];
    if (c === '"' || c === "'") {
      i = skipString(src, i, src.length);
      continue;
    }
    if (depth === 0 && src.startsWith(closer, i)) return i;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    i++;
  }
  return src.length;
}

function skipRaw(src: string, from: number): number {
  const re = /\{%[-+]?\s*endraw\s*[-+]?%\}/g;
  re.lastIndex = from;
  const m = re.exec(src);
  return m ? m.index + m[0].length : src.length;
}

function firstWord(src: string, start: number, end: number): string {
  const m = /^\s*([A-Za-z_]\w*)/.exec(src.slice(start, end));
  return m ? m[1] : '';
}

/** Offset just past the string literal starting at `i`. */
function skipString(src: string, i: number, end: number): number {
  const quote = src[i];
  let j = i + 1;
  while (j < end && src[j] !== quote) j += src[j] === '\\' ? 2 : 1;
  return Math.min(end, j + 1);
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, ch: string) => ({ n: '\n', t: '\t', r: '\r' })[ch] ?? ch);
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c > '\x7f';
}

function isNamePart(c: string): boolean {
  return isNameStart(c) || isDigit(c);
}

/** `src` with the inside of each `{{ }}`/`{% %}` tag replaced by `rewrite(src, start, end)`; text between tags kept. */
export function rewriteTags(src: string, rewrite: (src: string, start: number, end: number, kind: Tag['kind']) => string): string {
  let out = '';
  let last = 0;
  for (const tag of scanTags(src)) {
    out += src.slice(last, tag.start) + rewrite(src, tag.start, tag.end, tag.kind);
    last = tag.end;
  }
  return out + src.slice(last);
}
