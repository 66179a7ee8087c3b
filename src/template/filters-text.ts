/**
 * ansible-core's text, path, size, URL, date and math filters that
 * minijinja lacks, each as ansible-core 2.14 computes it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { FilterError } from './engine.js';
import { bind, text } from './params.js';
import { passwordHash } from './sha-crypt.js';
import { isMapping, pyStr, toPlain } from './values.js';

type Fn = (...args: any[]) => unknown;

const SIZE_RANGES: Array<[string, number]> = [
  ['Y', 2 ** 80], ['Z', 2 ** 70], ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10], ['B', 1],
];

/** ansible's bytes_to_human: `1.46 MB`, `10.00 Bytes`, `1.00 Mb` with isbits. */
function humanReadable(value: unknown, ...raw: unknown[]): string {
  const a = bind(raw, ['isbits', 'unit']);
  const size = Number(toPlain(value));
  if (!Number.isFinite(size)) throw new FilterError(`human_readable() can't interpret following number: ${pyStr(toPlain(value))}`);
  const base = a.isbits === true ? 'bits' : 'Bytes';
  const unit = typeof a.unit === 'string' ? a.unit.toUpperCase()[0] : undefined;
  let [suffix, limit] = SIZE_RANGES[SIZE_RANGES.length - 1];
  for (const [s, l] of SIZE_RANGES) {
    if ((unit === undefined && size >= l) || unit === s) {
      [suffix, limit] = [s, l];
      break;
    }
  }
  return `${(size / limit).toFixed(2)} ${limit !== 1 ? suffix + base[0] : base}`;
}

/** ansible's human_to_bytes: `'1.5 MB'` is 1572864; bits with isbits. */
function humanToBytes(value: unknown, ...raw: unknown[]): number {
  const a = bind(raw, ['default_unit', 'isbits']);
  const s = pyStr(toPlain(value));
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(s);
  const num = m && m[1] !== '' && m[1] !== '.' ? Number(m[1]) : NaN;
  if (!m || Number.isNaN(num)) throw new FilterError(`human_to_bytes() can't interpret following string: ${s}`);
  const unit = m[2] ?? (typeof a.default_unit === 'string' ? a.default_unit : undefined);
  if (unit === undefined) return Math.round(num);
  const key = unit[0].toUpperCase();
  const range = SIZE_RANGES.find(([k]) => k === key);
  if (!range) throw new FilterError(`human_to_bytes() failed to convert ${s} (unit = ${unit}). The suffix must be one of Y, Z, E, P, T, G, M, K, B`);
  const cls = a.isbits === true ? 'b' : 'B';
  const clsName = a.isbits === true ? 'bit' : 'byte';
  if (unit.length > 1 && !unit.toLowerCase().includes(clsName) && unit[1] !== cls) {
    const expect = key === 'B' ? `expect ${cls} or ${clsName}` : `expect ${key}${cls} or ${key}`;
    throw new FilterError(`human_to_bytes() failed to convert ${s}. Value is not a valid string (${expect})`);
  }
  return Math.round(num * range[1]);
}

/** ansible's `comment`, plain style: the text between `#` lines, each line prefixed `# `. */
function comment(value: unknown, style: unknown = 'plain'): string {
  if (style !== 'plain') throw new FilterError(`comment: only the plain style is supported, not '${pyStr(style)}'`);
  return `#\n${text(value).split('\n').map((l) => `# ${l}`).join('\n')}\n#`;
}

function fromYamlAll(value: unknown): unknown[] {
  try {
    return YAML.parseAllDocuments(text(value)).map((d) => d.toJS());
  } catch (e) {
    throw new FilterError(`from_yaml_all: ${(e as Error).message}`);
  }
}

const URL_RE = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;

