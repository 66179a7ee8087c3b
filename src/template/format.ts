/**
 * The `format` filter: Python's printf-style `%` formatting, as Jinja's
 * `"%s-%02d" | format(name, n)`. minijinja-js ships without it.
 */
import { FilterError } from './engine.js';
import { isMapping, pyRepr, pyStr, toPlain } from './values.js';

const SPEC = /%(?:\(([^)]*)\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([sdiufFeExXorc%])/g;

/** `'%s is %d' | format('x', 3)` or `'%(a)s' | format({'a': 1})`. */
export function pyFormat(value: unknown, ...raw: unknown[]): string {
  const template = String(toPlain(value) ?? 'None');
  const args = raw.map(toPlain);
  const byName = args.length === 1 && isMapping(args[0]) ? args[0] : undefined;
  let next = 0;
  const take = (): unknown => {
    if (next >= args.length) throw new FilterError('format: not enough arguments for format string');
    return args[next++];
  };
  return template.replace(SPEC, (_m, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const w = width === '*' ? Number(take()) : width ? Number(width) : 0;
    const arg = key !== undefined ? byName?.[key] : take();
    if (key !== undefined && (!byName || !(key in byName))) throw new FilterError(`format: no key '${key}'`);
    return pad(convert(arg, conv, flags, prec), w, flags, !'src'.includes(conv));
  });
}

function convert(arg: unknown, conv: string, flags: string, prec: string | undefined): string {
  const p = prec === undefined ? undefined : Number(prec);
  const sign = (n: number, s: string) => (n >= 0 && flags.includes('+') ? '+' + s : n >= 0 && flags.includes(' ') ? ' ' + s : s);
  switch (conv) {
    case 's': return p === undefined ? pyStr(arg) : pyStr(arg).slice(0, p);
    case 'r': return pyRepr(arg);
    case 'c': return typeof arg === 'number' ? String.fromCodePoint(arg) : pyStr(arg);
  }
  const n = typeof arg === 'boolean' ? Number(arg) : arg;
  if (typeof n !== 'number') throw new FilterError(`format: %${conv} format: a number is required, not ${pyStr(arg)}`);
  switch (conv) {
    case 'd': case 'i': case 'u': return sign(n, String(Math.trunc(n)));
    case 'f': case 'F': return sign(n, n.toFixed(p ?? 6));
    case 'e': case 'E': {
      const s = n.toExponential(p ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      return sign(n, conv === 'E' ? s.toUpperCase() : s);
    }
    case 'x': return (flags.includes('#') ? '0x' : '') + Math.trunc(n).toString(16);
    case 'X': return (flags.includes('#') ? '0X' : '') + Math.trunc(n).toString(16).toUpperCase();
    default: return (flags.includes('#') ? '0o' : '') + Math.trunc(n).toString(8);
  }
}

function pad(s: string, width: number, flags: string, numeric: boolean): string {
  if (s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width);
  if (flags.includes('0') && numeric && !/^[+ -]?(inf|nan)/.test(s)) {
    // Zeros go after the sign and the 0x/0o prefix: '%#06x' % 15 is '0x000f'.
    const head = /^[+ -]?(0[xXo])?/.exec(s)![0];
    return head + s.slice(head.length).padStart(width - head.length, '0');
  }
  return s.padStart(width);
}
