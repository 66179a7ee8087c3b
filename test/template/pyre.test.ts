/**
 * Python `re` semantics in the regex filters and tests (pyre.ts): each
 * expectation is what ansible-core 2.14 (or Python's `re`, for the carriage
 * return, which Jinja turns into a newline in a template) gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regexFindall, regexReplace, regexSearch, regexTest } from '../../src/template/regex.js';

test('$ matches before a final newline, as in Python', () => {
  assert.equal(regexSearch('foo\n', 'foo$'), 'foo');
  assert.equal(regexTest('regex')('foo\n', '^foo$', false, false, 'fullmatch'), false);
  assert.equal(regexTest('regex')('foo', '(?i)FOO', false, false, 'fullmatch'), true);
});

test('named groups swap through \\g<name>, empty matches are replaced as Python 3.7+ does', () => {
  assert.equal(regexReplace('k=v', '(?P<k>\\w+)=(?P<v>\\w+)', '\\g<v>=\\g<k>'), 'v=k');
  assert.equal(regexReplace('abxd', 'x*', '-'), '-a-b--d-');
});

test('multiline ^ starts every line', () => {
  assert.deepEqual(regexFindall('ab\ncd', '^\\w', true), ['a', 'c']);
});

test('. matches a carriage return but not a newline', () => {
  assert.equal(regexSearch('a\r\nb', 'a.'), 'a\r');
  assert.equal(regexSearch('a\nb', 'a.'), null);
});

test('{,n} counts from zero and (?#...) is a comment', () => {
  assert.equal(regexSearch('xaabc', 'a{,2}b(?#note)c'), 'aabc');
  assert.equal(regexReplace('aaab', 'a{,2}', '-'), '---b-');
});
