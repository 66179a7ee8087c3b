import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseKv, splitArgs } from '../../src/playbook/kv.js';

const FREE = new Set(['chdir', 'creates', 'removes', 'executable', 'stdin', 'warn']);

test('key=value words become options and quotes around a value are removed', () => {
  assert.deepEqual(parseKv('msg="hello world" verbosity=2'), { msg: 'hello world', verbosity: '2' });
  assert.deepEqual(parseKv("msg='it is'"), { msg: 'it is' });
});

test('a Jinja expression with spaces stays one value', () => {
  assert.deepEqual(parseKv('jid={{ r.ansible_job_id }}'), { jid: '{{ r.ansible_job_id }}' });
  assert.deepEqual(parseKv('msg={{ a | default("x y") }} other=1'), { msg: '{{ a | default("x y") }}', other: '1' });
  assert.deepEqual(parseKv('msg="{% if a %}yes {{ b }}{% endif %}"'), { msg: '{% if a %}yes {{ b }}{% endif %}' });
});

test('free-form text keeps only the known option words as options', () => {
  assert.deepEqual(parseKv('/opt/x.py chdir=/tmp creates=/x', FREE), {
    _raw_params: '/opt/x.py',
    chdir: '/tmp',
    creates: '/x',
  });
  assert.deepEqual(parseKv('echo a=b "c d" removes=/r', FREE), { _raw_params: 'echo a=b "c d"', removes: '/r' });
});

test('free-form text keeps its original spacing and newlines between words', () => {
  const script = 'set -e\nif true; then\n    echo "a  b"\nfi\n';
  assert.deepEqual(parseKv(script, FREE), { _raw_params: 'set -e\nif true; then\n    echo "a  b"\nfi' });
});

test('an option word in the middle of free-form text is taken out', () => {
  assert.deepEqual(parseKv('echo one chdir=/tmp two', FREE), { _raw_params: 'echo one two', chdir: '/tmp' });
});

test('escaped sequences in option values are decoded', () => {
  assert.deepEqual(parseKv('msg="a\\nb"'), { msg: 'a\nb' });
});

test('words without = stay raw params for any module', () => {
  assert.deepEqual(parseKv('vars/main.yml'), { _raw_params: 'vars/main.yml' });
});

test('unbalanced quotes and Jinja blocks are refused', () => {
  assert.throws(() => splitArgs('echo "oops'), /unbalanced double quote/);
  assert.throws(() => splitArgs('msg={{ x'), /unbalanced Jinja/);
});

test('splitArgs gives each word with its offsets', () => {
  const toks = splitArgs('a  b="c d"');
  assert.deepEqual(toks.map((t) => [t.text, t.start, t.end]), [['a', 0, 1], ['b="c d"', 3, 10]]);
});
