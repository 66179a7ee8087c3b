import type { ModuleResult, Vars } from '../model/index.js';
import { fnmatchToRegExp } from '../model/index.js';

export const MASK = '********';
export const NO_LOG_MESSAGE = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** Secrets shorter than this are not masked: masking "1" would wreck every line. */
const MIN_SECRET_LENGTH = 4;

/**
 * Masks secret values by value (DESIGN §11): the values of variables whose
 * names match the `secrets` globs, wherever they show up in an event.
 */
export class SecretMasker {
  private readonly patterns: RegExp[];
  private readonly values = new Set<string>();
  private pattern?: RegExp;

  constructor(globs: string[]) {
    // Variable names match their glob case-insensitively (`DB_PASSWORD` is a password too).
    this.patterns = globs.map((g) => new RegExp(fnmatchToRegExp(g).source, 'is'));
  }

  /** Remembers the values of secret-named variables in `vars` (deeply). */
  collect(vars: Vars): void {
    for (const [k, v] of Object.entries(vars)) {
      if (this.patterns.some((p) => p.test(k))) this.addValue(v);
    }
  }

  addValue(v: unknown): void {
    if (typeof v === 'string' && v.length >= MIN_SECRET_LENGTH && !v.includes('{{') && !this.values.has(v)) {
      this.values.add(v);
      this.pattern = undefined;
    } else if (typeof v === 'number') this.addValue(String(v));
    else if (Array.isArray(v)) v.forEach((x) => this.addValue(x));
    else if (v && typeof v === 'object') Object.values(v).forEach((x) => this.addValue(x));
  }

  get empty(): boolean {
    return this.values.size === 0;
  }

  /** A copy of `value` with every secret replaced by the mask. */
  mask<T>(value: T): T {
    if (this.empty) return value;
    this.pattern ??= new RegExp([...this.values].sort((a, b) => b.length - a.length).map(escape).join('|'), 'g');
    return this.walk(value) as T;
  }

  private walk(v: unknown): unknown {
    if (typeof v === 'string') return v.replace(this.pattern!, MASK);
    if (Array.isArray(v)) return v.map((x) => this.walk(x));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.walk(x);
      return out;
    }
    return v;
  }
}

/** What a `no_log` task shows: the outcome, never the output. */
export function censor(result: ModuleResult): ModuleResult {
  const out: ModuleResult = { censored: NO_LOG_MESSAGE, _ansible_no_log: true, changed: Boolean(result.changed) };
  if (result.failed) out.failed = true;
  if (result.skipped) out.skipped = true;
  if (result.unreachable) out.unreachable = true;
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
