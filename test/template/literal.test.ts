import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertText } from '../../src/template/literal.js';
import { shaCrypt } from '../../src/template/sha-crypt.js';

/** [rendered text, what ansible-core 2.14's ansible_eval_concat makes of it] */
const cases: Array<[string, unknown]> = [
  ['[1, 2]', [1, 2]],
  ["['a', \"b\"]", ['a', 'b']],
  ["{'k': [1, None], 'b': True}", { k: [1, null], b: true }],
  ['{"a": true, "n": null}', { a: true, n: null }],
  ['True', true],
  ['False', false],
  ['(1, 2)', '(1, 2)'],
  ['[1, 2', '[1, 2'],
  ['[x]', '[x]'],
  ['[1.5, -2, 0x10, 1e3]', [1.5, -2, 16, 1000]],
  ["['a' 'b']", ['ab']],
  ["['\\x41\\n']", ['A\n']],
  ['{1, 2}', [1, 2]],
  ['[]', []],
  ['{}', {}],
  ['[1, 2]\n', [1, 2]],
  ['3', '3'],
  ['true', 'true'],
  ['[01]', '[01]'],
];

for (const [text, expected] of cases) {
  test(`rendered text ${JSON.stringify(text)} becomes ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(convertText(text), expected);
  });
}

test('password_hash gives the SHA-crypt hashes ansible-core gives for a salt', () => {
  assert.equal(shaCrypt('sha256', 'secret', 'saltsalt'), '$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA');
  assert.equal(shaCrypt('sha512', 'secret', 'saltsaltsalt'), '$6$saltsaltsalt$PMWE8DTlam1JU37Piyk43bHcMxTJq6sgu5DKB0/tGPjanN35jcY68QkpDfPFUGPWX5uCxIQkSPzMmqEiVNgts.');
  assert.equal(shaCrypt('sha512', 'secret', 'abc', 6000), '$6$rounds=6000$abc$ABnCa.EgL5AcbReFsLcHM7MVAC6hLhuHwHpn5ivc06FeOmmuNjH4JfZOmz2714BqJA4NMMLkJXdqHatoiCsic/');
});
