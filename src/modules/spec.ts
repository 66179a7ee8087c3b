/**
 * Argument specs as data, the way ansible-core's modules declare them
 * (`ansible-doc -j NAME` shows the same tables): each option's type,
 * `required`, `aliases`, `choices`, `default`, and the spec's
 * `mutually_exclusive`, `required_one_of`, `required_together` and
 * `required_if` rules. One spec serves twice: `checkSpec` refuses bad
 * literal args at load (as `file:line:col` errors) and `readArgs` turns the
 * rendered args into typed values at run time.
 */
import { UserError, withHint, type Pos, type Vars } from '../model/index.js';
import { isTemplated } from './args.js';
import { modeProblem } from './mode.js';

/**
 * Option types: ansible-core's, plus `mode` (its `raw` mode option, checked
 * as an octal number or a symbolic `u=rw,g=r` expression).
 */
export type OptionType = 'str' | 'bool' | 'int' | 'float' | 'path' | 'raw' | 'list' | 'dict' | 'mode';

export interface OptionSpec {
  type: OptionType;
  required?: boolean;
  aliases?: readonly string[];
  choices?: readonly (string | number | boolean)[];
  default?: unknown;
  /** For `list`: the type of each element. */
  elements?: OptionType;
  /** Accepted by ansible-core but not by playwatch: refused at load with this reason. */
  unsupported?: string;
  /** Accepted and without effect here (e.g. `unsafe_writes`: writes are always atomic). */
  ignored?: boolean;
}

export interface ArgSpec {
  options: Readonly<Record<string, OptionSpec>>;
  mutuallyExclusive?: readonly (readonly string[])[];
  requiredOneOf?: readonly (readonly string[])[];
  requiredTogether?: readonly (readonly string[])[];
  /** `[name, value, requires]`: when `name` is `value`, every one of `requires` must be set. */
  requiredIf?: readonly (readonly [string, unknown, readonly string[]])[];
}

const TRUE_WORDS = ['yes', 'on', '1', 'true', 'y', 't'];
const FALSE_WORDS = ['no', 'off', '0', 'false', 'n', 'f'];

/** Maps every name and alias to its option's name. */
function nameIndex(spec: ArgSpec): Map<string, string> {
  const index = new Map<string, string>();
  for (const [name, opt] of Object.entries(spec.options)) {
    index.set(name, name);
    for (const a of opt.aliases ?? []) index.set(a, name);
  }
  return index;
}

