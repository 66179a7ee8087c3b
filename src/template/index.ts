/**
 * playwatch's templating: Jinja through minijinja-js (Jinja's own engine in
 * WASM), with Ansible's filters, tests, native values and lazy variables.
 * Everything else in playwatch templates through these four functions, so
 * the engine can be swapped here alone.
 */
import type { Pos, Vars } from '../model/index.js';
import { defineFilter, defineGlobal, defineTest } from './engine.js';
import { FILTERS } from './filters.js';
import { LIST_FILTERS } from './filters-lists.js';
import { strftimeAt, TEXT_FILTERS } from './filters-text.js';
import { bind } from './params.js';
import { analyzeTemplate } from './names.js';
import { isTemplated, ON_RESOLVED, Run, type OnResolved } from './run.js';
import { TESTS } from './tests.js';
import { jinjaLookup } from './lookup-call.js';
import { holdsTemplate, isMapping, isUnsafe, pyStr, toPlain, truthy } from './values.js';

export { isTemplated, ON_RESOLVED, type OnResolved };
export { markUnsafe, pyStr } from './values.js';
export { isLoopLookup, loopLookup, ON_VAULT, ON_WARNING, type OnWarning } from './lookup-call.js';
export { lookupName, lookupNames, UNSUPPORTED_LOOKUPS } from './lookups/index.js';

for (const [name, fn] of Object.entries({ ...FILTERS, ...LIST_FILTERS, ...TEXT_FILTERS })) defineFilter(name, fn);
for (const [name, fn] of Object.entries(TESTS)) defineTest(name, fn);
// Python's dict(): pairs, mappings and keywords (minijinja's takes keywords only).
defineGlobal('dict', (...args: unknown[]) => {
  const out: Record<string, unknown> = {};
  for (const arg of args.map(toPlain)) {
    if (Array.isArray(arg)) for (const p of arg) if (Array.isArray(p) && p.length === 2) out[pyStr(p[0])] = p[1];
    if (isMapping(arg)) Object.assign(out, arg);
  }
  return out;
});
// ansible-core's now(utc=False, fmt=None): with fmt, the formatted time; without, its fields.
defineGlobal('now', (...args: unknown[]) => {
  const a = bind(args, ['utc', 'fmt']);
  const d = new Date();
  if (a.fmt !== undefined && a.fmt !== null) return strftimeAt(String(a.fmt), d, a.utc === true);
  return strftimeAt('%Y-%m-%d %H:%M:%S', d, a.utc === true);
});
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

/** Renders a template to text, converting nothing (ansible-core's convert_data=False): the template module's files. */
export function renderText(text: string, scope: Vars, where?: Pos): string {
  return isTemplated(text) && !isUnsafe(text) ? new Run(scope, where).text(text) : text;
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
