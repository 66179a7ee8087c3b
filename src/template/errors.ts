/**
 * Turns engine failures into `UserError`s that name the variable and the
 * place. minijinja says only `undefined value (in <string>:1)`, so the name
 * comes from our own analysis of the source and the scope it ran with.
 */
import { UserError, withHint, type Pos, type Vars } from '../model/index.js';
import { customFilterNames, customGlobalNames, customTestNames, FilterError, UndefinedSignal } from './engine.js';
import type { Analysis } from './names.js';
import { isMapping } from './values.js';

/** What an error needs to know about the call that failed. */
export interface Failure {
  src: string;
  analysis: Analysis;
  /** The names handed to the engine, already resolved. */
  ctx: Vars;
  scope: Vars;
  where?: Pos;
}

const BUILTIN_FILTERS = [
  'abs', 'attr', 'batch', 'capitalize', 'count', 'd', 'default', 'dictsort', 'e', 'escape', 'first',
  'groupby', 'indent', 'items', 'join', 'last', 'length', 'lines', 'list', 'lower', 'map', 'max', 'min',
  'pprint', 'reject', 'rejectattr', 'replace', 'reverse', 'round', 'safe', 'select', 'selectattr', 'slice',
  'sort', 'split', 'sum', 'title', 'tojson', 'trim', 'unique', 'upper',
];
const BUILTIN_TESTS = [
  'boolean', 'defined', 'divisibleby', 'endingwith', 'eq', 'equalto', 'escaped', 'even', 'false', 'filter',
  'float', 'ge', 'greaterthan', 'gt', 'in', 'integer', 'iterable', 'le', 'lessthan', 'lower', 'lt', 'mapping',
  'ne', 'none', 'number', 'odd', 'sameas', 'startingwith', 'string', 'test', 'true', 'undefined', 'upper',
];

/** The `UserError` for an exception thrown while rendering `f.src`. */
export function templateError(e: unknown, f: Failure): UserError {
  if (e instanceof UserError) return e;
  if (e instanceof UndefinedSignal) {
    if (!e.mandatory) return new UserError(undefinedMessage(f), f.where);
    const missing = missingName(f);
    return new UserError(e.customMsg ?? `Mandatory variable ${missing ? `'${missing}'  ` : ''}not defined.`, f.where);
  }
  if (e instanceof FilterError) return new UserError(`${e.message} (in ${quoteSrc(f.src)})`, f.where);
  const raw = e instanceof Error ? e.message : String(e);
  const msg = raw.split('\n')[0].replace(/\s*\(in <[^>]*>:\d+\)\s*$/, '');
  if (e instanceof Error && e.name === 'RuntimeError') {
    return new UserError(`template error in ${quoteSrc(f.src)}: the template engine crashed (${msg})`, f.where);
  }
  if (/\bundefined\b/.test(msg)) return new UserError(undefinedMessage(f), f.where);
  const unknown = /^unknown (filter|test): \w+ (\S+) is unknown/.exec(msg);
  if (unknown) {
    const [, kind, name] = unknown;
    const known = kind === 'filter' ? [...BUILTIN_FILTERS, ...customFilterNames()] : [...BUILTIN_TESTS, ...customTestNames()];
    return new UserError(withHint(`template error in ${quoteSrc(f.src)}: unknown ${kind} '${name}'`, name, known), f.where);
  }
  return new UserError(`template error in ${quoteSrc(f.src)}: ${msg}`, f.where);
}

/** `'foo' is undefined`, or `'r' has no attribute 'finished'` when the name exists. */
export function undefinedMessage(f: Failure): string {
  const missing = missingName(f);
  if (missing !== undefined) return withHint(`'${missing}' is undefined`, missing, scopeNames(f.scope));
  for (const chain of f.analysis.chains) {
    let cur: unknown = f.ctx[chain[0]];
    for (let i = 1; i < chain.length; i++) {
      const key = chain[i];
      const next = Array.isArray(cur) && /^-?\d+$/.test(key) ? cur.at(Number(key)) : isMapping(cur) && Object.hasOwn(cur, key) ? cur[key] : undefined;
      if (next === undefined) {
        const owner = `'${chain.slice(0, i).join('.')}'`;
        return isMapping(cur) ? withHint(`${owner} has no attribute '${key}'`, key, Object.keys(cur)) : `${owner} has no attribute '${key}'`;
      }
      cur = next;
    }
  }
  return `a value is undefined in ${quoteSrc(f.src)}`;
}

/** The first name the source reads that the scope lacks. */
export function missingName(f: Pick<Failure, 'analysis' | 'ctx'>): string | undefined {
  return f.analysis.names.find((n) => !Object.hasOwn(f.ctx, n) && !customGlobalNames().includes(n));
}

function scopeNames(scope: Vars): string[] {
  const names: string[] = [];
  for (const k in scope) names.push(k);
  return names;
}

function quoteSrc(src: string): string {
  const s = src.length > 120 ? src.slice(0, 117) + '...' : src;
  return JSON.stringify(s);
}
