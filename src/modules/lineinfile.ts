/**
 * `lineinfile`: one line present or absent, as ansible-core 2.14 does it
 * (the edit itself is edit/lineinfile.ts). One round trip when nothing
 * changes, two when the file is written.
 */
import type { ModuleResult } from '../model/index.js';
import type { FileDiff } from '../model/diff.js';
import { lineinfile, LINEINFILE_EXCLUSIVE } from './edit/lineinfile.js';
import { applyEdit, bytesArgs, failedResult, FILE_ATTRS, fromBytes, givenArgs, readTarget } from './edit/run.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

export const LINEINFILE_SPEC: ArgSpec = {
  options: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    regexp: { type: 'str', aliases: ['regex'] },
    search_string: { type: 'str' },
    line: { type: 'str', aliases: ['value'] },
    insertafter: { type: 'str' },
    insertbefore: { type: 'str' },
    backrefs: { type: 'bool', default: false },
    create: { type: 'bool', default: false },
    backup: { type: 'bool', default: false },
    firstmatch: { type: 'bool', default: false },
    validate: { type: 'str' },
    ...FILE_ATTRS,
  },
  mutuallyExclusive: LINEINFILE_EXCLUSIVE,
};

async function run(ctx: ModuleContext): Promise<ModuleResult> {
  const args = readArgs('lineinfile', LINEINFILE_SPEC, ctx.args);
  const path = args.path as string;
  const read = await readTarget(ctx, path);
  if (!read.ok) return read.result;
  const t = read.value;
  const before = t.content === null ? null : t.content.toString('latin1');
  const r = lineinfile(before, bytesArgs(givenArgs(LINEINFILE_SPEC, ctx.args, args), ['path']));
  if (r.failed) return failedResult(r);
  const warnings = r.warnings ? { warnings: r.warnings } : {};
  if (r.skipAttrs) return { changed: false, msg: r.msg, ...warnings }; // state=absent on a missing file

  const content: FileDiff = { before: '', after: '', before_header: `${path} (content)`, after_header: `${path} (content)` };
  if (ctx.diff) {
    content.before = fromBytes(before ?? '');
    content.after = fromBytes(r.content ?? '');
  }
  // ansible-core returns before the attributes step in check mode on a missing file.
  const attrsApply = !(ctx.check && before === null);
  const applied = await applyEdit(ctx, t, r, Buffer.from(r.content ?? '', 'latin1'), args, attrsApply);
  if (!applied.ok) return applied.result;
  const a = applied.value;
  const found = r.found === undefined ? {} : { found: r.found };
  if (!attrsApply) return { changed: a.changed, msg: a.msg, backup: '', diff: content, ...warnings };
  // The attribute change is in the result only under --diff: views print any diff a changed result holds.
  const attrDiff: FileDiff = { ...(ctx.diff ? a.attrDiff : {}), before_header: `${path} (file attributes)`, after_header: `${path} (file attributes)` };
  return { changed: a.changed, ...found, msg: a.msg, backup: a.backupFile ?? '', diff: [content, attrDiff], ...warnings };
}

export const lineinfileModule: Module = {
  name: 'lineinfile',
  supportsCheck: true,
  validate: specValidator('lineinfile', LINEINFILE_SPEC),
  run,
};
