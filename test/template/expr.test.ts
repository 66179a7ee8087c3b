import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalCond, evalExpr, render } from '../../src/template/index.js';

const where = { file: 'tasks/main.yml', line: 8, col: 3 };
const scope = {
  r: { rc: 0, stdout: 'ok', stat: { exists: true }, empty: {} },
  item: { name: 'nginx', state: 'present' },
  items: [],
  flag: true,
  off: false,
  word_false: 'false',
  word_no: 'no',
  zero_str: '0',
  zero: 0,
  n: null,
  ready: '{{ r.rc == 0 }}',
  env: 'prod',
  is_prod: "{{ env == 'prod' }}",
};

/** [expression, native value] */
const exprs: Array<[string, unknown]> = [
  ['r.rc', 0],
  ['r.stdout', 'ok'],
  ['r.stat', { exists: true }],
  ['r["stdout"]', 'ok'],
  ['item.name | upper', 'NGINX'],
  ["item.name ~ '-' ~ item.state", 'nginx-present'],
  ['r.finished is defined', false],
  ['missing is defined', false],
  ['missing is not defined', true],
  ['r.finished | default(false)', false],
  ['n', null],
  ['n is none', true],
  ["'0' == 0", false],
  ['0 == 0.0', true],
  ['True', true],
  ['None', null],
  ['[1, 2] + [3]', [1, 2, 3]],
  ['ready', true],
  ['is_prod', true],
  ['r.items() | list | length', 4],
  ['"a b".split()', ['a', 'b']],
  ['range(3) | list', [0, 1, 2]],
];

for (const [expr, expected] of exprs) {
  test(`evalExpr ${JSON.stringify(expr)} gives ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(evalExpr(expr, scope, where), expected);
  });
}

test('evalExpr of a missing name is an error at the place', () => {
  assert.throws(() => evalExpr('nope', scope, where), { message: "tasks/main.yml:8:3: 'nope' is undefined" });
});

test('evalExpr of a missing attribute names the owner', () => {
  assert.throws(() => evalExpr('r.finished', scope, where), { message: "tasks/main.yml:8:3: 'r' has no attribute 'finished'" });
});

test('evalExpr of a syntax error names the expression', () => {
  assert.throws(() => evalExpr('r.rc ==', scope, where), { message: /^tasks\/main\.yml:8:3: template error in "r\.rc ==": syntax error/ });
});

type Cond = string | boolean | Array<string | boolean>;
/** [condition, result] */
const conds: Array<[Cond, boolean]> = [
  [true, true],
  [false, false],
  ['flag', true],
  ['off', false],
  ['not off', true],
  ['True', true],
  ['False', false],
  ['false', false],
  ['r.rc == 0', true],
  ['r.rc != 0', false],
  ['r.stdout', true],
  ['r.empty', false],
  ['items', false],
  ['zero', false],
  // a variable holding a non-empty string is truthy, as in Jinja
  ['word_false', true],
  ['word_no', true],
  ['zero_str', true],
  ['word_false | bool', false],
  ['n', false],
  ['r.finished is defined', false],
  ['missing is undefined', true],
  ['missing is defined and missing', false],
  ['r.finished | default(true)', true],
  ['r is succeeded', true],
  ['ready', true],
  ['is_prod', true],
  ["env == 'prod' and r.stat.exists", true],
  ['{{ flag }}', true],
  ['{{ off }}', false],
  ['  {{ r.rc == 0 }}  ', true],
  ['', true],
  [[], true],
  [['flag', true, 'r.rc == 0'], true],
  [['flag', 'off'], false],
  [[true, false], false],
];

for (const [cond, expected] of conds) {
  test(`evalCond ${JSON.stringify(cond)} is ${expected}`, () => {
    assert.equal(evalCond(cond, scope, where), expected);
  });
}

test('evalCond on a missing name is an error naming it', () => {
  assert.throws(() => evalCond('nope', scope, where), { message: "tasks/main.yml:8:3: 'nope' is undefined" });
});

test('evalCond on `not` of a missing name is an error, as with ansible', () => {
  assert.throws(() => evalCond('not nope', scope, where), { message: "tasks/main.yml:8:3: 'nope' is undefined" });
});

test('evalCond on a missing attribute is an error naming it', () => {
  assert.throws(() => evalCond('r.finished', scope, where), { message: "tasks/main.yml:8:3: 'r' has no attribute 'finished'" });
});

test('evalCond stops at the first false entry of a list', () => {
  assert.equal(evalCond([false, 'nope'], scope, where), false);
});

test('evalCond renders mixed templating first and evaluates the result, as ansible does', () => {
  // "{{ env }} == 'prod'" becomes "prod == 'prod'", where prod is a variable name.
  assert.throws(() => evalCond("{{ env }} == 'prod'", scope, where), { message: "tasks/main.yml:8:3: 'prod' is undefined" });
  assert.equal(evalCond("{{ flag }} and {{ off }}", scope, where), false);
});

test('integer attributes read like subscripts, as Jinja does', () => {
  const scope = { item: [7, 'x'], pairs: [[1, 2]], v: '1.5' };
  assert.equal(evalExpr('item.0', scope), 7);
  assert.equal(evalExpr('pairs.0.1', scope), 2);
  assert.equal(render('{{ item.1 }} and 1.5 stays', scope), 'x and 1.5 stays');
  assert.equal(render('text item.0 outside tags', scope), 'text item.0 outside tags');
  assert.equal(evalExpr("'a.0' ~ (1.5 | string)", scope), 'a.01.5');
  assert.equal(evalCond('item.0 == 7', scope), true);
});
