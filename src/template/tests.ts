/**
 * Ansible's Jinja tests (task results, versions, regexes, truthiness, sets)
 * plus `sequence`, which minijinja answers differently from Jinja for strings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FilterError } from './engine.js';
import { bind } from './params.js';
import { regexTest } from './regex.js';
import { isMapping, toPlain, truthy } from './values.js';
import { versionTest } from './version.js';
import { toBool } from './filters.js';

type Test = (value: unknown, ...args: unknown[]) => boolean;

function result(name: string, value: unknown): Record<string, unknown> {
  const v = toPlain(value);
  if (!isMapping(v)) throw new FilterError(`The '${name}' test expects a dictionary`);
  return v;
}

const failed: Test = (v) => truthy(result('failed', v).failed);

const changed: Test = (v) => {
  const r = result('changed', v);
  if ('changed' in r) return truthy(r.changed);
  const results = r.results;
  return Array.isArray(results) && results.some((x) => isMapping(x) && truthy(x.changed));
};

const skipped: Test = (v) => truthy(result('skipped', v).skipped);

/** Async results: `finished`/`started` are 0 or 1; a non-async result counts as both. */
const flag = (name: string): Test => (v) => {
  const r = result(name, v);
  return name in r ? r[name] === 1 || r[name] === true : true;
};

const truthyTest: Test = (v, ...raw) => {
  const convert = bind(raw, ['convert_bool']).convert_bool === true;
  const p = toPlain(v);
  // As ansible-core: a value boolean() cannot read ('x') keeps Python's truthiness.
  if (convert && (typeof p === 'string' || typeof p === 'number') && BOOL_WORDS.has(String(p).toLowerCase())) return toBool(p);
  return truthy(p);
};

const BOOL_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't', '1.0', 'n', 'no', 'off', '0', 'false', 'f', '0.0']);

/** File tests run on the controller, as ansible-core's: a path that cannot be read is simply not a file. */
const stat = (v: unknown, follow = true): fs.Stats | undefined => {
  try {
    return follow ? fs.statSync(String(toPlain(v))) : fs.lstatSync(String(toPlain(v)));
  } catch {
    return undefined;
  }
};
const isMount = (v: unknown): boolean => {
  const p = path.resolve(String(toPlain(v)));
  const s = stat(p, false);
  if (!s || s.isSymbolicLink()) return false;
  if (p === '/') return true;
  const parent = stat(path.dirname(p), false);
  return !!parent && (parent.dev !== s.dev || parent.ino === s.ino);
};
const sameFile = (a: unknown, b: unknown): boolean => {
  const x = stat(a);
  const y = stat(b);
  return !!x && !!y && x.dev === y.dev && x.ino === y.ino;
};
const FILE_TESTS: Record<string, Test> = {
  exists: (v) => stat(v) !== undefined,
  file: (v) => stat(v)?.isFile() ?? false,
  directory: (v) => stat(v)?.isDirectory() ?? false,
  link: (v) => stat(v, false)?.isSymbolicLink() ?? false,
  abs: (v) => path.isAbsolute(String(toPlain(v))),
  same_file: sameFile,
  mount: isMount,
};

const list = (v: unknown): unknown[] => {
  const p = toPlain(v);
  return Array.isArray(p) ? p : isMapping(p) ? Object.keys(p) : typeof p === 'string' ? [...p] : [];
};
const contains = (l: unknown[], e: unknown) => l.some((x) => x === e || JSON.stringify(x) === JSON.stringify(e));

/** Every test playwatch adds or replaces, by name. */
export const TESTS: Record<string, Test> = {
  failed,
  failure: failed,
  succeeded: (v) => !failed(v),
  success: (v) => !failed(v),
  successful: (v) => !failed(v),
  changed,
  change: changed,
  skipped,
  skip: skipped,
  finished: flag('finished'),
  started: flag('started'),
  unreachable: (v) => truthy(result('unreachable', v).unreachable),
  reachable: (v) => !truthy(result('reachable', v).unreachable),
  version: versionTest,
  version_compare: versionTest,
  match: regexTest('match'),
  search: regexTest('search'),
  regex: regexTest('regex'),
  truthy: truthyTest,
  falsy: (v, ...raw) => !truthyTest(v, ...raw),
  subset: (a, b) => list(a).every((e) => contains(list(b), e)),
  superset: (a, b) => list(b).every((e) => contains(list(a), e)),
  contains: (seq, e) => contains(list(seq), toPlain(e)),
  any: (v) => list(v).some(truthy),
  all: (v) => list(v).every(truthy),
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || v instanceof Map,
  issubset: (a, b) => list(a).every((e) => contains(list(b), e)),
  issuperset: (a, b) => list(b).every((e) => contains(list(a), e)),
  nan: (v) => typeof toPlain(v) === 'number' && Number.isNaN(toPlain(v)),
  // Data from a playbook is never callable (methods are reached through the engine, not tested).
  callable: () => false,
  ...FILE_TESTS,
  ...Object.fromEntries(Object.entries(FILE_TESTS).map(([k, t]) => [k === 'directory' ? 'is_dir' : `is_${k}`, t])),
};
