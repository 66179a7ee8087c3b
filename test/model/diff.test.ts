import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiff, hasDiff, unifiedDiff } from '../../src/model/diff.js';

const lines = (n: number, skip: number[] = [], replace: number[] = []) =>
  Array.from({ length: n }, (_, i) => i).filter((i) => !skip.includes(i)).map((i) => (replace.includes(i) ? 'X\n' : `${i}\n`));

// Expected texts are Python's difflib.unified_diff(a, b, 'before: f', 'after: g', n=3) for the same lines.
const CASES: Array<{ name: string; a: string[]; b: string[]; want: string }> = [
  { name: 'one line changed, one added', a: ['a\n', 'b\n', 'c\n'], b: ['a\n', 'x\n', 'c\n', 'd\n'], want: '--- before: f\n+++ after: g\n@@ -1,3 +1,4 @@\n a\n-b\n+x\n c\n+d\n' },
  { name: 'a new file', a: [], b: ['one\n', 'two\n'], want: '--- before: f\n+++ after: g\n@@ -0,0 +1,2 @@\n+one\n+two\n' },
  { name: 'everything removed', a: ['one\n', 'two\n'], b: [], want: '--- before: f\n+++ after: g\n@@ -1,2 +0,0 @@\n-one\n-two\n' },
  {
    name: 'two changes far apart make two hunks',
    a: lines(20), b: [...lines(20, [2, 17]), 'new\n'],
    want: '--- before: f\n+++ after: g\n@@ -1,6 +1,5 @@\n 0\n 1\n-2\n 3\n 4\n 5\n@@ -15,6 +14,6 @@\n 14\n 15\n 16\n-17\n 18\n 19\n+new\n',
  },
  {
    name: 'two changes within twice the context make one hunk',
    a: lines(12), b: lines(12, [], [3, 9]),
    want: '--- before: f\n+++ after: g\n@@ -1,12 +1,12 @@\n 0\n 1\n 2\n-3\n+X\n 4\n 5\n 6\n 7\n 8\n-9\n+X\n 10\n 11\n',
  },
  { name: 'equal texts give nothing', a: ['a\n'], b: ['a\n'], want: '' },
];

for (const c of CASES) {
  test(`unifiedDiff matches difflib: ${c.name}`, () => {
    assert.equal(unifiedDiff(c.a, c.b, 'before: f', 'after: g').join(''), c.want);
  });
}

test('formatDiff prints content diffs with their headers and a blank line after, as the default callback does', () => {
  const text = formatDiff({ before: 'one\ntwo\n', after: 'one\nthree\n', before_header: '/etc/app.conf', after_header: 'templates/app.j2' });
  assert.equal(text, '--- before: /etc/app.conf\n+++ after: templates/app.j2\n@@ -1,2 +1,2 @@\n one\n-two\n+three\n\n');
});

test('formatDiff shows mappings as sorted JSON, and a missing last newline', () => {
  assert.equal(
    formatDiff({ before: { path: '/d', state: 'absent', mode: '0755' }, after: { state: 'directory', path: '/d', mode: '0750' } }),
    '--- before\n+++ after\n@@ -1,5 +1,5 @@\n {\n-    "mode": "0755",\n+    "mode": "0750",\n     "path": "/d",\n-    "state": "absent"\n+    "state": "directory"\n }\n\n',
  );
  assert.equal(formatDiff({ before: 'a', after: 'a\n' }), '--- before\n+++ after\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n\n');
});

test('formatDiff says why a binary or large file was not compared, and hasDiff is false for no change', () => {
  assert.equal(formatDiff({ dst_binary: 1 }), 'diff skipped: destination file appears to be binary\n');
  assert.equal(formatDiff([{ src_larger: 104448 }]), 'diff skipped: source file size is greater than 104448\n');
  assert.equal(hasDiff({ before: 'x\n', after: 'x\n' }), false);
  assert.equal(hasDiff([]), false);
  assert.equal(hasDiff({ before: { path: 'a' }, after: { path: 'b' } }), true);
});
