import type { ModuleResult, Pos, Vars } from '../model/index.js';
import { checkArgs } from './args.js';
import { FACTS_SCRIPT, parseFacts } from './setup-facts.js';
import type { Module, ModuleContext } from './types.js';

/**
 * `setup` (fact gathering): one shell command collects host, user, date,
 * kernel, OS and environment facts. `filter` keeps only matching fact names
 * (shell-style globs); `gather_subset` and friends are accepted and ignored.
 */
export const setupModule: Module = {
  name: 'setup',
  supportsCheck: true,
  validate(args: Vars, pos: Pos) {
    checkArgs('setup', args, pos, { filter: 'list', gather_subset: 'list', gather_timeout: 'int', fact_path: 'str' });
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const res = await ctx.exec(FACTS_SCRIPT, { quiet: true });
    if (res.rc !== 0 || res.timedOut || res.aborted) {
      return { failed: true, changed: false, rc: res.rc, stderr: res.stderr, msg: `gathering facts failed (rc ${res.rc}): ${res.stderr.trim()}` };
    }
    const facts = parseFacts(res.stdout);
    const filters = filterList(ctx.args.filter);
    return { changed: false, ansible_facts: filters.length ? pick(facts, filters) : facts };
  },
};

function filterList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String).filter(Boolean);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

function pick(facts: Vars, patterns: string[]): Vars {
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return Object.fromEntries(Object.entries(facts).filter(([k]) => res.some((re) => re.test(k))));
}
