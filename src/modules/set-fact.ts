import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { isTemplated } from './args.js';
import type { Module, ModuleContext } from './types.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BOOLEAN_WORDS: Record<string, boolean> = { true: true, yes: true, false: false, no: false };

function badName(name: string): string {
  return `the variable name '${name}' is not valid: it must start with a letter or underscore and contain only letters, digits and underscores`;
}

/**
 * `set_fact`: every arg but `cacheable` becomes a host variable. As ansible
 * does without native Jinja, the strings `true`/`yes`/`false`/`no` become booleans.
 */
export const setFactModule: Module = {
  name: 'set_fact',
  supportsCheck: true,
  controllerOnly: true,
  validate(args: Vars, pos: Pos) {
    const names = Object.keys(args).filter((k) => k !== 'cacheable');
    if (names.length === 0) throw new UserError(`module 'set_fact' needs at least one name: value pair`, pos);
    for (const name of names) {
      if (name === '_raw_params') throw new UserError(`module 'set_fact' takes name=value pairs, not free-form text`, pos);
      if (!isTemplated(name) && !IDENT.test(name)) throw new UserError(badName(name), pos);
    }
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const facts: Vars = {};
    for (const [rawName, value] of Object.entries(ctx.args)) {
      if (rawName === 'cacheable') continue;
      const name = isTemplated(rawName) ? String(ctx.render(rawName)) : rawName;
      if (!IDENT.test(name)) return { failed: true, changed: false, msg: badName(name) };
      const word = typeof value === 'string' ? BOOLEAN_WORDS[value.toLowerCase()] : undefined;
      facts[name] = word ?? value;
    }
    return { changed: false, ansible_facts: facts };
  },
};
