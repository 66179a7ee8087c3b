/**
 * One public templating call: the scope, the variables already resolved in
 * it, and the engine calls. Variables are templated lazily, as Ansible does:
 * `app_dir: "{{ base }}/app"` is rendered when something reads `app_dir`,
 * with the same scope, once per call.
 */
import { UserError, type Pos, type Vars } from '../model/index.js';
import { active } from './current.js';
import { call, customGlobalNames } from './engine.js';
import { templateError, type Failure } from './errors.js';
import { analyzeExpr, analyzeTemplate, type Analysis, type Key } from './names.js';
import { rewriteExprDots, rewriteTemplateDots } from './dots.js';
import { rewriteEscapes, rewriteExprGet, rewriteTemplateGet } from './methods.js';
import { markExprKwargs, markTemplateKwargs } from './kwargs.js';
import { holdsTemplate, isMapping, isUnsafe, markUnsafe, pyFloat, pyStr, toPlain, truthy } from './values.js';
import { convertText } from './literal.js';

/**
 * A scope may carry a function under this key: it is told each variable a
 * template made from a template (`db_password: "{{ vault_db_password }}"`),
 * with its rendered value. The engine learns secrets from it.
 */
export const ON_RESOLVED = Symbol('playwatch.onResolved');

export type OnResolved = (name: string, value: unknown) => void;

/** True when a string holds Jinja delimiters (`{{`, `{%` or `{#`). */
export function isTemplated(s: string): boolean {
  return s.includes('{{') || s.includes('{%') || s.includes('{#');
}

/** One render/eval call: resolves variables lazily and memoizes them for the call's length. */
export class Run {
  private readonly memo = new Map<string, unknown>();
  private readonly resolving: string[] = [];
  constructor(readonly scope: Vars, readonly where?: Pos) {}

  /** Renders strings inside `value`, walking lists and mappings (keys too). */
  value(value: unknown): unknown {
    if (isUnsafe(value)) return value;
    if (typeof value === 'string') return isTemplated(value) ? this.template(value) : value;
    if (Array.isArray(value)) return value.map((v) => this.value(v));
    if (isMapping(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[isTemplated(k) ? pyStr(this.template(k)) : k] = this.value(v);
      return out;
    }
    return value;
  }

  /**
   * Renders one template string as ansible-core 2.14's Templar does with
   * jinja2_native off: `{{ name }}` naming a number, a bool or None gives it
   * as it is; otherwise the output is text (numbers print as Python does,
   * None as nothing), and text that reads as a Python list, dict or bool
   * becomes one (`convertText`). A lone expression giving a list or a
   * mapping gives it directly (its text would read back the same), and one
   * ending in a text filter (`to_json`, `string` …) stays text.
   */
  template(raw: string): unknown {
    const only = SINGLE_VAR.exec(raw);
    if (only) {
      const v = lookup(this.scope, only[1]);
      if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
    }
    const src = markTemplateKwargs(rewriteTemplateGet(rewriteTemplateDots(rewriteEscapes(raw, 'template'))));
    const a = analyzeTemplate(src);
    if (!a.single) return convertText(this.renderText(src, a));
    const v = this.expr(a.expr, a);
    if ((Array.isArray(v) || isMapping(v)) && a.lead === '' && a.trail === '') return v;
    if (typeof v === 'string' && TEXT_FILTER.test(a.expr)) return a.lead + v + a.trail;
    const out = convertText(a.lead + this.printed(v, a) + a.trail);
    return isUnsafe(v) ? markUnsafe(out) : out;
  }

  /** Renders one template string to text, converting nothing (the template module's files). */
  text(raw: string): string {
    const src = markTemplateKwargs(rewriteTemplateGet(rewriteTemplateDots(rewriteEscapes(raw, 'text'))));
    return this.renderText(src, analyzeTemplate(src));
  }

  private renderText(src: string, a: Analysis & { rewritten: string }): string {
    const ctx = this.context(a, src);
    return this.engine(a, src, ctx, (env) => env.renderStr(a.rewritten, ctx));
  }

  /** A lone expression's value as the text it prints: None as nothing, floats as Python's (3.0). */
  private printed(v: unknown, a: Analysis & { expr: string }): string {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number' && Number.isInteger(v) && !PATH_RE.test(a.expr)) {
      const ctx = this.context(a, a.expr);
      const float = this.engine(a, a.expr, ctx, (env) => env.evalExpr(`(${a.expr}) is float`, ctx));
      if (float === true) return pyFloat(v);
    }
    return typeof v === 'number' && !Number.isInteger(v) ? pyFloat(v) : pyStr(v);
  }

