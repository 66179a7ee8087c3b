import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputCap } from '../../src/transport/output.js';

test('output under the budget is kept exactly, across chunks', () => {
  const cap = new OutputCap(10);
  cap.push(Buffer.from('abc'));
  cap.push(Buffer.from('defghij'));
  assert.equal(cap.truncated, false);
  assert.equal(cap.text(), 'abcdefghij');
});

test('output over the budget keeps the first and last halves with a marker', () => {
  const cap = new OutputCap(10);
  for (const part of ['01234', '56789', 'abcde', 'fghij']) cap.push(Buffer.from(part));
  assert.equal(cap.truncated, true);
  assert.equal(cap.text(), '01234\n[... playwatch: 10 bytes of output cut here ...]\nfghij');
});

test('a single large chunk is split into head and tail', () => {
  const cap = new OutputCap(8);
  cap.push(Buffer.from('line1\nline2\nline3\nline4\n'));
  assert.equal(cap.text(), 'line\n[... playwatch: 16 bytes of output cut here ...]\nne4\n');
});

test('a multibyte character cut by the budget is dropped, not mangled', () => {
  const cap = new OutputCap(6);
  cap.push(Buffer.from('aé€bcdefgh€é'));
  const text = cap.text();
  assert.ok(!text.includes('\uFFFD'), text);
  assert.ok(text.startsWith('aé'));
  assert.ok(text.endsWith('é'));
});