/** Args under their options' names; an option given twice (by name and alias) is an error. */
function canonical(module: string, spec: ArgSpec, args: Vars, pos?: Pos): Vars {
  const index = nameIndex(spec);
  const out: Vars = {};
  const givenAs: Record<string, string> = {};
  for (const [key, value] of Object.entries(args)) {
    const name = index.get(key);
    if (name === undefined) {
      const message = key === '_raw_params'
        ? `module '${module}' takes no free-form arguments; use name=value pairs or a mapping`
        : withHint(`unsupported parameter '${key}' for module '${module}'`, key, index.keys());
      throw new UserError(message, pos);
    }
    if (givenAs[name] !== undefined) {
      throw new UserError(`module '${module}': '${key}' and '${givenAs[name]}' are the same parameter; give it once`, pos);
    }
    givenAs[name] = key;
    out[name] = value;
  }
  return out;
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** The rules across options, for the options given (by canonical name). */
function checkRules(module: string, spec: ArgSpec, given: Vars, pos?: Pos): void {
  const set = (n: string) => isSet(given[n]);
  for (const group of spec.mutuallyExclusive ?? []) {
    if (group.filter(set).length > 1) throw new UserError(`module '${module}': parameters are mutually exclusive: ${group.join('|')}`, pos);
  }
  for (const group of spec.requiredOneOf ?? []) {
    if (!group.some(set)) throw new UserError(`module '${module}': one of the following is required: ${group.join(', ')}`, pos);
  }
  for (const group of spec.requiredTogether ?? []) {
    if (group.some(set) && !group.every(set)) throw new UserError(`module '${module}': parameters are required together: ${group.join(', ')}`, pos);
  }
  const missing = Object.entries(spec.options).filter(([n, o]) => o.required && !set(n)).map(([n]) => n);
  if (missing.length) throw new UserError(`module '${module}': missing required arguments: ${missing.join(', ')}`, pos);
  for (const [name, value, requires] of spec.requiredIf ?? []) {
    const v = given[name];
    if (isTemplated(v) || !sameValue(v, value)) continue;
    const lacking = requires.filter((r) => !set(r));
    if (lacking.length) {
      throw new UserError(`module '${module}': ${name} is ${String(value)} but all of the following are missing: ${lacking.join(', ')}`, pos);
    }
  }
}

function sameValue(v: unknown, want: unknown): boolean {
  if (typeof want === 'boolean') return coerce(v, 'bool') === want;
  return v === want || String(v) === String(want);
}

/**
 * Load-time check: unknown names (with a "did you mean"), options playwatch
 * refuses, rules across options, and the type and choices of every literal
 * value. Values holding `{{ }}` are checked after rendering, by `readArgs`.
 */
export function checkSpec(module: string, spec: ArgSpec, args: Vars, pos: Pos): void {
  const given = canonical(module, spec, args, pos);
  for (const [name, value] of Object.entries(given)) {
    const opt = spec.options[name];
    if (opt.unsupported) throw new UserError(`module '${module}': '${name}' is not supported: ${opt.unsupported}`, pos);
    if (!isSet(value) || isTemplated(value)) continue;
    const problem = valueProblem(name, opt, value);
    if (problem) throw new UserError(`module '${module}': ${problem}`, pos);
  }
  checkRules(module, spec, given, pos);
}

/**
 * Run-time reading of rendered args: canonical names, defaults, each value
 * coerced to its type. Throws UserError (which the engine turns into the
 * task's failed result) for anything the load-time check could not see.
 */
export function readArgs(module: string, spec: ArgSpec, args: Vars): Vars {
  const given = canonical(module, spec, args);
  checkRules(module, spec, given);
  const out: Vars = {};
  for (const [name, opt] of Object.entries(spec.options)) {
    const value = given[name];
    if (!isSet(value)) {
      if (opt.default !== undefined) out[name] = opt.default;
      continue;
    }
    const problem = valueProblem(name, opt, value);
    if (problem) throw new UserError(`module '${module}': ${problem}`);
    out[name] = coerce(value, opt.type, opt.elements);
  }
  return out;
}

/** What is wrong with a literal value, or undefined. */
function valueProblem(name: string, opt: OptionSpec, value: unknown): string | undefined {
  if (opt.type === 'list' && opt.elements) {
    const list = coerce(value, 'list');
    const bad = Array.isArray(list) ? list.find((el) => !isTemplated(el) && coerce(el, opt.elements!) === INVALID) : undefined;
    if (bad !== undefined) return `each element of '${name}' must be ${describe(opt.elements)}, got ${JSON.stringify(bad)}`;
  }
  const v = coerce(value, opt.type);
  if (v === INVALID) return `'${name}' must be ${describe(opt.type)}, got ${JSON.stringify(value)}`;
  if (opt.type === 'mode') {
    const why = modeProblem(v as string | number);
    if (why) return `'${name}': ${why}`;
  }
  if (opt.choices && !opt.choices.some((c) => c === v || String(c) === String(v))) {
    return `value of '${name}' must be one of: ${opt.choices.join(', ')}, got: ${String(v)}`;
  }
  return undefined;
}

const INVALID = Symbol('invalid');

/** ansible-core's type conversions (`check_type_*`), lenient where it is. */
function coerce(v: unknown, type: OptionType, elements?: OptionType): unknown {
  switch (type) {
    case 'raw':
      return v;
    case 'str':
    case 'path':
      return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : INVALID;
    case 'mode':
      return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)) ? v : INVALID;
    case 'bool': {
      if (typeof v === 'boolean') return v;
      const s = String(v).trim().toLowerCase();
      if (typeof v === 'number' || typeof v === 'string') {
        if (TRUE_WORDS.includes(s)) return true;
        if (FALSE_WORDS.includes(s)) return false;
      }
      return INVALID;
    }
    case 'int': {
      const n = typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : v;
      return typeof n === 'number' && Number.isInteger(n) ? n : INVALID;
    }
    case 'float': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      return typeof n === 'number' && Number.isFinite(n) ? n : INVALID;
    }
    case 'list': {
      const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',').map((s) => s.trim()) : typeof v === 'number' ? [String(v)] : INVALID;
      if (list === INVALID || !elements) return list;
      const out = (list as unknown[]).map((el) => coerce(el, elements));
      return out.includes(INVALID) ? INVALID : out;
    }
    case 'dict':
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : INVALID;
  }
}

function describe(type: OptionType): string {
  const words: Record<OptionType, string> = {
    raw: 'anything', str: 'a string', path: 'a path', bool: 'a boolean', int: 'an integer', float: 'a number',
    list: 'a list', dict: 'a mapping', mode: 'a mode (octal like 0644 or symbolic like u=rw,g=r)',
  };
  return words[type];
}

/** The `validate` of a module whose args follow `spec`. */
export function specValidator(module: string, spec: ArgSpec): (args: Vars, pos: Pos) => void {
  return (args, pos) => checkSpec(module, spec, args, pos);
}
