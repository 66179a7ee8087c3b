import { randomBytes } from 'node:crypto';
import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { checkArgs } from './args.js';
import { parseFacts } from './setup-facts.js';
import { DEFAULT_FACT_PATH, factsScript } from './setup-script.js';
import { filterFacts, resolveSubsets, subsetList } from './setup-subsets.js';
import type { Module, ModuleContext } from './types.js';

/**
 * `setup` (and the play's fact gathering): one POSIX `sh` script, one round
 * trip, no Python on the target. `gather_subset` picks ansible-core's
 * collectors (the script runs only their probes), `filter` keeps the fact
 * names matching its fnmatch patterns, `gather_timeout` bounds each name
 * lookup, `ip` call and facts.d program, `fact_path` is where local facts
 * (`ansible_local`) are read. A missing tool leaves its facts out; it never
 * fails the task.
 */
export const setupModule: Module = {
  name: 'setup',
  supportsCheck: true,
  validate(args: Vars, pos: Pos) {
    checkArgs('setup', args, pos, { filter: 'list', gather_subset: 'list', gather_timeout: 'int', fact_path: 'str' });
    const subsets = args.gather_subset;
    if (typeof subsets === 'string' && /\{\{|\{%/.test(subsets)) return;
    if (Array.isArray(subsets) && subsets.some((s) => typeof s === 'string' && /\{\{|\{%/.test(s))) return;
    const r = resolveSubsets(subsetList(subsets));
    if ('error' in r) throw new UserError(`'gather_subset': ${r.error.replace(' given to Ansible', '')}`, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const spec = subsetList(ctx.args.gather_subset);
    const resolved = resolveSubsets(spec);
    if ('error' in resolved) return { failed: true, changed: false, msg: resolved.error };
    const timeout = ctx.args.gather_timeout === undefined ? 10 : Number(ctx.args.gather_timeout);
    const nonce = randomBytes(6).toString('hex');
    const factPath = typeof ctx.args.fact_path === 'string' && ctx.args.fact_path ? ctx.args.fact_path : DEFAULT_FACT_PATH;
    const res = await ctx.exec(factsScript(resolved.collectors, nonce, timeout, factPath), { quiet: true });
    if (res.rc !== 0 || res.timedOut || res.aborted) {
      return { failed: true, changed: false, rc: res.rc, stderr: res.stderr, msg: `gathering facts failed (rc ${res.rc}): ${res.stderr.trim()}` };
    }
    const facts: Vars = {};
    for (const [k, v] of Object.entries(parseFacts(res.stdout, nonce, resolved.collectors, factPath))) facts[`ansible_${k}`] = v;
    // ansible-core's metadata facts: which subsets were asked for, and that setup ran.
    facts.gather_subset = spec.length ? spec : ['all'];
    facts.module_setup = true;
    return { changed: false, ansible_facts: filterFacts(facts, listArg(ctx.args.filter)) };
  },
};

/**
 * `gather_facts` as a task: ansible-core's action runs its facts modules
 * (setup by default) with the task's arguments; facts it gathers count as
 * gathered for `gathering: smart`, unlike an explicit `setup`'s.
 * `parallel` only matters with several facts modules, so it is accepted.
 */
export const gatherFactsModule: Module = {
  ...setupModule,
  name: 'gather_facts',
  validate(args: Vars, pos: Pos) {
    const { parallel, ...rest } = args;
    checkArgs('gather_facts', { parallel }, pos, { parallel: 'bool' });
    setupModule.validate!(rest, pos);
  },
};

function listArg(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String).filter(Boolean);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}
