import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalExpr } from '../../src/template/index.js';

const scope = {
  ok: { changed: false, rc: 0 },
  bad: { failed: true, msg: 'boom' },
  chg: { changed: true },
  skp: { skipped: true, changed: false },
  looped: { results: [{ changed: false }, { changed: true }] },
  job: { ansible_job_id: '1.2', finished: 0, started: 1 },
  done: { finished: 1 },
  down: { unreachable: true },
  r: { rc: 0 },
  nothing: null,
};

/** [expression, expected] for every test playwatch documents. */
const cases: Array<[string, boolean]> = [
  ['missing is defined', false],
  ['missing is undefined', true],
  ['r is defined', true],
  ['r.finished is defined', false],
  ['r.finished is undefined', true],
  ['r.rc is defined', true],
  ['nothing is none', true],
  ['nothing is defined', true],
  ['r is none', false],
  ['ok is succeeded', true],
  ['ok is success', true],
  ['bad is succeeded', false],
  ['bad is failed', true],
  ['bad is failure', true],
  ['ok is failed', false],
  ['chg is changed', true],
  ['chg is change', true],
  ['ok is changed', false],
  ['looped is changed', true],
  ['skp is skipped', true],
  ['skp is skip', true],
  ['ok is skipped', false],
  ['job is finished', false],
  ['done is finished', true],
  ['ok is finished', true],
  ['job is started', true],
  ['down is unreachable', true],
  ['ok is reachable', true],
  ["'1.2.10' is version('1.2.9', '>')", true],
  ["'1.2.10' is version('1.2.9', 'gt')", true],
  ["'1.2.10' is version('1.2.9', '<')", false],
  ["'1.2.9' is version('1.2.10', 'lt')", true],
  ["'2.0' is version('2.0', '==')", true],
  ["'2.0' is version('2.0', '=')", true],
  ["'2.0' is version('2.0')", true],
  ["'2.0' is version('2.0.0', 'eq')", false],
  ["'2.0' is version('2.0', '>=')", true],
  ["'2.0' is version('2.0', 'ge')", true],
  ["'2.0' is version('2.1', '<=')", true],
  ["'2.0' is version('2.1', 'le')", true],
  ["'2.0' is version('2.1', '!=')", true],
  ["'2.0' is version('2.1', '<>')", true],
  ["'2.0' is version('2.0', 'ne')", false],
  ["'1.2.3b1' is version('1.2.3', '>')", true],
  ["'10.0' is version('9.9', operator='gt')", true],
  ["'nginx/1.2' is match('nginx')", true],
  ["'x nginx' is match('nginx')", false],
  ["'x nginx' is search('nginx')", true],
  ["'x NGINX' is search('nginx', ignorecase=true)", true],
  ["'x nginx' is regex('ngi.x')", true],
  ["'x nginx' is regex('ngi.x', match_type='match')", false],
  ["'abc' is string", true],
  ['3 is string', false],
  ['3 is number', true],
  ['2.5 is number', true],
  ["'3' is number", false],
  ['r is mapping', true],
  ['[1] is mapping', false],
  ['[1] is iterable', true],
  ['r is iterable', true],
  ['3 is iterable', false],
  ['[1] is sequence', true],
  ["'abc' is sequence", true],
  ['3 is sequence', false],
  ["'x' is truthy", true],
  ["'' is truthy", false],
  ["'no' is truthy(convert_bool=True)", false],
  ['[] is falsy', true],
  ['[1, 2] is subset([1, 2, 3])', true],
  ['[1, 4] is subset([1, 2, 3])', false],
  ['[1, 2, 3] is superset([3])', true],
  ['[1, 2] is contains(2)', true],
  ['[0, 1] is any', true],
  ['[0, 1] is all', false],
];

for (const [expr, expected] of cases) {
  test(`test expression ${expr} is ${expected}`, () => {
    assert.equal(evalExpr(expr, scope), expected);
  });
}

test('a result test on something that is not a dict is an error', () => {
  assert.throws(() => evalExpr("'x' is failed", scope), /The 'failed' test expects a dictionary/);
});

test('version with an unknown operator is an error', () => {
  assert.throws(() => evalExpr("'1' is version('2', 'bigger')", scope), /Invalid operator type \(bigger\)/);
});

test('version comparing a number part with a word part is an error, as in Python', () => {
  assert.throws(() => evalExpr("'1.2' is version('1.a', '<')", scope), /Version comparison failed/);
});
