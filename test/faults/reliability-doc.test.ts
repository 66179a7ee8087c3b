/**
 * docs/RELIABILITY.md stays true: every test it links to exists, under the
 * name it gives, and every row either links a test or says it is not yet tested.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

const doc = fs.readFileSync(path.join(ROOT, 'docs/RELIABILITY.md'), 'utf8');
// The matrix is everything above the note on round 1.
const rows = doc.split('## Checked against round 1')[0]!.split('\n').filter((l) => l.startsWith('| ') && !/^\| (#|case|---)/.test(l) && !/^\|---/.test(l));

/** The source as a test title would read after its template parts: quotes unescaped. */
const source = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\\'/g, "'");

test('every row of docs/RELIABILITY.md links a test file that exists, or says it is not yet tested', () => {
  assert.ok(rows.length >= 50, `${rows.length} rows`);
  for (const row of rows) {
    const links = [...row.matchAll(/\]\(\.\.\/(test\/[^)]+)\)/g)].map((m) => m[1]!);
    assert.ok(links.length > 0 || /not yet tested/.test(row), `a row without a test: ${row}`);
    for (const file of links) assert.ok(fs.existsSync(path.join(ROOT, file)), `${file} exists`);
  }
});

test('each test named after a link (› name) is in that file', () => {
  for (const row of rows) {
    for (const m of row.matchAll(/\]\(\.\.\/(test\/[^)]+)\) › ([^|;]+)/g)) {
      const file = m[1]!;
      // The words before any '…' or '<…>' or '/': how the title starts in the source.
      const start = m[2]!.split(/…|<|\/ | \(also| \(plain|—/)[0]!.trim();
      // A title with template parts (`${c.name}`) matches up to its first part: at least 24 characters of it.
      const text = source(file);
      const want = start.slice(0, 60);
      let n = want.length;
      while (n > 24 && !text.includes(want.slice(0, n))) n--;
      assert.ok(text.includes(want.slice(0, n)) && (n > 24 || n === want.length), `${file} has a test named "${want}"`);
    }
  }
});
