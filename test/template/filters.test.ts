import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalExpr, render } from '../../src/template/index.js';

const scope = {
  d: { a: 1, b: { c: 2 } },
  users: [{ name: 'ann', admin: true }, { name: 'bob', admin: false }],
  text: 'port=8080 host=web1',
  nums: [3, 1, 2, 1],
  empty: '',
  nothing: null,
};

/** [expression, expected native value] — each is an Ansible filter as playbooks use it. */
const cases: Array<[string, unknown]> = [
  // default / d
  ['missing | default("x")', 'x'],
  ['d.zz | default(5)', 5],
  ['empty | default("x")', ''],
  ['empty | default("x", true)', 'x'],
  ['nothing | default("x")', null],
  ['missing | d("y")', 'y'],
  // int / float / bool / string
  ['"42" | int', 42],
  ['"3.7" | int', 3],
  ['"abc" | int', 0],
  ['"abc" | int(7)', 7],
  ['"ff" | int(base=16)', 255],
  ['"0x1f" | int(0, 16)', 31],
  ['3.9 | int', 3],
  ['"2.5" | float', 2.5],
  ['"yes" | bool', true],
  ['"On" | bool', true],
  ['"1" | bool', true],
  ['"TRUE" | bool', true],
  ['"no" | bool', false],
  ['"false" | bool', false],
  ['"0" | bool', false],
  ['1 | bool', true],
  ['nothing | bool', null],
  ['true | string', 'True'],
  ['nothing | string', 'None'],
  ['[1, "a"] | string', "[1, 'a']"],
  ['5 | string', '5'],
  // text
  ['"AbC" | lower', 'abc'],
  ['"AbC" | upper', 'ABC'],
  ['"  x  " | trim', 'x'],
  ['"a-b-c" | replace("-", "+")', 'a+b+c'],
  ['"a,b" | split(",")', ['a', 'b']],
  ['"a b c".split()', ['a', 'b', 'c']],
  ['"%s-%03d" | format("web", 7)', 'web-007'],
  ['"%.2f" | format(3.14159)', '3.14'],
  // lists
  ['nums | join(",")', '3,1,2,1'],
  ['nums | length', 4],
  ['nums | first', 3],
  ['nums | last', 1],
  ['nums | unique | list', [3, 1, 2]],
  ['nums | sort', [1, 1, 2, 3]],
  ['nums | max', 3],
  ['users | map(attribute="name") | list', ['ann', 'bob']],
  ['users | selectattr("admin") | map(attribute="name") | list', ['ann']],
  ['users | rejectattr("admin") | map(attribute="name") | list', ['bob']],
  ['nums | select("odd") | list', [3, 1, 1]],
  ['nums | reject("odd") | list', [2]],
  ['nums | map("string") | list', ['3', '1', '2', '1']],
  ['[[1, [2]], 3, none] | flatten', [1, 2, 3]],
  ['[[1, [2]], 3] | flatten(levels=1)', [1, [2], 3]],
  ['[1, 2, 3] | difference([2])', [1, 3]],
  ['[1, 2, 3] | intersect([3, 2, 9])', [2, 3]],
  ['[1, 2] | union([2, 3])', [1, 2, 3]],
  ['[1, 2] | symmetric_difference([2, 3])', [1, 3]],
  ['[1, 2] | zip(["a", "b"]) | list', [[1, 'a'], [2, 'b']]],
  ['["a"] | map("extract", {"a": {"ip": "10.0.0.1"}}, "ip") | list', ['10.0.0.1']],
  // dicts
  ['d | dict2items', [{ key: 'a', value: 1 }, { key: 'b', value: { c: 2 } }]],
  ['{"x": 1} | dict2items(key_name="k", value_name="v")', [{ k: 'x', v: 1 }]],
  ['[{"key": "a", "value": 1}] | items2dict', { a: 1 }],
  ['[{"k": "a", "v": 1}] | items2dict(key_name="k", value_name="v")', { a: 1 }],
  ['d | combine({"a": 9, "z": 0})', { a: 9, b: { c: 2 }, z: 0 }],
  ['d | combine({"b": {"e": 3}})', { a: 1, b: { e: 3 } }],
  ['d | combine({"b": {"e": 3}}, recursive=True)', { a: 1, b: { c: 2, e: 3 } }],
  ['{"l": [1]} | combine({"l": [2]}, list_merge="append")', { l: [1, 2] }],
  ['[{"a": 1}, {"b": 2}] | combine', { a: 1, b: 2 }],
  ['d.items() | list', [['a', 1], ['b', { c: 2 }]]],
  // paths and shell
  ['"/etc/nginx/nginx.conf" | basename', 'nginx.conf'],
  ['"/etc/nginx/nginx.conf" | dirname', '/etc/nginx'],
  ['"/etc/nginx/" | basename', ''],
  ['["/srv", "app", "current"] | path_join', '/srv/app/current'],
  ['"plain-word_1.2" | quote', 'plain-word_1.2'],
  ['"it\'s here" | quote', `'it'"'"'s here'`],
  ['"" | quote', "''"],
  // regex
  ['text | regex_replace("port=(\\\\d+)", "port=\\\\1\\\\1")', 'port=80808080 host=web1'],
  ['text | regex_replace("(?P<k>\\\\w+)=", "\\\\g<k>:")', 'port:8080 host:web1'],
  ['"a$b" | regex_replace("b", "$1")', 'a$$1'],
  ['"ABC" | regex_replace("b", "x", ignorecase=true)', 'AxC'],
  ['text | regex_search("port=\\\\d+")', 'port=8080'],
  ['text | regex_search("port=(\\\\d+)", "\\\\1")', ['8080']],
  ['text | regex_search("(?P<h>host)=(\\\\w+)", "\\\\g<h>", "\\\\2")', ['host', 'web1']],
  ['text | regex_search("nope")', null],
  ['text | regex_findall("\\\\d")', ['8', '0', '8', '0', '1']],
  ['text | regex_findall("(\\\\w+)=(\\\\w+)")', [['port', '8080'], ['host', 'web1']]],
  ['"a.b" | regex_escape', 'a\\.b'],
  // serialization
  ['d | to_json', '{"a": 1, "b": {"c": 2}}'],
  ['"é" | to_json', '"\\u00e9"'],
  ['{"b": 1, "a": [1, 2]} | to_nice_json', '{\n    "a": [\n        1,\n        2\n    ],\n    "b": 1\n}'],
  ['\'{"a": [1, null]}\' | from_json', { a: [1, null] }],
  ['{"b": 1, "a": [1, 2]} | to_yaml', 'a: [1, 2]\nb: 1\n'],
  ['{"b": 1, "a": 2} | to_yaml', '{a: 2, b: 1}\n'],
  ['"a: [1, 2]" | from_yaml', { a: [1, 2] }],
  ['"hello" | b64encode', 'aGVsbG8='],
  ['"aGVsbG8=" | b64decode', 'hello'],
  ['"abc" | hash("md5")', '900150983cd24fb0d6963f7d28e17f72'],
  ['"abc" | checksum', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  // misc
  ['true | ternary("yes", "no")', 'yes'],
  ['"" | ternary("yes", "no")', 'no'],
  ['nothing | ternary("yes", "no", "null")', 'null'],
  ['d.a | mandatory', 1],
  ['1.5 | type_debug', 'float'],
  ['d | type_debug', 'dict'],
];

for (const [expr, expected] of cases) {
  test(`filter expression ${expr} gives ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(evalExpr(expr, scope), expected);
  });
}

test('filters chain inside an interpolated string', () => {
  assert.equal(render('{{ users | map(attribute="name") | join(", ") | upper }}!', scope), 'ANN, BOB!');
});

test('mandatory on a missing variable names it', () => {
  // ansible-core 2.14 prints two spaces before 'not defined'.
  assert.throws(() => evalExpr('dbpass | mandatory', scope), { message: "Mandatory variable 'dbpass'  not defined." });
});

test('mandatory with a message uses the message', () => {
  assert.throws(() => evalExpr('dbpass | mandatory("set dbpass in vault")', scope), { message: 'set dbpass in vault' });
});

test('from_json on bad text is an error naming the filter and the template', () => {
  assert.throws(() => render('{{ "{nope" | from_json }}', scope, { file: 'a.yml', line: 3, col: 7 }), (e: Error) =>
    e.message.startsWith('a.yml:3:7: from_json:') && e.message.includes('| from_json'));
});

test('a filter error does not break later renders', () => {
  assert.throws(() => evalExpr('"x" | from_json', scope));
  assert.equal(evalExpr('"x" | upper', scope), 'X');
});

test('dict2items on a list is an error', () => {
  assert.throws(() => evalExpr('[1] | dict2items', scope), /dict2items requires a dictionary, got list instead/);
});

test('an unknown filter suggests the closest name', () => {
  assert.throws(() => evalExpr('d | to_nice_jsn', scope), /unknown filter 'to_nice_jsn' \(did you mean 'to_nice_json'\?\)/);
});

test('to_nice_yaml sorts keys, indents mappings by 4 and reads back to the same data', async () => {
  const YAML = (await import('yaml')).default;
  const out = evalExpr('{"b": {"x": 1}, "a": [1, {"k": "v"}]} | to_nice_yaml', scope) as string;
  assert.ok(out.startsWith('a:\n'), out);
  assert.ok(out.includes('b:\n    x: 1\n'), out);
  assert.deepEqual(YAML.parse(out), { a: [1, { k: 'v' }], b: { x: 1 } });
});
