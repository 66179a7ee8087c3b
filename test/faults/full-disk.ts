/**
 * Loaded with `node --import` before the CLI: a full disk for the post-run
 * steps. When the run directory is made under PLAYWATCH_TEST_FULL_RUNS,
 * `summary.json` in it becomes a link to /dev/full (every write: ENOSPC),
 * as test/reporters/io-errors.test.ts does for the run files; and the
 * archive's partial file, which is created exclusively (a planted link is
 * refused, not followed), is opened on /dev/full instead. No hook in
 * playwatch itself: node:fs's own functions are wrapped.
 */
import fs from 'node:fs';
import path from 'node:path';

const runs = process.env.PLAYWATCH_TEST_FULL_RUNS;
const mkdirSync = fs.mkdirSync;
fs.mkdirSync = function (p: fs.PathLike, opts?: unknown) {
  const made = mkdirSync.call(fs, p, opts as fs.MakeDirectoryOptions);
  if (runs !== undefined && path.dirname(path.resolve(String(p))) === path.resolve(runs)) fs.symlinkSync('/dev/full', path.join(String(p), 'summary.json'));
  return made;
} as typeof fs.mkdirSync;

const createWriteStream = fs.createWriteStream;
fs.createWriteStream = function (p: fs.PathLike, opts?: unknown) {
  if (runs !== undefined && String(p).endsWith('.tar.gz.partial')) return createWriteStream.call(fs, '/dev/full', { flags: 'w' });
  return createWriteStream.call(fs, p, opts as never);
} as typeof fs.createWriteStream;
