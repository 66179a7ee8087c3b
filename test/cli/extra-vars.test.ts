import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExtraVars } from '../../src/cli/extra-vars.js';

/** `-e k=v…` → the variables, as ansible-core 2.14's parse_kv gives them (checked with ansible.parsing.splitter). */
const KEY_VALUES: Array<[arg: string, vars: Record<string, string>]> = [
  ['a=1 b="two words"', { a: '1', b: 'two words' }],
  // Jinja keeps its spaces: seed 002's per-host root, given on the command line.
  ['deploy_root=/srv/{{ inventory_hostname }}/api', { deploy_root: '/srv/{{ inventory_hostname }}/api' }],
  ['k="a \\"quoted\\" word"', { k: 'a "quoted" word' }],
  ["path='/tmp/x y' n=2", { path: '/tmp/x y', n: '2' }],
];

for (const [arg, vars] of KEY_VALUES) {
  test(`-e ${arg} gives ${JSON.stringify(vars)}`, () => {
    assert.deepEqual(parseExtraVars(arg, '/'), vars);
  });
}

test('-e with a word that is not key=value is refused, naming the word', () => {
  assert.throws(() => parseExtraVars('a=1 junk', '/'), /-e a=1 junk: expected key=value, JSON or @file \(at 'junk'\)/);
  assert.throws(() => parseExtraVars('a="open', '/'), /-e a="open: unbalanced double quote/);
});
