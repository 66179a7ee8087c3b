import type { ModuleResult, Pos, Vars } from '../model/index.js';
import { checkArgs } from './args.js';
import type { Module, ModuleContext } from './types.js';

/** `fail`: fails the host with `msg`. */
export const failModule: Module = {
  name: 'fail',
  supportsCheck: true,
  controllerOnly: true,
  validate(args: Vars, pos: Pos) {
    checkArgs('fail', args, pos, { msg: 'raw' });
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    return { failed: true, changed: false, msg: (ctx.args.msg as string | undefined) ?? 'Failed as requested from task' };
  },
};