  /** Evaluates a bare expression to its native value. */
  expr(raw: string, given?: Analysis): unknown {
    // From template(), `raw` is already rewritten (escapes are not idempotent); a bare expression reads Python's escapes.
    const src = markExprKwargs(rewriteExprGet(rewriteExprDots(given ? raw : rewriteEscapes(raw, 'cond'))));
    const a = given ?? analyzeExpr(src);
    const direct = this.direct(src, a);
    if (direct !== undefined) return direct;
    const ctx = this.context(a, src);
    const out = this.engine(a, src, ctx, (env) => env.evalExpr(src, ctx));
    if (out !== undefined) return toPlain(out);
    // A lookup gives None, never undefined; asking the engine again would run it twice.
    if (a.names.some(isGlobal)) return null;
    // The binding returns undefined for None and for undefined alike.
    const undef = this.engine(a, src, ctx, (env) => env.evalExpr(`(${src}) is undefined`, ctx));
    if (undef === true) throw templateError(new Error('undefined value'), this.failure(src, a, ctx));
    return null;
  }

  /**
   * `name` or `name.attr.attr` found in the scope, read without the engine:
   * faster, and mappings keep their key order (the engine sorts keys).
   * Undefined when the expression is anything else or the path is missing.
   */
  private direct(src: string, a: Analysis): unknown {
    if (a.names.length !== 1 || !PATH_RE.test(src)) return undefined;
    const chain = a.chains[0];
    const root = lookup(this.scope, chain[0]);
    if (root === undefined) return undefined;
    let cur = this.resolve(chain[0], root);
    for (const key of chain.slice(1)) {
      if (!isMapping(cur) || !Object.hasOwn(cur, key)) return undefined;
      cur = cur[key];
    }
    return cur === undefined ? undefined : clone(cur);
  }

  /** Jinja truthiness of a bare expression, as ansible's `{% if cond %}` check. */
  condition(raw: string): boolean {
    const src = markExprKwargs(rewriteExprGet(rewriteExprDots(rewriteEscapes(raw, 'cond'))));
    const a = analyzeExpr(src);
    // Unguarded, an undefined value fails the condition, as ansible-core's `when: d.missing` does
    // (the engine judges a missing key of a mapping falsy); expr() finds it undefined.
    if (!a.guarded) return truthy(this.expr(src, analyzeExpr(src)));
    const ctx = this.context(a, src);
    const out = this.engine(a, src, ctx, (env) => env.renderStr(`{% if ${src} %}1{% else %}0{% endif %}`, ctx));
    return out === '1';
  }

  /**
   * The narrow context for one engine call: only the names `a` reads, each
   * resolved. An unguarded read of a missing name fails here, without the
   * engine, because minijinja's strict mode lets `foo ~ 'x'` or `not foo` pass.
   */
  private context(a: Analysis, src: string): Vars {
    const ctx: Vars = {};
    for (const name of a.names) {
      const v = lookup(this.scope, name);
      if (v === undefined) continue;
      const view = this.narrow(v, a.keys.get(name));
      ctx[name] = view === undefined ? this.resolve(name, v) : this.resolveView(name, view);
    }
    if (!a.guarded && a.names.some((n) => !Object.hasOwn(ctx, n) && !isGlobal(n))) {
      throw templateError(new Error('undefined value'), this.failure(src, a, ctx));
    }
    return ctx;
  }

  /**
   * The part of a mapping that `keys` read, or undefined to pass it whole.
   * `hostvars[inventory_hostname]` then copies one host into WASM, not 500.
   */
  private narrow(value: unknown, keys: Key[] | undefined): Record<string, unknown> | undefined {
    if (!keys || !isMapping(value)) return undefined;
    const view: Record<string, unknown> = {};
    for (const key of keys) {
      const k = 'literal' in key ? key.literal : this.read(key.variable);
      if (typeof k !== 'string' && typeof k !== 'number') return undefined;
      if (Object.hasOwn(value, k)) view[k] = value[k];
    }
    return isUnsafe(value) ? markUnsafe(view) : view;
  }