/** Python's urllib.parse.urlsplit as a mapping, or one of its fields. */
function urlsplit(value: unknown, query: unknown = ''): unknown {
  const m = URL_RE.exec(text(value))!;
  const netloc = m[2] ?? '';
  const at = netloc.lastIndexOf('@');
  const auth = at >= 0 ? netloc.slice(0, at) : undefined;
  const hostport = at >= 0 ? netloc.slice(at + 1) : netloc;
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostport);
  const host = hp ? hp[1].replace(/^\[|\]$/g, '') : hostport;
  const fields: Record<string, unknown> = {
    fragment: m[5] ?? '',
    hostname: host === '' ? null : host.toLowerCase(),
    netloc,
    password: auth !== undefined && auth.includes(':') ? auth.slice(auth.indexOf(':') + 1) : null,
    path: m[3] ?? '',
    port: hp && hp[2] ? Number(hp[2]) : null,
    query: m[4] ?? '',
    scheme: (m[1] ?? '').toLowerCase(),
    username: auth !== undefined ? auth.split(':')[0] : null,
  };
  if (query === '' || query === null || query === undefined) return fields;
  const q = String(query);
  if (!(q in fields)) throw new FilterError(`urlsplit: unknown URL component: ${q}`);
  return fields[q];
}

/** Python's quote(): letters, digits and `_.-~` kept, `safe` too, the rest %-escaped as UTF-8. */
function quote(s: string, safe: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~-]/.test(c) || safe.includes(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Jinja's urlencode: text with `/` kept; a mapping or list of pairs as a query string. */
function urlencode(value: unknown): string {
  const v = toPlain(value);
  const qs = (x: unknown) => quote(text(x), '').replace(/%20/g, '+');
  if (isMapping(v)) return Object.entries(v).map(([k, x]) => `${qs(k)}=${qs(x)}`).join('&');
  if (Array.isArray(v)) return v.map((p) => (Array.isArray(p) ? `${qs(p[0])}=${qs(p[1])}` : qs(p))).join('&');
  return quote(text(v), '/');
}

/** os.path.splitext, as a two-item list (Python gives a tuple). */
function splitext(value: unknown): [string, string] {
  const p = text(value);
  const base = p.slice(p.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return [p, ''];
  const cut = p.length - (base.length - dot);
  return [p.slice(0, cut), p.slice(cut)];
}

function realpath(value: unknown): string {
  const p = path.resolve(text(value));
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function relpath(value: unknown, start: unknown = '.'): string {
  return path.relative(path.resolve(text(start)), path.resolve(text(value))) || '.';
}

function expanduser(value: unknown): string {
  const p = text(value);
  if (p === '~' || p.startsWith('~/')) return (process.env.HOME ?? os.homedir()) + p.slice(1);
  return p;
}

/** os.path.expandvars on the controller: `$NAME` and `${NAME}` set in the environment; others kept. */
function expandvars(value: unknown): string {
  return text(value).replace(/\$(\w+|\{[^}]*\})/g, (m, name: string) => {
    const key = name.startsWith('{') ? name.slice(1, -1) : name;
    return process.env[key] ?? m;
  });
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Python's time.strftime for the common directives, on a Date read as UTC or local time. */
export function strftimeAt(format: string, d: Date, utc: boolean): string {
  const get = {
    Y: utc ? d.getUTCFullYear() : d.getFullYear(),
    m: (utc ? d.getUTCMonth() : d.getMonth()) + 1,
    d: utc ? d.getUTCDate() : d.getDate(),
    H: utc ? d.getUTCHours() : d.getHours(),
    M: utc ? d.getUTCMinutes() : d.getMinutes(),
    S: utc ? d.getUTCSeconds() : d.getSeconds(),
    w: utc ? d.getUTCDay() : d.getDay(),
  };
  const start = utc ? Date.UTC(get.Y, 0, 1) : new Date(get.Y, 0, 1).getTime();
  const today = utc ? Date.UTC(get.Y, get.m - 1, get.d) : new Date(get.Y, get.m - 1, get.d).getTime();
  const yday = Math.round((today - start) / 86400000) + 1;
  const p2 = (n: number) => String(n).padStart(2, '0');
  return format.replace(/%([a-zA-Z%])/g, (m, c: string) => {
    switch (c) {
      case 'Y': return String(get.Y);
      case 'y': return p2(get.Y % 100);
      case 'm': return p2(get.m);
      case 'd': return p2(get.d);
      case 'e': return String(get.d).padStart(2, ' ');
      case 'H': return p2(get.H);
      case 'I': return p2(get.H % 12 || 12);
      case 'p': return get.H < 12 ? 'AM' : 'PM';
      case 'M': return p2(get.M);
      case 'S': return p2(get.S);
      case 'j': return String(yday).padStart(3, '0');
      case 'a': return DAYS[get.w].slice(0, 3);
      case 'A': return DAYS[get.w];
      case 'b': case 'h': return MONTHS[get.m - 1].slice(0, 3);
      case 'B': return MONTHS[get.m - 1];
      case 'w': return String(get.w);
      case 's': return String(Math.floor(d.getTime() / 1000));
      case 'F': return `${get.Y}-${p2(get.m)}-${p2(get.d)}`;
      case 'T': return `${p2(get.H)}:${p2(get.M)}:${p2(get.S)}`;
      case 'D': return `${p2(get.m)}/${p2(get.d)}/${p2(get.Y % 100)}`;
      case 'z': return utc ? '+0000' : offset(d);
      case 'Z': return utc ? 'UTC' : (Intl.DateTimeFormat('en', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? '');
      case '%': return '%';
      default: return m;
    }
  });
}

function offset(d: Date): string {
  const o = -d.getTimezoneOffset();
  const a = Math.abs(o);
  return `${o >= 0 ? '+' : '-'}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`;
}

/** ansible's strftime(format, second=None, utc=False). */
function strftime(value: unknown, ...raw: unknown[]): string {
  const a = bind(raw, ['second', 'utc']);
  const secs = a.second === undefined || a.second === null ? Date.now() / 1000 : Number(a.second);
  if (!Number.isFinite(secs)) throw new FilterError(`Invalid value for epoch value (${pyStr(a.second)})`);
  return strftimeAt(text(value), new Date(secs * 1000), a.utc === true);
}

/**
 * ansible's to_datetime(format='%Y-%m-%d %H:%M:%S'): the datetime's fields as
 * a mapping (year, month, day, hour, minute, second, weekday). Datetime
 * arithmetic (`a - b`, `.total_seconds()`) is not supported.
 */
function toDatetime(value: unknown, format: unknown = '%Y-%m-%d %H:%M:%S'): Record<string, number> {
  const s = text(value);
  const names: string[] = [];
  const re = text(format).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%([YmdHMSjfyb])/g, (_m, c: string) => {
    names.push(c);
    return c === 'Y' ? '(\\d{4})' : c === 'f' ? '(\\d{1,6})' : c === 'b' ? '([A-Za-z]{3})' : c === 'j' ? '(\\d{1,3})' : '(\\d{1,2})';
  });
  const m = new RegExp(`^${re}$`).exec(s);
  if (!m) throw new FilterError(`time data '${s}' does not match format '${text(format)}'`);
  const f: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0, f: 0 };
  names.forEach((n, i) => {
    f[n] = n === 'b' ? MONTHS.findIndex((x) => x.slice(0, 3).toLowerCase() === m[i + 1].toLowerCase()) + 1 : n === 'y' ? 2000 + Number(m[i + 1]) : Number(m[i + 1]);
  });
  if (names.includes('y')) f.Y = f.y;
  const date = new Date(Date.UTC(f.Y, f.m - 1, f.d, f.H, f.M, f.S));
  return { year: f.Y, month: f.m, day: f.d, hour: f.H, minute: f.M, second: f.S, microsecond: f.f, weekday: (date.getUTCDay() + 6) % 7 };
}

/** Jinja's round(value, precision=0, method='common'); `floor` and `ceil` too. */
function round(value: unknown, ...raw: unknown[]): number {
  const a = bind(raw, ['precision', 'method']);
  const v = Number(toPlain(value));
  const f = 10 ** Number(a.precision ?? 0);
  const method = a.method ?? 'common';
  if (method === 'floor') return Math.floor(v * f) / f;
  if (method === 'ceil') return Math.ceil(v * f) / f;
  if (method !== 'common') throw new FilterError('method must be common, ceil or floor');
  // Python rounds halves to even on the binary value; toFixed is close enough for printed decimals.
  return Number((Math.round(v * f) / f).toFixed(Math.max(0, Number(a.precision ?? 0))));
}

const MATH: Record<string, Fn> = {
  pow: (x: unknown, y: unknown) => Number(toPlain(x)) ** Number(toPlain(y)),
  root: (x: unknown, base: unknown = 2) => {
    const b = Number(toPlain(base));
    return b === 2 ? Math.sqrt(Number(toPlain(x))) : Number(toPlain(x)) ** (1 / b);
  },
  log: (x: unknown, base?: unknown) => {
    const v = Math.log(Number(toPlain(x)));
    return base === undefined || base === null ? v : v / Math.log(Number(toPlain(base)));
  },
};

/** Jinja's truncate(length=255, killwords=False, end='...', leeway=5). */
function truncate(value: unknown, ...raw: unknown[]): string {
  const a = bind(raw, ['length', 'killwords', 'end', 'leeway']);
  const s = text(value);
  const length = Number(a.length ?? 255);
  const end = a.end === undefined || a.end === null ? '...' : text(a.end);
  const leeway = Number(a.leeway ?? 5);
  const chars = [...s];
  if (chars.length <= length + leeway) return s;
  const head = chars.slice(0, length - [...end].length).join('');
  if (a.killwords === true) return head + end;
  const cut = head.lastIndexOf(' ');
  return (cut >= 0 ? head.slice(0, cut) : head) + end;
}

/** Jinja's center(width=80): Python's str.center (the extra space goes right when the padding is odd, left for odd widths). */
function center(value: unknown, width: unknown = 80): string {
  const s = text(value);
  const pad = Number(width) - [...s].length;
  if (pad <= 0) return s;
  const left = Math.floor(pad / 2) + (pad & Number(width) & 1);
  return ' '.repeat(left) + s + ' '.repeat(pad - left);
}

/**
 * ansible-core's random(end, start=None, step=1, seed=None): an item of a
 * list or a number below `end`. A seed gives the same value each run, not
 * Python's value (its Mersenne Twister is not reproduced).
 */
function random(value: unknown, ...raw: unknown[]): unknown {
  const a = bind(raw, ['start', 'step', 'seed']);
  const v = toPlain(value);
  const r = Math.random();
  if (typeof v === 'number') {
    const start = Number(a.start ?? 0);
    const step = Number(a.step ?? 1);
    const n = Math.max(0, Math.ceil((v - start) / step));
    if (n === 0) throw new FilterError('empty range for randrange()');
    return start + Math.floor(r * n) * step;
  }
  const items = Array.isArray(v) ? v : typeof v === 'string' ? [...v] : isMapping(v) ? Object.keys(v) : undefined;
  if (!items || items.length === 0) throw new FilterError('random: cannot choose from an empty sequence');
  return items[Math.floor(r * items.length)];
}

export const TEXT_FILTERS: Record<string, Fn> = {
  truncate,
  center,
  random,
  human_readable: humanReadable,
  human_to_bytes: humanToBytes,
  comment,
  wordcount: (v: unknown) => (text(v).match(/\w+/gu) ?? []).length,
  from_yaml_all: fromYamlAll,
  password_hash: passwordHash,
  urlsplit,
  urlencode,
  splitext,
  realpath,
  relpath,
  expanduser,
  expandvars,
  strftime,
  to_datetime: toDatetime,
  round,
  ...MATH,
};
