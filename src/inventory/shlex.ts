/** A word of a host line and the 1-based column it starts at. */
export interface Word {
  text: string;
  col: number;
}

/**
 * Split an INI host line into words as Python's `shlex.split(line,
 * comments=True)` does (ansible-core uses it): whitespace separates, quotes
 * group, backslash escapes, `#` outside quotes ends the line.
 * Throws a message string for an unclosed quote or a trailing backslash.
 */
export function splitWords(line: string): Word[] {
  const words: Word[] = [];
  let current: Word | undefined;
  let quote: '"' | "'" | undefined;
  let quoteCol = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (quote === '"' && ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) {
        current!.text += line[++i];
      } else current!.text += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      if (current) words.push(current);
      current = undefined;
      continue;
    }
    if (ch === '#') break;
    current ??= { text: '', col: i + 1 };
    if (ch === '"' || ch === "'") {
      quote = ch;
      quoteCol = i + 1;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) throw new ShlexError('no escaped character', i + 1);
      current.text += line[++i];
    } else current.text += ch;
  }
  if (quote) throw new ShlexError('no closing quotation', quoteCol);
  if (current) words.push(current);
  return words;
}

/** A quoting error in a host line, with the column it refers to. */
export class ShlexError extends Error {
  constructor(message: string, readonly col: number) {
    super(message);
  }
}
