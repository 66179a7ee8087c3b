import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { checkArgs, toNumber } from './args.js';
import { ansibleTimestamp } from './results.js';
import type { Module, ModuleContext } from './types.js';

/**
 * `pause` for a fixed time (`seconds` or `minutes`). Prompts are refused at
 * load time: a deploy run has nobody to answer them.
 */
export const pauseModule: Module = {
  name: 'pause',
  supportsCheck: true,
  controllerOnly: true,
  validate(args: Vars, pos: Pos) {
    checkArgs('pause', args, pos, { seconds: 'number', minutes: 'number', prompt: 'raw', echo: 'bool' });
    if (args.prompt !== undefined) {
      throw new UserError(`module 'pause': 'prompt' is not supported, since a deploy run has no interactive prompt; use 'seconds' or 'minutes'`, pos);
    }
    if (args.seconds === undefined && args.minutes === undefined) {
      throw new UserError(`module 'pause' needs 'seconds' or 'minutes' (waiting for a key press is not supported)`, pos);
    }
    if (args.seconds !== undefined && args.minutes !== undefined) {
      throw new UserError(`module 'pause': 'seconds' and 'minutes' are mutually exclusive`, pos);
    }
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = ctx.args;
    const inMinutes = a.minutes !== undefined;
    const amount = inMinutes ? toNumber('pause', 'minutes', a.minutes) : toNumber('pause', 'seconds', a.seconds);
    const ms = Math.max(0, amount * (inMinutes ? 60_000 : 1000));
    const start = new Date();
    await ctx.sleep(ms);
    const stop = new Date();
    const elapsed = (stop.getTime() - start.getTime()) / 1000;
    const result: ModuleResult = {
      changed: false,
      rc: 0,
      start: ansibleTimestamp(start),
      stop: ansibleTimestamp(stop),
      delta: Math.floor(elapsed),
      echo: true,
      user_input: '',
      stderr: '',
      stdout: `Paused for ${inMinutes ? `${Number((elapsed / 60).toFixed(2))} minutes` : `${Number(elapsed.toFixed(2))} seconds`}`,
    };
    if (ctx.signal.aborted) return { ...result, failed: true, msg: 'pause interrupted: the run was aborted' };
    return result;
  },
};
