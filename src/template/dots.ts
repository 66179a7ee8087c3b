import { rewriteTags } from './lexer.js';

/**
 * Jinja reads `item.0` as `item[0]`; minijinja's parser does not, so
 * integer attributes are rewritten to subscripts before the engine sees
 * them. String literals and number literals (`1.5`) are left alone.
 */
const DOT_DIGIT = /\.\d/;

export function rewriteExprDots(src: string): string {
  if (!DOT_DIGIT.test(src)) return src;
  return rewriteRange(src, 0, src.length);
}

/** The same, applied only inside `{{ }}` and `{% %}` tags of a template. */
export function rewriteTemplateDots(src: string): string {
  if (!DOT_DIGIT.test(src)) return src;
  return rewriteTags(src, rewriteRange);
}

function rewriteRange(src: string, start: number, end: number): string {
  let out = '';
  let i = start;
  while (i < end) {
    const c = src[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < end && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (c === '.' && /\d/.test(src[i + 1] ?? '') && afterName(out)) {
      let j = i + 1;
      while (j < end && /\d/.test(src[j])) j++;
      out += `[${src.slice(i + 1, j)}]`;
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** True when what was written so far ends a name, `]` or `)` (not a number literal). */
function afterName(out: string): boolean {
  const prev = out[out.length - 1];
  if (prev === ']' || prev === ')') return true;
  const word = /[A-Za-z0-9_]*$/.exec(out)![0];
  return /^[A-Za-z_]/.test(word);
}
