/**
 * Values in INI inventories are read the way ansible-core reads them: with
 * Python's `ast.literal_eval`, falling back to the plain string. So `5` is a
 * number, `True` a boolean, `[1, 'a']` a list, `'5'` the string `5`, and
 * `true` (lowercase, not a Python literal) stays the string `true`.
 */

type Parsed = { ok: true; value: unknown } | { ok: false };

/** Parse an INI inventory value as a Python literal, or keep it as the string. */
export function parseIniValue(text: string): unknown {
  const parser = new LiteralParser(text.trim());
  const result = parser.parseAll();
  return result.ok ? result.value : text;
}

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseAll(): Parsed {
    if (this.s === '') return { ok: false };
    try {
      const value = this.value();
      this.ws();
      if (this.i !== this.s.length) return { ok: false };
      return { ok: true, value };
    } catch (err) {
      if (err instanceof NotLiteral) return { ok: false };
      throw err;
    }
  }

  /** Skip whitespace and Python comments. */
  private ws(): void {
    for (;;) {
      while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
      if (this.s[this.i] !== '#') return;
      while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
    }
  }

  private peek(): string {
    return this.s[this.i] ?? '';
  }

  private expect(ch: string): void {
    this.ws();
    if (this.peek() !== ch) throw new NotLiteral();
    this.i++;
  }

  private value(): unknown {
    this.ws();
    const ch = this.peek();
    if (ch === '[') return this.sequence('[', ']');
    if (ch === '(') return this.tuple();
    if (ch === '{') return this.mapping();
    if (ch === '"' || ch === "'") return this.strings();
    if (/[-+0-9.]/.test(ch)) return this.number();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))?.[0];
    if (word === 'True' || word === 'False' || word === 'None') {
      this.i += word.length;
      return word === 'True' ? true : word === 'False' ? false : null;
    }
    throw new NotLiteral();
  }

  private sequence(open: string, close: string): unknown[] {
    this.expect(open);
    const items: unknown[] = [];
    for (;;) {
      this.ws();
      if (this.peek() === close) break;
      items.push(this.value());
      this.ws();
      if (this.peek() === ',') this.i++;
      else if (this.peek() !== close) throw new NotLiteral();
    }
    this.i++;
    return items;
  }

  /** `(1, 2)` is a tuple (a list for us); `(1)` is just 1. */
  private tuple(): unknown {
    const start = this.i;
    this.expect('(');
    this.ws();
    if (this.peek() === ')') {
      this.i++;
      return [];
    }
    const first = this.value();
    this.ws();
    if (this.peek() === ')') {
      this.i++;
      return first;
    }
    this.i = start;
    return this.sequence('(', ')');
  }

  /** Dicts, and sets (`{1, 2}`), which become lists. */
  private mapping(): unknown {
    this.expect('{');
    const out: Record<string, unknown> = {};
    const set: unknown[] = [];
    let kind: 'dict' | 'set' | undefined;
    for (;;) {
      this.ws();
      if (this.peek() === '}') break;
      const key = this.value();
      this.ws();
      if (this.peek() === ':' && kind !== 'set') {
        kind = 'dict';
        this.i++;
        if (typeof key === 'object' && key !== null) throw new NotLiteral();
        out[String(key)] = this.value();
      } else if (kind !== 'dict') {
        kind = 'set';
        set.push(key);
      } else {
        throw new NotLiteral();
      }
      this.ws();
      if (this.peek() === ',') this.i++;
      else if (this.peek() !== '}') throw new NotLiteral();
    }
    this.i++;
    return kind === 'set' ? set : out;
  }

  /** Adjacent string literals concatenate, as in Python. */
  private strings(): string {
    let out = this.string();
    for (;;) {
      const save = this.i;
      this.ws();
      if (this.peek() === '"' || this.peek() === "'") out += this.string();
      else {
        this.i = save;
        return out;
      }
    }
  }

  private string(): string {
    const quote = this.peek();
    const triple = this.s.startsWith(quote.repeat(3), this.i);
    const end = triple ? quote.repeat(3) : quote;
    this.i += end.length;
    let out = '';
    while (!this.s.startsWith(end, this.i)) {
      if (this.i >= this.s.length) throw new NotLiteral();
      const ch = this.s[this.i++];
      if (ch === '\n' && !triple) throw new NotLiteral();
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      out += this.escape();
    }
    this.i += end.length;
    return out;
  }

  private escape(): string {
    const ch = this.s[this.i++] ?? '';
    const simple: Record<string, string> = {
      n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '',
    };
    if (ch in simple) return simple[ch];
    const hexLen = ch === 'x' ? 2 : ch === 'u' ? 4 : ch === 'U' ? 8 : 0;
    if (hexLen) {
      const hex = this.s.slice(this.i, this.i + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) throw new NotLiteral();
      this.i += hexLen;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    // Python keeps unknown escapes as written.
    return '\\' + ch;
  }

  private number(): number {
    const rest = this.s.slice(this.i);
    const m =
      /^[-+]?\s*(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][-+]?\d(?:_?\d)*)?)/.exec(
        rest,
      );
    const raw = m?.[0] ?? '';
    const body = raw.replace(/^[-+]\s*/, '').replace(/_/g, '');
    if (!/\d/.test(body)) throw new NotLiteral();
    // Python rejects leading zeros on non-zero decimal ints ("010").
    if (/^0\d/.test(body) && /^\d+$/.test(body) && /[1-9]/.test(body)) throw new NotLiteral();
    // A trailing `j` makes a complex number, which ansible keeps as a string.
    if (/^[jJ]/.test(rest.slice(raw.length))) throw new NotLiteral();
    const sign = raw.trimStart().startsWith('-') ? -1 : 1;
    let value: number;
    if (/^0[xX]/.test(body)) value = parseInt(body.slice(2), 16);
    else if (/^0[oO]/.test(body)) value = parseInt(body.slice(2), 8);
    else if (/^0[bB]/.test(body)) value = parseInt(body.slice(2), 2);
    else value = Number(body);
    if (Number.isNaN(value)) throw new NotLiteral();
    this.i += raw.length;
    return sign * value;
  }
}

class NotLiteral extends Error {}
