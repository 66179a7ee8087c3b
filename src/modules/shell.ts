import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { quoteAlways, shellQuote } from '../transport/command.js';
import { COMMAND_OPTIONS, commonRun } from './command.js';
import { runCommand } from './run-command.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** `shell`'s options (`ansible-doc -j shell`, plus command's `strip_empty_ends`, which it passes on). */
const SPEC: ArgSpec = {
  options: { ...COMMAND_OPTIONS, executable: { type: 'path' } },
};

/**
 * `shell`: the command string runs through `/bin/sh -c` (or `executable
 * -c`), after the same chdir/creates/removes checks as `command`, in one
 * exec; check mode runs only the checks.
 */
export const shellModule: Module = {
  name: 'shell',
  supportsCheck: true,
  freeForm: true,
  validate(args: Vars, pos: Pos) {
    if (args._raw_params == null && args.cmd == null) {
      throw new UserError(`module 'shell' needs a command: free form or 'cmd'`, pos);
    }
    checkSpec('shell', SPEC, args, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('shell', SPEC, ctx.args);
    const cmd = (a._raw_params as string | undefined) ?? '';
    if (cmd.trim() === '') return { failed: true, changed: false, rc: 256, msg: 'no command given' };
    return runCommand(ctx, { line: withExecutable(cmd, a.executable as string | undefined), cmd, ...commonRun(a) });
  },
};

/** `executable: /bin/bash` runs the string with that shell instead of /bin/sh. */
export function withExecutable(cmd: string, executable: string | undefined): string {
  return executable ? `exec ${shellQuote(executable)} -c ${quoteAlways(cmd)}` : cmd;
}
