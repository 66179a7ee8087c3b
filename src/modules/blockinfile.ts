/**
 * `blockinfile`: a block of lines between marker lines, as ansible-core 2.14
 * does it (the edit itself is edit/blockinfile.ts). One round trip when
 * nothing changes, two when the file is written.
 */
import type { ModuleResult } from '../model/index.js';
import type { FileDiff } from '../model/diff.js';
import { blockinfile, BLOCKINFILE_EXCLUSIVE } from './edit/blockinfile.js';
import { applyEdit, bytesArgs, failedResult, FILE_ATTRS, fromBytes, givenArgs, readTarget } from './edit/run.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

export const BLOCKINFILE_SPEC: ArgSpec = {
  options: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    marker: { type: 'str', default: '# {mark} ANSIBLE MANAGED BLOCK' },
    block: { type: 'str', default: '', aliases: ['content'] },
    insertafter: { type: 'str' },
    insertbefore: { type: 'str' },
    create: { type: 'bool', default: false },
    backup: { type: 'bool', default: false },
    validate: { type: 'str' },
    marker_begin: { type: 'str', default: 'BEGIN' },
    marker_end: { type: 'str', default: 'END' },
    ...FILE_ATTRS,
  },
  mutuallyExclusive: BLOCKINFILE_EXCLUSIVE,
};

async function run(ctx: ModuleContext): Promise<ModuleResult> {
  const args = readArgs('blockinfile', BLOCKINFILE_SPEC, ctx.args);
  const path = args.path as string;
  const read = await readTarget(ctx, path);
  if (!read.ok) return read.result;
  const t = read.value;
  const before = t.content === null ? null : t.content.toString('latin1');
  const r = blockinfile(before, bytesArgs(givenArgs(BLOCKINFILE_SPEC, ctx.args, args), ['path']));
  if (r.failed) return failedResult(r);
  if (r.skipAttrs) return { changed: false, msg: r.msg }; // state=absent on a missing file

  const content: FileDiff = { before: '', after: '', before_header: `${path} (content)`, after_header: `${path} (content)` };
  if (ctx.diff) {
    if (before) content.before = fromBytes(before);
    content.after = fromBytes(r.content ?? '');
  }
  const attrsApply = !(ctx.check && before === null);
  const applied = await applyEdit(ctx, t, r, Buffer.from(r.content ?? '', 'latin1'), args, attrsApply);
  if (!applied.ok) return applied.result;
  const a = applied.value;
  if (!attrsApply) return { changed: a.changed, msg: a.msg, diff: content };
  // The attribute change is in the result only under --diff: views print any diff a changed result holds.
  const attrDiff: FileDiff = { ...(ctx.diff ? a.attrDiff : {}), before_header: `${path} (file attributes)`, after_header: `${path} (file attributes)` };
  return { changed: a.changed, msg: a.msg, diff: [content, attrDiff], ...(a.backupFile ? { backup_file: a.backupFile } : {}) };
}

export const blockinfileModule: Module = {
  name: 'blockinfile',
  supportsCheck: true,
  validate: specValidator('blockinfile', BLOCKINFILE_SPEC),
  run,
};
