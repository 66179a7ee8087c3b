/**
 * `replace`: every match of a Python regexp (MULTILINE) replaced, in the
 * whole file or between `after` and `before`, as ansible-core 2.14 does it
 * (the edit itself is edit/replace.ts). One round trip when nothing
 * changes, two when the file is written.
 */
import type { ModuleResult } from '../model/index.js';
import { replace } from './edit/replace.js';
import { applyEdit, failedResult, FILE_ATTRS, givenArgs, readTarget } from './edit/run.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

export const REPLACE_SPEC: ArgSpec = {
  options: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    regexp: { type: 'str', required: true },
    replace: { type: 'str', default: '' },
    after: { type: 'str' },
    before: { type: 'str' },
    backup: { type: 'bool', default: false },
    validate: { type: 'str' },
    encoding: { type: 'str', default: 'utf-8', choices: ['utf-8', 'utf8', 'UTF-8', 'UTF8'] },
    ...FILE_ATTRS,
  },
};

async function run(ctx: ModuleContext): Promise<ModuleResult> {
  const args = readArgs('replace', REPLACE_SPEC, ctx.args);
  const path = args.path as string;
  const read = await readTarget(ctx, path);
  if (!read.ok) return read.result;
  const t = read.value;
  let before: string | null = null;
  if (t.content !== null) {
    try {
      before = new TextDecoder('utf-8', { fatal: true }).decode(t.content);
    } catch {
      return { failed: true, changed: false, msg: `Unable to read the contents of ${path}: it is not valid UTF-8` };
    }
  }
  const r = replace(before, givenArgs(REPLACE_SPEC, ctx.args, args));
  if (r.failed) return failedResult(r);
  if (r.skipAttrs) return { rc: 0, changed: false, msg: r.msg }; // after/before did not match
  const applied = await applyEdit(ctx, t, r, Buffer.from(r.content ?? '', 'utf8'), args, true);
  if (!applied.ok) return applied.result;
  const a = applied.value;
  const diff = ctx.diff && r.changed ? { diff: { before_header: path, before: before ?? '', after_header: path, after: r.content ?? '' } } : {};
  return { rc: 0, changed: a.changed, msg: a.msg, ...diff, ...(a.backupFile ? { backup_file: a.backupFile } : {}) };
}

export const replaceModule: Module = {
  name: 'replace',
  supportsCheck: true,
  validate: specValidator('replace', REPLACE_SPEC),
  run,
};
