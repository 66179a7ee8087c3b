/**
 * Loads the TUI presenter with React's production build (the development
 * build records a diff of every prop on every commit: several times slower
 * per frame), then gives the environment back as it was. React, its
 * reconciler and scheduler pick their build from `NODE_ENV` once, when
 * loaded; a `NODE_ENV` left set would reach every command a task runs on
 * the local connection (`npm ci` there would skip devDependencies under the
 * TUI and not under `--ui plain`).
 */
export async function loadTui(): Promise<typeof import('./tui.js')> {
  const had = Object.prototype.hasOwnProperty.call(process.env, 'NODE_ENV');
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV ??= 'production';
  try {
    return await import('./tui.js');
  } finally {
    if (had) process.env.NODE_ENV = before;
    else delete process.env.NODE_ENV;
  }
}
