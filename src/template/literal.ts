/**
 * What ansible-core 2.14 does with a rendered template's text when
 * jinja2_native is off (its default): text that looks like a list, a dict
 * or a bool becomes one, through Python's `ast.literal_eval` (with JSON's
 * `true`/`false`/`null` read as Python's). So `"{{ '[1, 2]' }}"` is a list,
 * `"[{{ n }}]"` a list, and `"{{ 'True' }}"` a bool, while `"{{ 7 / 2 }}"`
 * is the text `3.5`.
 */

/** The value the text converts to (ansible_eval_concat), or the text itself. */
export function convertText(text: string): unknown {
  if (!(text.startsWith('{') || text.startsWith('[') || text === 'True' || text === 'False')) return text;
  const v = literalEval(text);
  return v === NOT_LITERAL ? text : v;
}

const NOT_LITERAL = Symbol('not a literal');

/** Python's `ast.literal_eval` over JSON-like data (tuples and sets read as lists), or NOT_LITERAL. */
export function literalEval(text: string): unknown | typeof NOT_LITERAL {
  const p = new Parser(text);
  try {
    p.skip();
    const v = p.value();
    p.skip();
    return p.done() ? v : NOT_LITERAL;
  } catch (e) {
    if (e instanceof NotLiteral) return NOT_LITERAL;
    throw e;
  }
}

class NotLiteral extends Error {}

const NAMES: Record<string, unknown> = { True: true, False: false, None: null, true: true, false: false, null: null };
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i >= this.s.length;
  }

  /** Skips whitespace (newlines too: inside brackets Python ignores them, and literal_eval's source may end with one). */
  skip(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  private fail(): never {
    throw new NotLiteral();
  }

  value(): unknown {
    const c = this.s[this.i];
    if (c === '[') return this.seq('[', ']');
    if (c === '(') return this.seq('(', ')');
    if (c === '{') return this.mapping();
    if (c === '"' || c === "'") return this.strings();
    if (c === '-' || c === '+' || (c !== undefined && /[0-9.]/.test(c))) return this.number();
    const m = /^[A-Za-z_]\w*/.exec(this.s.slice(this.i));
    if (!m) this.fail();
    if (/^[rRuUbB]{1,2}$/.test(m[0]) && (this.s[this.i + m[0].length] === '"' || this.s[this.i + m[0].length] === "'")) {
      const raw = /r/i.test(m[0]);
      this.i += m[0].length;
      return this.strings(raw);
    }
    if (!(m[0] in NAMES)) this.fail();
    this.i += m[0].length;
    return NAMES[m[0]];
  }

  /** A list, tuple (as a list) or, from `mapping`, a set (as a list). */
  private seq(open: string, close: string): unknown[] {
    this.i++;
    const out: unknown[] = [];
    for (;;) {
      this.skip();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.skip();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) this.fail();
    }
    void open;
  }

  private mapping(): unknown {
    this.i++;
    this.skip();
    if (this.s[this.i] === '}') {
      this.i++;
      return {};
    }
    const first = this.value();
    this.skip();
    if (this.s[this.i] !== ':') {
      // A set: {1, 2}.
      const out = [first];
      for (;;) {
        if (this.s[this.i] === '}') {
          this.i++;
          return out;
        }
        if (this.s[this.i] !== ',') this.fail();
        this.i++;
        this.skip();
        if (this.s[this.i] === '}') continue;
        out.push(this.value());
        this.skip();
      }
    }
    const out: Record<string, unknown> = {};
    let key = first;
    for (;;) {
      if (this.s[this.i] !== ':') this.fail();
      this.i++;
      this.skip();
      if (typeof key === 'object' && key !== null) this.fail();
      out[keyText(key)] = this.value();
      this.skip();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      if (this.s[this.i] !== ',') this.fail();
      this.i++;
      this.skip();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      key = this.value();
      this.skip();
    }
  }

  /** One string literal, or several side by side ('a' 'b' is 'ab'). */
  private strings(raw = false): string {
    let out = this.string(raw);
    for (;;) {
      const save = this.i;
      this.skip();
      const m = /^[rRuUbB]{0,2}(?=['"])/.exec(this.s.slice(this.i));
      if (!m) {
        this.i = save;
        return out;
      }
      this.i += m[0].length;
      out += this.string(/r/i.test(m[0]));
    }
  }

  private string(raw: boolean): string {
    const q = this.s[this.i];
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const end = triple ? q.repeat(3) : q;
    this.i += end.length;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail();
      if (this.s.startsWith(end, this.i)) {
        this.i += end.length;
        return out;
      }
      const c = this.s[this.i];
      if (c === '\n' && !triple) this.fail();
      if (c === '\\' && !raw) {
        out += this.escape();
        continue;
      }
      if (c === '\\' && raw) {
        out += c + (this.s[this.i + 1] ?? '');
        this.i += 2;
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private escape(): string {
    const c = this.s[this.i + 1];
    if (c === undefined) this.fail();
    const hex = (n: number) => {
      const h = this.s.slice(this.i + 2, this.i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) this.fail();
      this.i += 2 + n;
      return String.fromCodePoint(parseInt(h, 16));
    };
    if (c === 'x') return hex(2);
    if (c === 'u') return hex(4);
    if (c === 'U') return hex(8);
    const oct = /^[0-7]{1,3}/.exec(this.s.slice(this.i + 1));
    if (oct && oct[0] !== '0') {
      this.i += 1 + oct[0].length;
      return String.fromCharCode(parseInt(oct[0], 8));
    }
    this.i += 2;
    return c in ESCAPES ? ESCAPES[c] : '\\' + c;
  }

  private number(): number {
    let sign = 1;
    while (this.s[this.i] === '-' || this.s[this.i] === '+') {
      if (this.s[this.i] === '-') sign = -sign;
      this.i++;
      this.skip();
    }
    const rest = this.s.slice(this.i);
    const m =
      /^0[xX](?:_?[0-9a-fA-F])+|^0[oO](?:_?[0-7])+|^0[bB](?:_?[01])+/.exec(rest) ??
      /^(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?/.exec(rest);
    if (!m || m[0] === '' || m[0] === '.' || /^\.[eE]/.test(m[0])) this.fail();
    const lit = m[0].replace(/_/g, '');
    // A leading zero on a decimal integer is a syntax error in Python 3.
    if (/^0\d/.test(lit) && !/[.eE]/.test(lit) && !/^0+$/.test(lit)) this.fail();
    if (/[jJ]/.test(this.s[this.i + m[0].length] ?? '')) this.fail();
    this.i += m[0].length;
    const n = /^0[xob]/i.test(lit) ? Number(lit.toLowerCase()) : Number(lit);
    return sign * n;
  }
}

function keyText(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'None';
  if (k === true) return 'True';
  if (k === false) return 'False';
  return String(k);
}
