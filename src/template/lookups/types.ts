/**
 * What a lookup plugin sees, as ansible-core's `LookupBase.run(terms,
 * variables, **kwargs)` does: its terms, its options, and the controller
 * side of the task that called it (variables, where files are looked for).
 */
import type { Pos, Vars, Vault } from '../../model/index.js';

export interface LookupCtx {
  /** The task's variables, untemplated (as `variables` in ansible-core). */
  vars: Vars;
  where?: Pos;
  /** Renders a value in the task's scope, with `extra` variables on top. */
  render(value: unknown, extra?: Vars): unknown;
  /** A variable's templated value; undefined when it does not exist. */
  variable(name: string): unknown;
  /** The playbook's directory (ansible-core's loader basedir). */
  basedir: string;
  /** `ansible_search_path`, or the basedir alone. */
  searchPath: string[];
  /** `with_first_found` on a `template:`/`include_vars` task looks under `templates/`/`vars/`. */
  subdir?: string;
  /** A warning for the operator (`errors='warn'`, `on_missing='warn'`). */
  warn(message: string): void;
  /** The run's vault: the file lookup opens vault-encrypted files with it, as ansible-core's loader does. */
  vault?: Vault;
}

export interface Lookup {
  /** Option names the lookup takes as keyword arguments. */
  options: readonly string[];
  run(terms: unknown[], options: Record<string, unknown>, ctx: LookupCtx): unknown[];
}

/**
 * A lookup failed. `handled` is ansible-core's AnsibleLookupError (the
 * plugin decided to fail: reported as is); otherwise the error is reported
 * as "An unhandled exception occurred while running the lookup plugin".
 */
export class LookupFailure extends Error {
  override name = 'LookupFailure';
  constructor(message: string, readonly handled = false, readonly pyClass = 'ansible.errors.AnsibleError') {
    super(message);
  }
}

/** A variable a lookup needed was undefined: reported as a template's undefined error. */
export class LookupUndefined extends Error {
  override name = 'LookupUndefined';
}

/** Terms as a list: ansible-core iterates a mapping's keys. */
export function termList(terms: unknown): unknown[] {
  if (Array.isArray(terms)) return terms;
  if (terms !== null && typeof terms === 'object') return Object.keys(terms);
  return [terms];
}

/** LookupBase._flatten: one level of lists opened. */
export function flatten(terms: unknown[]): unknown[] {
  return terms.flatMap((t) => (Array.isArray(t) ? t : [t]));
}

/** A term that must be text. */
export function str(term: unknown, what = 'term'): string {
  if (typeof term === 'string') return term;
  if (typeof term === 'number' || typeof term === 'boolean') return String(term);
  throw new LookupFailure(`Invalid ${what}, "${JSON.stringify(term)}" is not a string`);
}

/** ansible's `boolean()` of an option value. */
export function bool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true', 'y', 't'].includes(v.toLowerCase());
  return false;
}
