/**
 * playwatch's templating: Jinja through minijinja-js (Jinja's own engine in
 * WASM), with Ansible's filters, tests, native values and lazy variables.
 * Everything else in playwatch templates through these four functions, so
 * the engine can be swapped here alone.
 */
import type { Pos, Vars } from '../model/index.js';
import { defineFilter, defineGlobal, defineTest } from './engine.js';
import { FILTERS } from './filters.js';
import { analyzeTemplate } from './names.js';
import { isTemplated, ON_RESOLVED, Run, type OnResolved } from './run.js';
import { TESTS } from './tests.js';
import { jinjaLookup } from './lookup-call.js';
import { holdsTemplate, isUnsafe, truthy } from './values.js';

export { isTemplated, ON_RESOLVED, type OnResolved };
export { markUnsafe, pyStr } from './values.js';
export { isLoopLookup, loopLookup, ON_VAULT, ON_WARNING, type OnWarning } from './lookup-call.js';
export { lookupName, lookupNames, UNSUPPORTED_LOOKUPS } from './lookups/index.js';

for (const [name, fn] of Object.entries(FILTERS)) defineFilter(name, fn);
for (const [name, fn] of Object.entries(TESTS)) defineTest(name, fn);
defineGlobal('lookup', (...args: unknown[]) => jinjaLookup(false, ...args));
defineGlobal('query', (...args: unknown[]) => jinjaLookup(true, ...args));
defineGlobal('q', (...args: unknown[]) => jinjaLookup(true, ...args));

/**
 * Renders every string in `value` (lists and mappings are walked, keys too).
 * A string that is exactly one `{{ expr }}` gives the expression's native
 * value (list, dict, number, bool, null); other templated strings give
 * strings; strings without delimiters and values without templated strings
 * are returned as they are, not copied.
 * @throws UserError `file:line:col: 'foo' is undefined`, or a template error.
 */
export function render(value: unknown, scope: Vars, where?: Pos): unknown {
  if (typeof value === 'string') return isTemplated(value) && !isUnsafe(value) ? new Run(scope, where).template(value) : value;
  if (!holdsTemplate(value, isTemplated)) return value;
  return new Run(scope, where).value(value);
}

/** Evaluates a bare Jinja expression (`r.finished`, `item.name | upper`) to its native value. */
export function evalExpr(expr: string, scope: Vars, where?: Pos): unknown {
  return new Run(scope, where).expr(expr);
}

/**
 * Evaluates a `when`/`until`/`changed_when`/`failed_when` condition with
 * Jinja truthiness, as ansible does with `{% if cond %}`. Booleans pass
 * through; a list needs every entry true; an empty string is true; a string
 * wrapped in `{{ }}` is unwrapped. A string with other templating is rendered
 * first and the result, if still a string, evaluated as the expression.
 */
export function evalCond(
  cond: string | boolean | Array<string | boolean>,
  scope: Vars,
  where?: Pos,
): boolean {
  const run = new Run(scope, where);
  const conds = Array.isArray(cond) ? cond : [cond];
  return conds.every((c) => condition(c, run));
}

function condition(c: unknown, run: Run): boolean {
  if (typeof c === 'boolean') return c;
  if (typeof c !== 'string') return truthy(c);
  let expr = c.trim();
  if (expr === '') return true;
  if (isTemplated(expr)) {
    const a = analyzeTemplate(expr);
    if (a.single) {
      expr = a.expr;
    } else {
      const rendered = run.template(expr);
      if (typeof rendered !== 'string') return truthy(rendered);
      expr = rendered.trim();
      if (expr === '') return false;
    }
  }
  return run.condition(expr);
}
