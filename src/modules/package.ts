import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { isTemplated } from './args.js';
import { runApt, validateApt } from './apt.js';
import type { Module, ModuleContext } from './types.js';

/** The managers `use` may name; playwatch drives apt only. */
const USE = ['auto', 'apt'];

function packageProblem(args: Vars): string | undefined {
  if (args.name === undefined || args.name === null) return "module 'package': missing required arguments: name";
  if (args.state === undefined || args.state === null) return "module 'package': missing required arguments: state";
  const use = args.use ?? 'auto';
  if (!isTemplated(use) && !USE.includes(String(use).replace(/^ansible\.(builtin|legacy)\./, ''))) {
    return `module 'package': use=${String(use)} is not supported: playwatch's package drives apt (use=auto or apt); run it with --engine ansible`;
  }
  return undefined;
}

function withoutUse(args: Vars): Vars {
  const { use: _use, ...rest } = args;
  return rest;
}

/**
 * `package`: the host's package manager, which playwatch knows to be apt
 * on Debian-like hosts; the args go to `apt` as ansible-core hands them to
 * its backend. A host without apt-get fails naming the manager it has.
 */
export const packageModule: Module = {
  name: 'package',
  supportsCheck: true,
  validate(args: Vars, pos: Pos) {
    const problem = packageProblem(args);
    if (problem) throw new UserError(problem, pos);
    validateApt('package', withoutUse(args), pos);
  },
  run(ctx: ModuleContext): Promise<ModuleResult> {
    const problem = packageProblem(ctx.args);
    if (problem) return Promise.resolve({ failed: true, changed: false, msg: problem });
    return runApt('package', ctx, withoutUse(ctx.args));
  },
};
