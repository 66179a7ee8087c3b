import fs from 'node:fs';
import type { ModuleResult, Pos, Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import { quoteAlways, splitShellWords } from '../transport/command.js';
import { findLocal, notFound } from './local-file.js';
import { execResult } from './run-command.js';
import { baseName, q, shPath } from './sh.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `script` options (`ansible-doc -j script`); `cmd` is the free form's name. */
const SPEC: ArgSpec = {
  options: {
    _raw_params: { type: 'str', aliases: ['cmd'] },
    chdir: { type: 'str' },
    creates: { type: 'str' },
    removes: { type: 'str' },
    executable: { type: 'str' },
    decrypt: { type: 'bool', default: true, ignored: true },
  },
};

function checkScript(args: Vars, pos?: Pos): void {
  if (args._raw_params == null && args.cmd == null) throw new UserError(`module 'script' needs a script: free form or 'cmd'`, pos);
}

/**
 * `script`: a controller file (found as copy finds `src`: the role's
 * `files/`, then beside the task, then the playbook's) sent and run on the
 * target in one command: `creates`/`removes` checked first, the script
 * written from stdin into a fresh `mktemp -d` directory (0700, the file
 * 0700), run with stdin closed, and removed. As in ansible-core, what
 * follows the script's name is a command line for the target's shell (as
 * `shell:` takes it), the output is kept as printed, a skip by
 * creates/removes is `skipped`, and check mode predicts only when
 * `creates` or `removes` is given.
 */
export const scriptModule: Module = {
  name: 'script',
  supportsCheck: true,
  freeForm: true,
  validate(args, pos) {
    checkScript(args, pos);
    checkSpec('script', SPEC, args, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    checkScript(ctx.args);
    const a = readArgs('script', SPEC, ctx.args);
    const raw = String(a._raw_params ?? '').trim();
    let name: string;
    try {
      name = splitShellWords(raw)[0] ?? '';
    } catch (err) {
      return { failed: true, changed: false, msg: `cannot split '${raw}': ${(err as Error).message}` };
    }
    if (!name) return { failed: true, changed: false, msg: 'no script given' };
    const chdir = a.chdir as string | undefined;
    if (chdir && !chdir.startsWith('/')) return { failed: true, changed: false, msg: `chdir ${chdir} must be an absolute path for a Unix-aware remote node` };
    const found = findLocal(ctx, 'files', name);
    if (!found.path || fs.statSync(found.path).isDirectory()) return { failed: true, changed: false, msg: notFound(name, found) };
    const skips = skipChecks(a.creates as string | undefined, a.removes as string | undefined);
    if (ctx.check) {
      if (!skips.length) return { changed: false, skipped: true, msg: 'Check mode is not supported for this task.' };
      const res = await ctx.exec([...skips.map((s) => s.line), `printf '%s\\n' ${q(WOULD_RUN)}`].join('\n'));
      return skipOf(res, skips) ?? (res.rc === 0 && res.stdout === `${WOULD_RUN}\n` ? { changed: true } : { failed: true, changed: false, msg: `could not check creates/removes: ${res.stderr.trim() || `rc ${res.rc}`}` });
    }
    const content = fs.readFileSync(found.path);
    const binary = !Buffer.from(content.toString('utf8'), 'utf8').equals(content);
    const line = scriptLines({ skips, chdir, name: baseName(found.path), rest: raw.slice(firstWordEnd(raw)), executable: a.executable as string | undefined, binary });
    const res = await ctx.exec(line, { stdin: binary ? content.toString('base64') : content.toString('utf8'), main: true });
    const skipped = skipOf(res, skips);
    if (skipped) return skipped;
    const { msg, ...out } = execResult(res, false);
    return out.failed ? { ...out, msg } : out;
  },
};

const WOULD_RUN = 'playwatch: would run';

interface SkipCheck {
  line: string;
  msg: string;
}

/** `creates`/`removes` as ansible-core's script checks them: one path each (no globs), tested on the target. */
function skipChecks(creates?: string, removes?: string): SkipCheck[] {
  const out: SkipCheck[] = [];
  const exists = (p: string) => `{ [ -e ${shPath(p)} ] || [ -L ${shPath(p)} ]; }`;
  if (creates) {
    const msg = `${creates} exists, matching creates option`;
    out.push({ msg, line: `if ${exists(creates)}; then printf '%s\\n' ${q(msg)}; exit 0; fi` });
  }
  if (removes) {
    const msg = `${removes} does not exist, matching removes option`;
    out.push({ msg, line: `if ! ${exists(removes)}; then printf '%s\\n' ${q(msg)}; exit 0; fi` });
  }
  return out;
}

/** A skip the script printed (exactly its message, rc 0, nothing on stderr) as ansible-core's skipped result. */
function skipOf(res: { rc: number; stdout: string; stderr: string }, skips: SkipCheck[]): ModuleResult | undefined {
  if (res.rc !== 0 || res.stderr !== '') return undefined;
  const hit = skips.find((s) => res.stdout === `${s.msg}\n`);
  return hit && { changed: false, skipped: true, msg: hit.msg };
}

interface ScriptRun {
  skips: SkipCheck[];
  chdir?: string;
  /** The script's file name on the target (its basename on the controller). */
  name: string;
  /** What followed the script's name in the free form: the target's shell reads it. */
  rest: string;
  executable?: string;
  binary: boolean;
}

/** The one command: checks, cd, the script from stdin into a 0700 temp dir, run with stdin closed, removed, its rc kept. */
export function scriptLines(run: ScriptRun): string {
  const exe = run.executable ? `${splitShellWords(run.executable).map(quoteAlways).join(' ')} ` : '';
  return [
    ...run.skips.map((s) => s.line),
    ...(run.chdir ? [`cd -- ${shPath(run.chdir)} || exit $?`] : []),
    '__pw_d=$(umask 077 && mktemp -d -- "${TMPDIR:-/tmp}/playwatch-script.XXXXXX") || exit 1',
    'trap \'rm -rf -- "$__pw_d"\' EXIT',
    `__pw_s="$__pw_d"/${q(run.name)}`,
    `(umask 077 && ${run.binary ? 'base64 -d' : 'cat'} > "$__pw_s") || exit 1`,
    'chmod 0700 -- "$__pw_s" || exit 1',
    `${exe}"$__pw_s"${run.rest} </dev/null`,
    '__pw_r=$?',
    'rm -rf -- "$__pw_d"',
    'trap - EXIT',
    'exit $__pw_r',
  ].join('\n');
}

/** Where the first shell word of `s` ends (quotes and backslashes followed as splitShellWords reads them). */
export function firstWordEnd(s: string): number {
  let i = 0;
  while (i < s.length && /\s/.test(s[i])) i++;
  while (i < s.length && !/\s/.test(s[i])) {
    const c = s[i];
    if (c === "'") i = s.indexOf("'", i + 1) + 1 || s.length;
    else if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
      i++;
    } else i += c === '\\' ? 2 : 1;
  }
  return Math.min(i, s.length);
}
