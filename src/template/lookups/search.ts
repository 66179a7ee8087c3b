/**
 * Where a lookup finds a controller-side file: ansible-core's
 * `find_file_in_search_path` → `path_dwim_relative_stack`. For each
 * directory of `ansible_search_path` (the role, then the task file's
 * directory), `<dir>/<subdir>/<name>` then `<dir>/<name>`; the playbook's
 * directory last. A name starting with the subdir is not given it twice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LookupCtx } from './types.js';

/** The candidates for `name`, in the order they are tried. */
export function candidates(ctx: Pick<LookupCtx, 'searchPath' | 'basedir'>, subdir: string, name: string): string[] {
  if (name.startsWith('~')) return [path.join(os.homedir(), name.slice(1))];
  if (path.isAbsolute(name)) return [path.normalize(name)];
  const first = name.split('/')[0];
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.includes(p)) out.push(p);
  };
  for (const dir of ctx.searchPath) {
    const base = path.dirname(dir);
    if ((isRole(dir) || isRole(base)) && base.endsWith('/tasks')) {
      add(path.join(path.dirname(base), subdir, name));
      add(path.join(base, name));
    }
    if (first !== subdir) add(path.join(dir, subdir, name));
    add(path.join(dir, name));
  }
  if (first !== subdir) add(path.join(ctx.basedir, subdir, name));
  add(path.join(ctx.basedir, name));
  return out;
}

/** The first candidate that exists, or undefined. */
export function findFile(ctx: Pick<LookupCtx, 'searchPath' | 'basedir'>, subdir: string, name: string): string | undefined {
  return candidates(ctx, subdir, name).find((p) => fs.existsSync(p));
}

function isRole(dir: string): boolean {
  return ['main.yml', 'main.yaml', 'main', 'tasks/main.yml', 'tasks/main.yaml', 'tasks/main'].some((f) => fs.existsSync(path.join(dir, f)));
}
