import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { checkArgs, optString } from './args.js';
import { execResult } from './run-command.js';
import { withExecutable } from './shell.js';
import type { Module, ModuleContext } from './types.js';

/** `raw`: the string goes to the shell as is; the result is just rc and output. */
export const rawModule: Module = {
  name: 'raw',
  supportsCheck: false,
  freeForm: true,
  validate(args: Vars, pos: Pos) {
    checkArgs('raw', args, pos, { _raw_params: 'str', executable: 'str' });
    if (args._raw_params == null) throw new UserError(`module 'raw' needs a free-form command`, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const cmd = optString(ctx.args._raw_params) ?? '';
    const res = await ctx.exec(withExecutable(cmd, optString(ctx.args.executable)), { main: true });
    // raw keeps output exactly as it came (no strip), like ansible's raw.
    const { msg, ...rest } = execResult(res, false);
    return rest.failed ? { ...rest, msg } : rest;
  },
};
