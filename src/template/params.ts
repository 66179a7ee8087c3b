/**
 * Argument handling for JS filters and tests. minijinja-js passes keyword
 * arguments as one trailing `Map`, indistinguishable from a dict argument, so
 * a trailing mapping counts as keywords only when every key is a parameter
 * name the filter knows.
 */
import { isMapping, pyStr, toPlain } from './values.js';

export interface SplitArgs {
  positional: unknown[];
  kwargs: Record<string, unknown>;
}

/** Converts raw engine arguments to plain data and splits off keyword arguments. */
export function splitArgs(raw: unknown[], keywords: readonly string[]): SplitArgs {
  const args = raw.map(toPlain);
  const last = args[args.length - 1];
  if (isMapping(last)) {
    const keys = Object.keys(last);
    if (keys.length > 0 && keys.every((k) => keywords.includes(k))) {
      return { positional: args.slice(0, -1), kwargs: last };
    }
  }
  return { positional: args, kwargs: {} };
}

/**
 * Binds raw arguments to parameter names, Python style: positional first,
 * then keywords. Missing ones are `undefined`.
 */
export function bind(raw: unknown[], names: readonly string[]): Record<string, unknown> {
  const { positional, kwargs } = splitArgs(raw, names);
  const out: Record<string, unknown> = {};
  names.forEach((n, i) => {
    out[n] = i < positional.length ? positional[i] : undefined;
  });
  for (const [k, v] of Object.entries(kwargs)) out[k] = v;
  return out;
}

/** Python's `str()` of a filter input that should be text; None becomes ''. */
export function text(v: unknown): string {
  return v === null || v === undefined ? '' : pyStr(v);
}
