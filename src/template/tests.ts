/**
 * Ansible's Jinja tests (task results, versions, regexes, truthiness, sets)
 * plus `sequence`, which minijinja answers differently from Jinja for strings.
 */
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
  return convert && (typeof p === 'string' || typeof p === 'number') ? toBool(p) : truthy(p);
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
};
