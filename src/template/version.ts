/**
 * The `version` test: Python's LooseVersion ordering, as ansible-core's
 * default `version_type='loose'`.
 */
import { FilterError } from './engine.js';
import { bind, text } from './params.js';

const OPERATORS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0, lt: (c) => c < 0,
  '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0,
  '>=': (c) => c >= 0, ge: (c) => c >= 0,
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0,
  '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
};

/** LooseVersion components: runs of digits as numbers, runs of letters and other text as strings. */
export function looseParts(v: string): Array<number | string> {
  return v
    .split(/(\d+|[a-z]+|\.)/)
    .filter((p) => p !== '' && p !== '.')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Compares two versions the way LooseVersion does: -1, 0 or 1. */
export function compareLoose(a: string, b: string): number {
  const x = looseParts(a);
  const y = looseParts(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    if (typeof x[i] !== typeof y[i]) {
      throw new FilterError(
        `Version comparison failed: '<' not supported between '${x[i]}' and '${y[i]}' ('${a}' vs '${b}')`,
      );
    }
    return x[i] < y[i] ? -1 : 1;
  }
  return Math.sign(x.length - y.length);
}

/** `'1.2.10' is version('1.2.9', '>')`; operator defaults to `eq`. */
export function versionTest(value: unknown, ...raw: unknown[]): boolean {
  const a = bind(raw, ['version', 'operator', 'strict', 'version_type']);
  if (a.version === undefined || a.version === null || text(a.version) === '') {
    throw new FilterError('Version parameter to compare against cannot be empty');
  }
  const op = text(a.operator ?? 'eq');
  const check = OPERATORS[op];
  if (!check) throw new FilterError(`Invalid operator type (${op})`);
  const type = a.version_type ?? (a.strict === true ? 'strict' : 'loose');
  const compare = type === 'semver' || type === 'semantic' ? compareSemver : compareLoose;
  return check(compare(text(value), text(a.version)));
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Semantic Versioning 2.0 order: a pre-release sorts below its release; build metadata is ignored. */
export function compareSemver(a: string, b: string): number {
  const x = SEMVER.exec(a.trim());
  const y = SEMVER.exec(b.trim());
  if (!x) throw new FilterError(`invalid semantic version '${a}'`);
  if (!y) throw new FilterError(`invalid semantic version '${b}'`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return Math.sign(d);
  }
  if (x[4] === undefined || y[4] === undefined) return x[4] === y[4] ? 0 : x[4] === undefined ? 1 : -1;
  const p = x[4].split('.');
  const q = y[4].split('.');
  for (let i = 0; i < Math.min(p.length, q.length); i++) {
    if (p[i] === q[i]) continue;
    const pn = /^\d+$/.test(p[i]);
    const qn = /^\d+$/.test(q[i]);
    if (pn && qn) return Math.sign(Number(p[i]) - Number(q[i]));
    if (pn !== qn) return pn ? -1 : 1;
    return p[i] < q[i] ? -1 : 1;
  }
  return Math.sign(p.length - q.length);
}
