import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { quoteAlways, shellQuote } from '../transport/command.js';
import { checkArgs, optString, toBool } from './args.js';
import { stdinOf } from './command.js';
import { runCommand } from './run-command.js';
import type { Module, ModuleContext } from './types.js';

const SPEC = {
  _raw_params: 'str', cmd: 'str', chdir: 'str', creates: 'str', removes: 'str', executable: 'str',
  stdin: 'str', stdin_add_newline: 'bool', strip_empty_ends: 'bool',
} as const;

/** `shell`: the command string runs through `/bin/sh -c` (or `executable -c`). */
export const shellModule: Module = {
  name: 'shell',
  supportsCheck: false,
  freeForm: true,
  validate(args: Vars, pos: Pos) {
    checkArgs('shell', args, pos, SPEC);
    if (args._raw_params == null && args.cmd == null) {
      throw new UserError(`module 'shell' needs a command: free form or 'cmd'`, pos);
    }
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = ctx.args;
    const cmd = optString(a._raw_params ?? a.cmd) ?? '';
    if (cmd.trim() === '') return { failed: true, changed: false, rc: 256, msg: 'no command given' };
    return runCommand(ctx, {
      line: withExecutable(cmd, optString(a.executable)),
      cmd,
      chdir: optString(a.chdir),
      creates: optString(a.creates),
      removes: optString(a.removes),
      stdin: stdinOf(a),
      strip: toBool(a.strip_empty_ends, true),
    });
  },
};

/** `executable: /bin/bash` runs the string with that shell instead of /bin/sh. */
export function withExecutable(cmd: string, executable: string | undefined): string {
  return executable ? `exec ${shellQuote(executable)} -c ${quoteAlways(cmd)}` : cmd;
}