  /** A scope variable's resolved value, or undefined when absent (lookups read variables through it). */
  variable(name: string): unknown {
    return this.read(name);
  }

  /** A scope variable's resolved value, or undefined when absent. */
  private read(name: string): unknown {
    const v = lookup(this.scope, name);
    return v === undefined ? undefined : this.resolve(name, v);
  }

  /** Like `resolve`, for a narrow view (not memoized: views differ per call site). */
  private resolveView(name: string, view: Record<string, unknown>): unknown {
    if (this.memo.has(name)) return this.memo.get(name);
    if (!holdsTemplate(view, isTemplated)) return view;
    if (this.resolving.includes(name)) throw new UserError(`recursive loop detected in template for '${name}'`, this.where);
    this.resolving.push(name);
    try {
      const out = this.value(view);
      this.resolved(name, out);
      return out;
    } catch (e) {
      throw inVariable(e, name);
    } finally {
      this.resolving.pop();
    }
  }

  private resolve(name: string, value: unknown): unknown {
    if (this.memo.has(name)) return this.memo.get(name);
    let out = value;
    if (holdsTemplate(value, isTemplated)) {
      if (this.resolving.includes(name)) {
        throw new UserError(`recursive loop detected in template for '${name}'`, this.where);
      }
      this.resolving.push(name);
      try {
        out = this.value(value);
      } catch (e) {
        throw inVariable(e, name);
      } finally {
        this.resolving.pop();
      }
    }
    this.memo.set(name, out);
    if (out !== value) this.resolved(name, out);
    return out;
  }

  private resolved(name: string, value: unknown): void {
    (this.scope as { [ON_RESOLVED]?: OnResolved })[ON_RESOLVED]?.(name, value);
  }

  private engine<T>(a: Analysis, src: string, ctx: Vars, run: Parameters<typeof call<T>>[0]): T {
    active.push(this);
    try {
      try {
        return call(run);
      } catch (e) {
        // Strict undefined fails on `nothing.attr`; ansible-core's undefined chains, so a guarded expression may go on.
        if (!a.guarded || !(e instanceof Error) || !/undefined value/.test(e.message)) throw e;
        return call(run, true);
      }
    } catch (e) {
      throw templateError(e, this.failure(src, a, ctx));
    } finally {
      active.pop();
    }
  }

  private failure(src: string, analysis: Analysis, ctx: Vars): Failure {
    return { src, analysis, ctx, scope: this.scope, where: this.where };
  }
}

/** `lookup`, `query`, `q`: the engine's globals, unless the scope has a variable of that name. */
function isGlobal(name: string): boolean {
  return customGlobalNames().includes(name);
}

const PATH_RE = /^\s*[A-Za-z_]\w*(\.[A-Za-z_]\w*)*\s*$/;
/** ansible-core's SINGLE_VAR: a template that only names one variable. */
const SINGLE_VAR = /^\{\{\s*(\w*)\s*\}\}$/;
/** A lone expression ending in one of ansible-core's STRING_TYPE_FILTERS keeps its text as it is. */
const TEXT_FILTER = /\|\s*(string|to_json|to_nice_json|to_yaml|to_nice_yaml|ppretty|json)\s*(\([^()]*\))?\s*$/;

/** A deep copy of JSON-like data, so callers may change what they get. */
function clone(v: unknown): unknown {
  if (isUnsafe(v)) return markUnsafe(copy(v));
  return copy(v);
}

function copy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (isMapping(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = clone(x);
    return out;
  }
  return v;
}

/** A scope entry, or undefined when absent (inherited Object members don't count). */
function lookup(scope: Vars, name: string): unknown {
  if (name === '__proto__') return undefined;
  const v = scope[name];
  if (v === undefined) return undefined;
  if (name in Object.prototype && v === (Object.prototype as Record<string, unknown>)[name]) return undefined;
  return v;
}

/** Adds which variable was being templated to an error from inside it (once, innermost). */
function inVariable(e: unknown, name: string): unknown {
  if (!(e instanceof UserError) || e.detail.includes(' (in variable ') || e.detail.startsWith('recursive loop')) return e;
  return new UserError(`${e.detail} (in variable '${name}')`, e.pos);
}
