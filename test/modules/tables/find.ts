/** The find cases: what a task does to a host root, as ansible-core 2.14 does it (run by ../find-cases.test.ts and the system oracle). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Case } from '../cases.js';
import type { Entry } from '../files-helpers.js';

const TREE: Record<string, Entry> = {
  'ft/a/x.txt': { content: 'foo\n', ageSeconds: 3 * 86400 },
  'ft/a/b/y.log': 'bar foo\n',
  'ft/a/b/c/z.txt': 'foo\n',
  'ft/.hid/h.txt': 'h\n',
  'ft/.hh.txt': 'hh\n',
  'ft/lnk': { link: 'a/x.txt' },
  'ft/a/big.bin': 'x'.repeat(20 * 1024),
};

/** The matched paths, relative to the tree, in order. */
const paths = (want: string[], examined: number) => (r: Record<string, unknown>, root: string) => {
  const files = r.files as Array<{ path: string }>;
  assert.deepEqual(files.map((f) => f.path.slice(`${root}/ft/`.length)), want);
  assert.equal(r.matched, want.length);
  assert.equal(r.examined, examined);
};

export const CASES: Case[] = [
  { name: 'find files recursively (hidden names skipped, hidden directories walked)', setup: TREE, task: 'find: {paths: "@R/ft", recurse: true}', status: 'ok', execs: 1,
    result: { changed: false, msg: 'All paths examined', skipped_paths: {} }, check: paths(['.hid/h.txt', 'a/b/c/z.txt', 'a/b/y.log', 'a/big.bin', 'a/x.txt'], 11) },
  { name: 'find with a glob and hidden', setup: TREE, task: "find: {paths: \"@R/ft\", recurse: true, patterns: '*.txt', hidden: true}", status: 'ok',
    check: paths(['.hh.txt', '.hid/h.txt', 'a/b/c/z.txt', 'a/x.txt'], 11) },
  { name: 'find files containing a line starting with foo', setup: TREE, task: 'find: {paths: "@R/ft", recurse: true, contains: foo}', status: 'ok',
    check: paths(['a/b/c/z.txt', 'a/x.txt'], 11) },
  { name: 'find by age', setup: TREE, task: 'find: {paths: "@R/ft", recurse: true, age: 2d}', status: 'ok', check: paths(['a/x.txt'], 11) },
  { name: 'find younger than an age', setup: TREE, task: 'find: {paths: "@R/ft", recurse: true, age: -1h, patterns: "*.txt"}', status: 'ok', check: paths(['.hid/h.txt', 'a/b/c/z.txt'], 11) },
  { name: 'find by size', setup: TREE, task: 'find: {paths: "@R/ft", recurse: true, size: 10k}', status: 'ok', check: paths(['a/big.bin'], 11) },
  { name: 'find directories to a depth', setup: TREE, task: 'find: {paths: "@R/ft", file_type: directory, recurse: true, depth: 2}', status: 'ok',
    check: paths(['a', 'a/b'], 10) },
  { name: 'find any type in two paths, one missing', setup: TREE, task: 'find: {paths: ["@R/ft", "@R/nope"], file_type: any}', status: 'ok',
    result: { msg: 'Not all paths examined, check warnings for details', skipped_paths: { '@R/nope': "'@R/nope' is not a directory" },
      warnings: ["Skipped '@R/nope' path due to this access issue: '@R/nope' is not a directory\n"] },
    check: paths(['a', 'lnk'], 4) },
  { name: 'find with regexes and excludes', setup: TREE, task: "find: {paths: \"@R/ft\", recurse: true, patterns: '^[xy]\\..*', use_regex: true, excludes: '.*log'}", status: 'ok',
    check: paths(['a/x.txt'], 11) },
  { name: 'find links, with the stat keys', setup: TREE, task: 'find: {paths: "@R/ft", file_type: link}', status: 'ok',
    result: { files: [{ islnk: true, isreg: false, isdir: false, mode: '0777', size: 7, path: '@R/ft/lnk' }] }, check: paths(['lnk'], 4) },
  { name: 'find contains with a Python class escape, with checksums', setup: TREE, task: "find: {paths: \"@R/ft\", recurse: true, contains: '\\w+ foo', get_checksum: true}", status: 'ok',
    result: { files: [{ checksum: createHash('sha1').update('bar foo\n').digest('hex'), isreg: true, mode: /^0[0-7]{3}$/ }] }, check: paths(['a/b/y.log'], 11) },
  { name: 'find with a name holding shell syntax', setup: { 'we$(touch x);ird/f.txt': 'f' }, task: 'find: {paths: "@R/we$(touch x);ird"}', status: 'ok',
    check: (r) => assert.equal(r.matched, 1), after: { x: 'absent' } },
];

