/**
 * The CLI runs from dist/bundle/ (scripts/bundle.mjs). React picks its
 * build once, when its code first runs: that must be inside `loadTui`,
 * which sets NODE_ENV for it. These read the bundle that `npm ci` /
 * `npm run build` made and follow its imports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIR = path.join(ROOT, 'dist/bundle');

function source(file: string): string {
  return fs.readFileSync(path.join(DIR, file), 'utf8');
}

/** The files `file` imports: statically (`from "./x.js"`, `import "./x.js"`) or with `import("./x.js")`. */
function imports(file: string): { static: string[]; dynamic: string[] } {
  const text = source(file);
  const stat = [...text.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)].map((m) => m[1]!);
  const dyn = [...text.matchAll(/import\(\s*"\.\/([\w.-]+\.js)"\s*\)/g)].map((m) => m[1]!);
  return { static: [...new Set(stat)], dynamic: [...new Set(dyn)] };
}

function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const walk = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const g of imports(f).static) walk(g);
  };
  walk(entry);
  return seen;
}

test('the bundle is built: bin/playwatch.js runs dist/bundle/main.js', () => {
  assert.ok(fs.existsSync(path.join(DIR, 'main.js')), 'dist/bundle/main.js is missing: npm run build');
  assert.match(fs.readFileSync(path.join(ROOT, 'bin/playwatch.js'), 'utf8'), /import\('\.\.\/dist\/bundle\/main\.js'\)/);
});

test("React's code is in the bundle's TUI file only, which only loadTui imports, after setting NODE_ENV", () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.js'));
  const react = files.filter((f) => source(f).includes('react.production'));
  assert.equal(react.length, 1, `React's code is in ${react.join(', ')}`);
  const importers = files.filter((f) => imports(f).static.includes(react[0]!) || imports(f).dynamic.includes(react[0]!));
  assert.equal(importers.length, 1, `imported by ${importers.join(', ')}`);
  assert.deepEqual(imports(importers[0]!).static.filter((f) => f === react[0]), [], 'imported only with import()');
  assert.match(source(importers[0]!), /process\.env\.NODE_ENV \?\?= "production"/, 'the importer sets NODE_ENV first');
  assert.ok(!staticClosure('main.js').has(react[0]!), 'start-up loads no React');
});
