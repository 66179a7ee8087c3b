import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { checkArgs, toBool } from './args.js';
import type { Module, ModuleContext } from './types.js';

/**
 * `assert`: evaluates each `that` condition in order and fails on the first
 * false one, naming it (`assertion`, `evaluated_to`), as ansible-core does.
 * Unless `quiet`, the result is shown even when it passes, as ansible-core's
 * action sets `_ansible_verbose_always`.
 */
export const assertModule: Module = {
  name: 'assert',
  rawArgs: ['that'],
  supportsCheck: true,
  controllerOnly: true,
  validate(args: Vars, pos: Pos) {
    checkArgs('assert', args, pos, { that: 'raw', fail_msg: 'raw', msg: 'raw', success_msg: 'raw', quiet: 'bool' });
    const that = args.that;
    if (that === undefined || that === null) throw new UserError(`module 'assert' needs 'that'`, pos);
    const items = Array.isArray(that) ? that : [that];
    for (const item of items) {
      if (typeof item !== 'string' && typeof item !== 'boolean') {
        throw new UserError(`module 'assert': each 'that' entry must be a condition string, got ${JSON.stringify(item)}`, pos);
      }
    }
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = ctx.args;
    const items = (Array.isArray(a.that) ? a.that : [a.that]) as Array<string | boolean>;
    const shown = toBool(a.quiet) ? {} : { _ansible_verbose_always: true };
    for (const item of items) {
      if (!ctx.evalCond(item)) {
        return {
          ...shown,
          failed: true,
          changed: false,
          assertion: item,
          evaluated_to: false,
          msg: (a.fail_msg ?? a.msg ?? 'Assertion failed') as string,
        };
      }
    }
    return { ...shown, changed: false, msg: (a.success_msg ?? 'All assertions passed') as string };
  },
};
