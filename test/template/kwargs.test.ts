import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markExprKwargs, markTemplateKwargs } from '../../src/template/kwargs.js';

/** [source, what the engine sees] */
const exprs: Array<[string, string]> = [
  ["lookup('file', 'a')", "lookup('file', 'a')"],
  ["lookup('file', 'a', rstrip=False)", "lookup('file', 'a', __pw_kwargs=True, rstrip=False)"],
  ["q('x', {'k': 1}, a=1, b=2)", "q('x', {'k': 1}, __pw_kwargs=True, a=1, b=2)"],
  ["query('x', 'a == b')", "query('x', 'a == b')"],
  ["query('x', a == b)", "query('x', a == b)"],
  ["lookup('x', f(k=1))", "lookup('x', f(k=1))"],
  ["lookup('x', lookup('y', z=1), w=2)", "lookup('x', lookup('y', __pw_kwargs=True, z=1), __pw_kwargs=True, w=2)"],
  ["x | default(lookup('env', 'H', default='d'))", "x | default(lookup('env', 'H', __pw_kwargs=True, default='d'))"],
  ["foo.lookup(a=1)", "foo.lookup(a=1)"],
  ["'lookup(a=1)'", "'lookup(a=1)'"],
];

for (const [src, out] of exprs) {
  test(`lookup keyword arguments are marked: ${src}`, () => {
    assert.equal(markExprKwargs(src), out);
  });
}

test('lookup keyword arguments are marked inside tags only, text is left alone', () => {
  assert.equal(markTemplateKwargs("lookup(a=1) {{ lookup('f', 'x', errors='ignore') }}"), "lookup(a=1) {{ lookup('f', 'x', __pw_kwargs=True, errors='ignore') }}");
});
