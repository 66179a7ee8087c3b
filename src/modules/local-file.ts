/**
 * Finding a controller-side file named by `src:` as ansible-core's
 * `find_needle` does: in the role (`files/` or `templates/`, then the role
 * itself), beside the task's file, then in the playbook's directory, each
 * with the kind's subdirectory first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModuleContext } from './types.js';

export type LocalKind = 'files' | 'templates';

export interface LocalFound {
  /** The file found, if any. */
  path?: string;
  /** Where it was looked for, in order (for the error message). */
  searched: string[];
}

/** Where `name` is looked for, in order. */
export function searchPaths(ctx: Pick<ModuleContext, 'task' | 'vars'>, kind: LocalKind, name: string): string[] {
  if (name === '~' || name.startsWith('~/')) return [path.join(os.homedir(), name.slice(1))];
  if (path.isAbsolute(name)) return [name];
  const dirs: string[] = [];
  const role = ctx.task.role;
  if (role) dirs.push(role.dir, path.join(role.dir, 'tasks'));
  dirs.push(path.dirname(ctx.task.pos.file));
  const playbookDir = ctx.vars.playbook_dir;
  if (typeof playbookDir === 'string' && playbookDir) dirs.push(playbookDir);
  const out: string[] = [];
  for (const dir of dirs) {
    for (const p of [path.resolve(dir, kind, name), path.resolve(dir, name)]) if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** The first existing file (or directory) among the search paths. */
export function findLocal(ctx: Pick<ModuleContext, 'task' | 'vars'>, kind: LocalKind, name: string): LocalFound {
  const searched = searchPaths(ctx, kind, name);
  return { path: searched.find((p) => fs.existsSync(p)), searched };
}

/** ansible-core's message for a `src` it could not find. */
export function notFound(name: string, found: LocalFound): string {
  return `Could not find or access '${name}'\nSearched in:\n${found.searched.map((p) => `\t${p}`).join('\n')}`;
}
