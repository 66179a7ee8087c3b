import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeExpr, analyzeTemplate } from '../../src/template/names.js';

/** [expression, names it reads from the scope] */
const exprs: Array<[string, string[]]> = [
  ['a', ['a']],
  ['a.b.c', ['a']],
  ['a["b"] ~ c', ['a', 'c']],
  ['x | default(y) | upper', ['x', 'y']],
  ['x | combine(y, recursive=True)', ['x', 'y']],
  ['x is defined and x is not version(v, ">")', ['x', 'v']],
  ["'a.b' ~ \"c d\" ~ e", ['e']],
  ['not a and b or c in d', ['a', 'b', 'c', 'd']],
  ['true and True and none and None', []],
  ['x if y else z', ['x', 'y', 'z']],
  ['range(n) | map("string") | list', ['n']],
  ['d.items() | list', ['d']],
  ['loop.index', []],
  ['', []],
];

for (const [src, names] of exprs) {
  test(`expression ${JSON.stringify(src)} reads ${JSON.stringify(names)}`, () => {
    assert.deepEqual(analyzeExpr(src).names, names);
  });
}

/** [template, names it reads from the scope] */
const templates: Array<[string, string[]]> = [
  ['plain', []],
  ['{{ a }}/{{ b.c }}', ['a', 'b']],
  ['{% for k, v in m.items() %}{{ k }}{{ v }}{{ z }}{% endfor %}', ['m', 'z']],
  ['{% set t = a * 2 %}{{ t }}', ['a']],
  ['{% if p %}{{ q }}{% elif r %}{% endif %}', ['p', 'q', 'r']],
  ['{# {{ hidden }} #}{{ shown }}', ['shown']],
  ['{% raw %}{{ hidden }}{% endraw %}{{ shown }}', ['shown']],
  ['{% filter upper %}{{ x }}{% endfilter %}', ['x']],
  ["{{ '}}' ~ a }}", ['a']],
];

for (const [src, names] of templates) {
  test(`template ${JSON.stringify(src)} reads ${JSON.stringify(names)}`, () => {
    assert.deepEqual(analyzeTemplate(src).names, names);
  });
}

test('attribute chains are recorded up to a method call', () => {
  assert.deepEqual(analyzeExpr('r.stat.exists and d.x.items()').chains, [['r', 'stat', 'exists'], ['d', 'x']]);
  assert.deepEqual(analyzeExpr("r['stat'][0]").chains, [['r', 'stat', '0']]);
});

test('a source that tests definedness or branches is marked guarded', () => {
  assert.equal(analyzeExpr('x is defined').guarded, true);
  assert.equal(analyzeExpr('x | default(1)').guarded, true);
  assert.equal(analyzeExpr('a or b').guarded, true);
  assert.equal(analyzeExpr('x ~ y').guarded, false);
  assert.equal(analyzeTemplate('{% if a %}{% endif %}').guarded, true);
});

test('a single output tag is recognised with whitespace around it', () => {
  const a = analyzeTemplate('  {{ x | default(1) }}\n');
  assert.equal(a.single, true);
  assert.equal(a.expr, 'x | default(1)');
  assert.equal(a.lead, '  ');
  assert.equal(a.trail, '\n');
  assert.equal(analyzeTemplate('{{ a }}{{ b }}').single, false);
  assert.equal(analyzeTemplate('x {{ a }}').single, false);
  assert.equal(analyzeTemplate('{% if a %}{{ a }}{% endif %}').single, false);
});

test('output tags are rewritten to print through the Python-style filter, modifiers kept', () => {
  assert.equal(analyzeTemplate('a {{- x -}} b').rewritten, 'a {%- set __pw_v = ( x ) %}{{ __pw_v | __pw_str(__pw_v is undefined, __pw_v is float)-}} b');
});

test('analysis is cached per source string', () => {
  assert.equal(analyzeExpr('cached.thing'), analyzeExpr('cached.thing'));
  assert.equal(analyzeTemplate('{{ cached }}'), analyzeTemplate('{{ cached }}'));
});

test('names read only through keys record those keys', () => {
  const a = analyzeExpr("hostvars[inventory_hostname].x ~ hostvars['web1'].y ~ groups.web");
  assert.deepEqual(a.keys.get('hostvars'), [{ variable: 'inventory_hostname' }, { literal: 'web1' }]);
  assert.deepEqual(a.keys.get('groups'), [{ literal: 'web' }]);
  assert.equal(a.keys.has('inventory_hostname'), false);
  assert.equal(analyzeExpr("hostvars['a'].x ~ (hostvars | length)").keys.has('hostvars'), false);
});
