/**
 * Bundles the compiled CLI (dist/cli/main.js) into dist/bundle/: one file
 * per lazily loaded part (each command, each module, the TUI), with the pure
 * JavaScript packages inside. A run then loads a few dozen files instead of
 * ~300, which was a fifth of its start-up CPU (docs/architecture.md,
 * "Controller CPU"). ink and React are inside the TUI's own file (ink's
 * import of es-toolkit's 400-file index was half of its load), which only
 * `cli/load-tui.ts` imports, with NODE_ENV set: React picks its production
 * build then, as from node_modules. Packages with native code or their own
 * WebAssembly loader (ssh2, minijinja) and nodemailer load from
 * node_modules as before.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Same depth as dist/cli: `../../package.json` and `../../ansible/callback` still resolve.
const outdir = path.join(root, 'dist/bundle');
fs.rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: [path.join(root, 'dist/cli/main.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['ssh2', 'cpu-features', 'minijinja-js', 'nodemailer', 'react-devtools-core'],
  // Bundled CommonJS packages require Node's own modules; an ES module has no `require` of its own.
  banner: { js: "import { createRequire as __pwCreateRequire } from 'node:module'; const require = __pwCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
