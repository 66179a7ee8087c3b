/** Turning keyword values into the types the model wants, with positioned errors. */
import { UserError, type Pos, type Vars } from '../model/index.js';
import { kindOf, posOf, toValue, type Entry, type Source, type YNode } from './source.js';

export type Cond = string | boolean;

/** A keyword's value and where its key is, for messages. */
export class Field {
  constructor(
    readonly src: Source,
    readonly entry: Entry,
  ) {}
  get key(): string {
    return this.entry.key;
  }
  get node(): YNode | null {
    return this.entry.value;
  }
  /** Worked out only when a message needs it. */
  get pos(): Pos {
    return posOf(this.src, this.entry.keyNode);
  }
}

export function field(src: Source, e: Entry): Field {
  return new Field(src, e);
}

function fail(f: Field, expected: string): never {
  throw new UserError(`'${f.key}' must be ${expected}, got ${kindOf(f.node)}`, f.pos);
}

const TRUE_WORDS = new Set(['yes', 'true', 'on', '1', 'y']);
const FALSE_WORDS = new Set(['no', 'false', 'off', '0', 'n']);

function boolWord(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === 'string') {
    const w = v.trim().toLowerCase();
    if (TRUE_WORDS.has(w)) return true;
    if (FALSE_WORDS.has(w)) return false;
  }
  return undefined;
}

const isTemplate = (v: unknown): v is string => typeof v === 'string' && /\{\{|\{%/.test(v);

/** A plain boolean (`yes`/`no` words accepted). */
export function toBool(f: Field): boolean {
  const b = boolWord(toValue(f.src, f.node));
  if (b === undefined) fail(f, 'a boolean (true/false)');
  return b;
}

/** A boolean, or a template the engine evaluates per host. */
export function toBoolOrTemplate(f: Field): boolean | string {
  const v = toValue(f.src, f.node);
  const b = boolWord(v);
  if (b !== undefined) return b;
  if (isTemplate(v)) return v;
  fail(f, 'a boolean or a {{ template }}');
}

export function toStr(f: Field): string {
  const v = toValue(f.src, f.node);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  fail(f, 'a string');
}

/** A number, or a string (template or numeric text) the engine resolves. */
export function toNumOrStr(f: Field): number | string {
  const v = toValue(f.src, f.node);
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
  fail(f, 'a number');
}

export function toInt(f: Field): number {
  const v = toNumOrStr(f);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  fail(f, 'a whole number');
}

export function toMap(f: Field): Vars {
  const v = toValue(f.src, f.node);
  if (v == null) return {};
  if (typeof v === 'object' && !Array.isArray(v)) return v as Vars;
  // ansible also takes a list of mappings for vars-like keywords.
  if (Array.isArray(v) && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
    return Object.assign({}, ...(v as Vars[]));
  }
  fail(f, 'a mapping');
}

/** `when`-like keywords: a condition, a boolean, or a list of them. */
export function toConds(f: Field): Cond[] {
  const v = toValue(f.src, f.node);
  const list = Array.isArray(v) ? v : [v];
  const out: Cond[] = [];
  for (const c of list) {
    if (c == null) continue;
    if (typeof c === 'boolean') out.push(c);
    else if (typeof c === 'string') {
      if (c.trim()) out.push(c.trim());
    } else if (typeof c === 'number') out.push(String(c));
    else fail(f, 'a condition, a boolean, or a list of them');
  }
  return out;
}

/** `tags`: a comma-separated string or a list. */
export function toTags(f: Field): string[] {
  const v = toValue(f.src, f.node);
  if (v == null) return [];
  if (typeof v === 'string') return v.split(',').map((t) => t.trim()).filter(Boolean);
  if (typeof v === 'number') return [String(v)];
  if (Array.isArray(v) && v.every((t) => typeof t === 'string' || typeof t === 'number')) {
    return v.map((t) => String(t).trim()).filter(Boolean);
  }
  fail(f, 'a string or a list of strings');
}

/** `notify`, `listen`: a string or a list of strings. */
export function toStrList(f: Field): string[] {
  const v = toValue(f.src, f.node);
  if (v == null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((t) => typeof t === 'string' || typeof t === 'number')) return v.map(String);
  fail(f, 'a string or a list of strings');
}

/** Union keeping first-seen order. */
export function union(a: string[], b: string[]): string[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = [...a];
  for (const x of b) if (!out.includes(x)) out.push(x);
  return out;
}
