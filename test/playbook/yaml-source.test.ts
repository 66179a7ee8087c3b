/** The YAML reading layer under the loader: paths, fallback, values, line numbers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineCounter, parseDocument } from 'yaml';
import { UserError } from '../../src/model/index.js';
import { asMap, entries, kindOf, parseStats, parseYaml, posOf, toValue } from '../../src/playbook/source.js';
import { LineIndex } from '../../src/playbook/yaml/lines.js';
import { YAML_OPTIONS } from '../../src/playbook/yaml/slow.js';

function syntaxError(text: string): UserError {
  try {
    parseYaml(text, '/tmp/broken.yml');
  } catch (e) {
    assert.ok(e instanceof UserError);
    return e;
  }
  assert.fail('expected a syntax error');
}

test('ordinary YAML is read by the fast path and rare shapes by the fallback', () => {
  const before = { ...parseStats };
  const a = parseYaml('- name: one\n  shell: echo hi\n', '/tmp/a.yml');
  assert.equal(parseStats.fast, before.fast + 1);
  assert.equal(parseStats.fallback, before.fallback);
  assert.equal(a.doc, undefined);
  const b = parseYaml('? explicit\n: key\n', '/tmp/b.yml');
  assert.equal(parseStats.fallback, before.fallback + 1);
  assert.deepEqual(toValue(b, b.root), { explicit: 'key' });
});

test('a syntax error has the reference parser message at its line and column', () => {
  for (const text of ['a: [1, 2\nb: 3\n', 'a: b: c\n', 'a:\n  - x\n - y\n', 'a: 1\n---\nb: 2\n', 'x: "open\n']) {
    const lines = new LineCounter();
    const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines });
    const err = doc.errors[0];
    assert.ok(err, `reference parser accepts ${JSON.stringify(text)}`);
    const at = lines.linePos(err.pos[0]);
    const e = syntaxError(text);
    assert.equal(e.message, `/tmp/broken.yml:${at.line}:${at.col}: YAML syntax error: ${err.message.split('\n')[0]}`);
  }
});

test('values are fresh copies, with aliases shared inside one value only', () => {
  const src = parseYaml('base: &b {x: [1, 2]}\nboth: [*b, *b]\n', '/tmp/v.yml');
  const map = asMap(src, src.root)!;
  const both = entries(src, map).find((e) => e.key === 'both')!;
  const one = toValue(src, both.value) as Array<{ x: number[] }>;
  assert.equal(one[0], one[1]);
  one[0].x.push(3);
  const two = toValue(src, both.value) as Array<{ x: number[] }>;
  assert.deepEqual(two[0].x, [1, 2]);
  assert.notEqual(two[0], one[0]);
});

test('an alias is its own node for kinds and positions, and its target for values', () => {
  const src = parseYaml('a: &x hello\nlist:\n  - *x\n', '/tmp/al.yml');
  const list = entries(src, asMap(src, src.root)!).find((e) => e.key === 'list')!;
  const item = (list.value as { items: Parameters<typeof kindOf>[0][] }).items[0];
  assert.equal(kindOf(item), 'something else');
  assert.deepEqual(posOf(src, item), { file: '/tmp/al.yml', line: 3, col: 5 });
  assert.equal(toValue(src, item), 'hello');
});

test('line and column agree with the yaml LineCounter for every offset', () => {
  const texts = ['', 'a', 'a\n', 'a: 1\r\nb: 2\r\n', '\n\n\nx\n  y', 'é\n🎉: x\n', 'a: |\n  x\n\n  y\nb: "q\n  r"\nc: >\n  s\n  # t\nd: 1'];
  for (const text of texts) {
    const counter = new LineCounter();
    parseDocument(text, { lineCounter: counter });
    const index = new LineIndex(text);
    for (let o = 0; o <= text.length; o++) assert.deepEqual(index.linePos(o), counter.linePos(o), `${JSON.stringify(text)} @${o}`);
  }
});
