import type { ModuleResult } from '../model/index.js';
import { remoteFailure } from './remote-file.js';
import { shPath } from './sh.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `slurp` options. */
const SPEC: ArgSpec = { options: { src: { type: 'path', required: true, aliases: ['path'] } } };

/** The most a file read through a command may be (base64 on stdout); past it the read fails rather than truncating. */
export const READ_MAX = 256 * 1024 * 1024;

/** What a content read found: the file's content and its path as the target expanded it, or why not. */
export type ContentRead =
  | { kind: 'content'; path: string; content: Buffer; sum?: string }
  | { kind: 'same'; path: string; sum: string }
  | { kind: 'missing' | 'directory' | 'unreadable'; path: string }
  | { kind: 'error'; result: ModuleResult };

/**
 * Reads a target file in one command: `state missing|directory|unreadable`,
 * or its path, and its content as base64 on one line. With `unless`, the
 * target first computes the file's sha1 (or `cksum` where sha1sum is
 * missing) and sends the content only when it differs from the sum given
 * for that algorithm, so an unchanged fetch moves no data.
 */
export async function readContent(ctx: ModuleContext, src: string, unless?: { sha1: string; cksum: string }): Promise<ContentRead> {
  const lines = [
    `p=${shPath(src)}`,
    'printf \'path %s\\n\' "$p"',
    'if [ -d "$p" ]; then echo \'state directory\'; exit 0; fi',
    'if [ ! -e "$p" ]; then echo \'state missing\'; exit 0; fi',
    'if [ ! -r "$p" ]; then echo \'state unreadable\'; exit 0; fi',
  ];
  if (unless) {
    lines.push(
      `if command -v sha1sum >/dev/null 2>&1; then s=$(sha1sum < "$p") || exit 1; s="sha1 \${s%% *}"; l='sha1 ${unless.sha1}'; else s="cksum $(cksum < "$p")" || exit 1; l='cksum ${unless.cksum}'; fi`,
      'printf \'%s\\n\' "$s"',
      'if [ "$s" = "$l" ]; then echo same; exit 0; fi',
    );
  }
  lines.push('printf \'content \'; base64 < "$p" | tr -d \'\\n\'; echo');
  const res = await ctx.exec(lines.join('\n'), { quiet: true, maxBytes: READ_MAX });
  if (res.rc !== 0 || res.truncated) return { kind: 'error', result: remoteFailure(`could not read ${src}`, res.truncated ? { ...res, stderr: 'the file is too large to read through a command' } : res) };
  const field = (key: string) => new RegExp(`^${key} (.*)$`, 'm').exec(res.stdout)?.[1];
  const path = field('path') ?? src;
  const state = field('state');
  if (state === 'missing' || state === 'directory' || state === 'unreadable') return { kind: state, path };
  const sum = field('sha1') ?? field('cksum');
  if (/^same$/m.test(res.stdout)) return { kind: 'same', path, sum: sum! };
  return { kind: 'content', path, content: Buffer.from(field('content') ?? '', 'base64'), ...(sum ? { sum } : {}) };
}

/** `slurp`: a target file's content, base64, in one command (check mode reads too: nothing changes). */
export const slurpModule: Module = {
  name: 'slurp',
  supportsCheck: true,
  validate: specValidator('slurp', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const src = readArgs('slurp', SPEC, ctx.args).src as string;
    const read = await readContent(ctx, src);
    if (read.kind === 'content') return { changed: false, content: read.content.toString('base64'), encoding: 'base64', source: read.path };
    return readFailure(read);
  },
};

/** ansible-core's slurp messages for a read that found no content. */
export function readFailure(read: Exclude<ContentRead, { kind: 'content' }>): ModuleResult {
  if (read.kind === 'error') return read.result;
  const msg = {
    missing: `file not found: ${read.path}`,
    unreadable: `file is not readable: ${read.path}`,
    directory: `source is a directory and must be a file: ${read.path}`,
    same: `${read.path} was not read`,
  }[read.kind];
  return { failed: true, changed: false, msg };
}
