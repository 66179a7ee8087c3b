import type { ModuleResult } from '../model/index.js';
import { fileKeys, parseState, remoteFailure, stateScript } from './remote-file.js';
import { q, shPath } from './sh.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `tempfile` options. */
const SPEC: ArgSpec = {
  options: {
    state: { type: 'str', default: 'file', choices: ['file', 'directory'] },
    path: { type: 'path' },
    prefix: { type: 'str', default: 'ansible.' },
    suffix: { type: 'str', default: '' },
  },
};

/**
 * `tempfile`: `mktemp` on the target (a file 0600, a directory 0700, as
 * Python's mkstemp/mkdtemp make them) in `path` or `$TMPDIR` or /tmp,
 * named `<prefix>XXXXXXXX<suffix>`, and its state read back in the same
 * command. Never the same twice, so it has no check mode (skipped there,
 * as in ansible-core).
 */
export const tempfileModule: Module = {
  name: 'tempfile',
  supportsCheck: false,
  validate: specValidator('tempfile', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('tempfile', SPEC, ctx.args);
    const prefix = a.prefix as string;
    const suffix = a.suffix as string;
    if (prefix.includes('/') || suffix.includes('/')) return { failed: true, changed: false, msg: 'prefix and suffix may not contain /' };
    const dir = a.path === undefined ? '"${TMPDIR:-/tmp}"' : shPath(a.path as string);
    const flags = `${a.state === 'directory' ? ' -d' : ''}${suffix ? ` --suffix=${q(suffix)}` : ''}`;
    const script = [
      `p=$(umask 077 && mktemp${flags} -- ${dir}/${q(`${prefix}XXXXXXXX`)}) || exit 1`,
      'printf \'made %s\\n\' "$p"',
      stateScript(),
    ].join('\n');
    const res = await ctx.exec(script);
    const path = /^made (.*)$/m.exec(res.stdout)?.[1];
    if (res.rc !== 0 || !path) return remoteFailure('could not create a temporary file', res);
    return { changed: true, path, ...fileKeys(parseState(path, res.stdout)) };
  },
};
