import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { checkArgs, toNumber } from './args.js';
import type { Module, ModuleContext } from './types.js';

/**
 * `debug`: shows `msg` (default `Hello world!`) or the value of `var`, which
 * is evaluated as an expression (`var: result.stdout_lines`). A `verbosity`
 * above the run's `ansible_verbosity` skips the task, as in ansible-core.
 */
export const debugModule: Module = {
  name: 'debug',
  rawArgs: ['var'],
  supportsCheck: true,
  controllerOnly: true,
  validate(args: Vars, pos: Pos) {
    checkArgs('debug', args, pos, { msg: 'raw', var: 'raw', verbosity: 'int' });
    if (args.msg !== undefined && args.var !== undefined) {
      throw new UserError(`module 'debug': 'msg' and 'var' are mutually exclusive`, pos);
    }
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = ctx.args;
    const wanted = a.verbosity === undefined ? 0 : toNumber('debug', 'verbosity', a.verbosity);
    const current = Number(ctx.vars.ansible_verbosity ?? 0) || 0;
    if (wanted > current) {
      return { changed: false, skipped: true, skipped_reason: 'Verbosity threshold not met.' };
    }
    // msg may be a list or mapping, shown as such (ansible does the same).
    // msg: null (`msg: "{{ none_var }}"`) shows null, as in ansible-core; only a missing msg is the greeting.
    if (a.var === undefined) return { changed: false, msg: (a.msg === undefined ? 'Hello world!' : a.msg) as string };
    const name = String(a.var);
    return { changed: false, [name]: evalVar(ctx, name) };
  },
};

function evalVar(ctx: ModuleContext, expr: string): unknown {
  // As ansible-core: `var: x` is templated as `{{x}}`, so it prints what a template gives
  // (`var: 6 / 2` is the text 3.0); `var: "{{ x }}"` is templated as written.
  try {
    const value = ctx.render(expr.includes('{{') ? expr : `{{${expr}}}`);
    return value === undefined ? 'VARIABLE IS NOT DEFINED!' : value;
  } catch (err) {
    if (/undefined|not defined/i.test((err as Error).message)) return 'VARIABLE IS NOT DEFINED!';
    throw err;
  }
}
