import type { ModuleResult, Pos, Vars } from '../model/index.js';
import { checkArgs, optString } from './args.js';
import type { Module, ModuleContext } from './types.js';

/** `ping`: runs a trivial command to prove the host answers; `data: crash` fails on purpose. */
export const pingModule: Module = {
  name: 'ping',
  supportsCheck: true,
  validate(args: Vars, pos: Pos) {
    checkArgs('ping', args, pos, { data: 'str' });
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const data = optString(ctx.args.data) ?? 'pong';
    const res = await ctx.exec('echo pong');
    if (res.rc !== 0 || res.stdout.trim() !== 'pong') {
      return {
        failed: true,
        changed: false,
        rc: res.rc,
        stdout: res.stdout,
        stderr: res.stderr,
        msg: `the host did not answer the ping (rc ${res.rc}): ${res.stderr.trim()}`,
      };
    }
    if (data === 'crash') return { failed: true, changed: false, msg: 'boom' };
    return { changed: false, ping: data };
  },
};
