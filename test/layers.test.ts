/**
 * The house rules of DESIGN §1, checked on the source: every import of a
 * file under src/ (static, `import type`, re-exports and dynamic `import()`)
 * must go to a layer its own layer may import, and no chain of imports
 * between files may come back to where it started. Type-only imports
 * (`import type`, `export type`) count for the layers but not for cycles:
 * they are erased, so they cannot make a module see another half-loaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

/** DESIGN §1's table (plus `text/`, see docs/architecture.md): layer → the layers it may import. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  model: [],
  text: ['model'],
  events: ['model'],
  config: ['model'],
  vault: ['model'],
  inventory: ['model'],
  playbook: ['model', 'template'],
  template: ['model'],
  transport: ['model'],
  modules: ['model', 'template', 'transport'],
  engine: ['model', 'events', 'template', 'modules', 'transport'],
  ansible: ['model', 'events'],
  reporters: ['model', 'events', 'text'],
  ui: ['model', 'events', 'text'],
  service: ['model', 'events', 'engine', 'config'],
  history: ['model', 'events', 'text'],
  cli: ['*'],
};

/**
 * Narrower rules inside an allowed pair. modules/ may use the transport's
 * types and its pure command builders, never a transport itself.
 */
const ONLY_FILES: Record<string, Record<string, readonly string[]>> = {
  modules: { transport: ['transport/types.ts', 'transport/command.ts', 'transport/async-job.ts'] },
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

interface Import {
  spec: string;
  /** `import type …` / `export type …`: gone once compiled. */
  typeOnly: boolean;
}

/** `from '…'`, `import '…'` and `import('…')`, relative ones only (packages are not layers). */
function importsOf(text: string): Import[] {
  const found: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s)?[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const spec = m[3] ?? m[4] ?? m[5];
    if (spec.startsWith('.')) found.push({ spec, typeOnly: m[3] !== undefined && m[2] !== undefined });
  }
  return found;
}

/** The file an import names: `./x.js` is `x.ts` or `x.tsx`, a folder is its index. */
function resolveImport(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  const stem = base.replace(/\.js$/, '');
  for (const c of [`${stem}.ts`, `${stem}.tsx`, path.join(base, 'index.ts'), base]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  throw new Error(`${path.relative(SRC, from)}: cannot resolve import '${spec}'`);
}

const rel = (f: string) => path.relative(SRC, f).split(path.sep).join('/');
const layerOf = (f: string) => rel(f).split('/')[0];

/** Every file under src/ with the files it imports (`values`: leaving out type-only imports). */
function importGraph(which: 'all' | 'values' = 'all'): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of sourceFiles(SRC)) {
    const imports = importsOf(fs.readFileSync(f, 'utf8')).filter((i) => which === 'all' || !i.typeOnly);
    graph.set(f, imports.map((i) => resolveImport(f, i.spec)));
  }
  return graph;
}

/** Import cycles, each as the files around it (Tarjan's strongly connected components of two files or more, or a self-import). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.map(rel).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

test('every folder under src/ is a layer of the table', () => {
  const layers = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.deepEqual(layers.filter((l) => !(l in MAY_IMPORT)), []);
});

test('no file imports a layer its own layer may not import (DESIGN §1)', () => {
  const graph = importGraph();
  assert.ok(graph.size > 100, `read ${graph.size} files`);
  const wrong: string[] = [];
  for (const [file, deps] of graph) {
    const from = layerOf(file);
    const allowed = MAY_IMPORT[from] ?? [];
    for (const dep of deps) {
      const to = layerOf(dep);
      if (to === from || allowed.includes('*')) continue;
      const only = ONLY_FILES[from]?.[to];
      if (!allowed.includes(to)) wrong.push(`${rel(file)} → ${rel(dep)} (${from} may import: ${allowed.join(', ') || 'nothing'})`);
      else if (only && !only.includes(rel(dep))) wrong.push(`${rel(file)} → ${rel(dep)} (${from} may import only ${only.join(', ')} of ${to})`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('nothing imports cli/', () => {
  const graph = importGraph();
  const wrong = [...graph].flatMap(([f, deps]) => (layerOf(f) === 'cli' ? [] : deps.filter((d) => layerOf(d) === 'cli').map((d) => `${rel(f)} → ${rel(d)}`)));
  assert.deepEqual(wrong, []);
});

test('no import cycle between files', () => {
  assert.deepEqual(cycles(importGraph('values')), []);
});

test('the checker sees static, type-only, re-exported and dynamic imports, and finds a cycle', () => {
  const text = [
    "import a from './a.js';",
    "import type { B } from '../b/index.js';",
    "export { c } from './c.js';",
    "import './side-effect.js';",
    "const d = await import('../d/d.js');",
    "import fs from 'node:fs';",
    "export type { E } from './e.js';",
    "import {\n  f,\n  type F,\n} from './f.js';",
  ].join('\n');
  assert.deepEqual(importsOf(text).map((i) => `${i.spec}${i.typeOnly ? ' (type)' : ''}`), [
    './a.js', '../b/index.js (type)', './c.js', './side-effect.js', '../d/d.js', './e.js (type)', './f.js',
  ]);
  const g = new Map([
    ['/s/a.ts', ['/s/b.ts']],
    ['/s/b.ts', ['/s/c.ts']],
    ['/s/c.ts', ['/s/a.ts']],
    ['/s/d.ts', ['/s/a.ts']],
  ]);
  assert.equal(cycles(g).length, 1);
  assert.equal(cycles(g)[0].length, 3);
});
