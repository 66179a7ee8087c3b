import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { isTemplated } from './args.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

const SPEC: ArgSpec = {
  options: {
    data: { type: 'dict', required: true },
    per_host: { type: 'bool', default: false },
    aggregate: { type: 'bool', default: true },
  },
};

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** ansible-core's words. */
function badName(key: string): string {
  return `The variable name '${key}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`;
}

/**
 * `set_stats`: custom stats for the end of the run (ansible-core's
 * `CUSTOM STATS`). The module returns `ansible_stats` as ansible-core's
 * action does; the engine adds them up per host or for the whole run.
 */
export const setStatsModule: Module = {
  name: 'set_stats',
  supportsCheck: true,
  controllerOnly: true,
  validate(args: Vars, pos: Pos) {
    checkSpec('set_stats', SPEC, args, pos);
    const data = args.data;
    if (!data || typeof data !== 'object') return;
    const bad = Object.keys(data).find((k) => !isTemplated(k) && !IDENT.test(k));
    if (bad !== undefined) throw new UserError(`module 'set_stats': ${badName(bad)}`, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const { data: raw, ...rest } = ctx.args;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      return { failed: true, changed: false, msg: "The 'data' option needs to be a dictionary/hash" };
    }
    const a = readArgs('set_stats', SPEC, { ...rest, data: raw });
    const data: Vars = {};
    for (const [rawKey, value] of Object.entries(raw as Vars)) {
      const key = isTemplated(rawKey) ? String(ctx.render(rawKey)) : rawKey;
      if (!IDENT.test(key)) return { failed: true, changed: false, msg: badName(key) };
      data[key] = value;
    }
    return { changed: false, ansible_stats: { data, per_host: a.per_host, aggregate: a.aggregate } };
  },
};
