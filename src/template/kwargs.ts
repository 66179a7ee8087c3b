/**
 * minijinja-js hands a function's keyword arguments over as one trailing
 * mapping, the same as a mapping passed as the last argument. Lookups need
 * to tell them apart (`q('subelements', users, 'keys', {'skip_missing': True})`
 * passes a term, `q('first_found', files=[…])` options), so calls to
 * `lookup`/`query`/`q` that have keyword arguments get one more, KWARGS_MARK,
 * before the engine sees them.
 */
import { rewriteTags } from './lexer.js';

export const KWARGS_MARK = '__pw_kwargs';

const CALLS = /\b(lookup|query|q)\s*\(/;

export function markExprKwargs(src: string): string {
  if (!CALLS.test(src)) return src;
  return markRange(src, 0, src.length);
}

/** The same, inside the `{{ }}` and `{% %}` tags of a template only. */
export function markTemplateKwargs(src: string): string {
  if (!CALLS.test(src)) return src;
  return rewriteTags(src, markRange);
}

interface Call {
  /** Bracket depth just inside the call's parentheses. */
  depth: number;
  marked: boolean;
}

function markRange(src: string, start: number, end: number): string {
  let out = '';
  let depth = 0;
  const calls: Call[] = [];
  let i = start;
  while (i < end) {
    const c = src[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < end && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c) && !/[\w.]/.test(src[i - 1] ?? '')) {
      let j = i;
      while (j < end && /\w/.test(src[j])) j++;
      const word = src.slice(i, j);
      const rest = /^\s*(\(|=(?!=))?/.exec(src.slice(j, end))![1];
      const call = calls.at(-1);
      if (rest === '=' && call && call.depth === depth && !call.marked) {
        out += `${KWARGS_MARK}=True, `;
        call.marked = true;
      }
      out += word;
      i = j;
      if (rest === '(' && (word === 'lookup' || word === 'query' || word === 'q')) calls.push({ depth: depth + 1, marked: false });
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (c === ')' && calls.at(-1)?.depth === depth) calls.pop();
      depth--;
    }
    out += c;
    i++;
  }
  return out;
}
