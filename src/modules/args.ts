import { UserError, withHint, type Pos, type Vars } from '../model/index.js';

/** The literal types an arg may have; templated strings pass any check. */
export type ArgType = 'str' | 'bool' | 'int' | 'number' | 'list' | 'dict' | 'raw';

export type ArgSpec = Record<string, ArgType>;

/** True for strings with `{{ }}` or `{% %}`: their type is known only after rendering. */
export function isTemplated(v: unknown): boolean {
  return typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
}

const BOOL_WORDS = ['yes', 'no', 'true', 'false', 'on', 'off', '1', '0', 'y', 'n', 't', 'f'];

/**
 * Checks arg names and literal types at load time. Unknown names get a
 * "did you mean"; values still holding `{{ }}` are left for run time.
 */
export function checkArgs(module: string, args: Vars, pos: Pos, spec: ArgSpec): void {
  const names = Object.keys(spec);
  for (const [name, value] of Object.entries(args)) {
    const type = spec[name];
    if (!type) {
      const message = name === '_raw_params'
        ? `module '${module}' takes no free-form arguments`
        : withHint(`unsupported parameter '${name}' for module '${module}'`, name, names.filter((n) => n !== '_raw_params'));
      throw new UserError(message, pos);
    }
    if (value === undefined || value === null || isTemplated(value)) continue;
    if (!hasType(value, type)) {
      throw new UserError(`module '${module}': '${name}' must be ${describe(type)}, got ${JSON.stringify(value)}`, pos);
    }
  }
}

function hasType(v: unknown, type: ArgType): boolean {
  switch (type) {
    case 'raw':
      return true;
    case 'str':
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    case 'bool':
      return typeof v === 'boolean' || typeof v === 'number' || (typeof v === 'string' && BOOL_WORDS.includes(v.toLowerCase()));
    case 'int':
      return Number.isInteger(typeof v === 'string' ? Number(v.trim() || 'x') : v);
    case 'number':
      return Number.isFinite(typeof v === 'string' ? Number(v.trim() || 'x') : v);
    case 'list':
      return Array.isArray(v) || typeof v === 'string';
    case 'dict':
      return typeof v === 'object' && !Array.isArray(v);
  }
}

function describe(type: ArgType): string {
  const words: Record<ArgType, string> = {
    raw: 'anything', str: 'a string', bool: 'a boolean', int: 'an integer',
    number: 'a number', list: 'a list', dict: 'a mapping',
  };
  return words[type];
}

/** Ansible's lenient boolean: `yes`, `on`, `1`, `true` and friends. */
export function toBool(v: unknown, fallback = false): boolean {
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true', 'y', 't'].includes(v.trim().toLowerCase());
  return Boolean(v);
}

/** A number from a rendered arg, or an Error naming the arg. */
export function toNumber(module: string, name: string, v: unknown): number {
  const n = typeof v === 'string' ? Number(v.trim() || 'x') : typeof v === 'number' ? v : NaN;
  if (!Number.isFinite(n)) throw new UserError(`module '${module}': '${name}' must be a number, got ${JSON.stringify(v)}`);
  return n;
}

/** An optional string arg, rendered; numbers and booleans become text. */
export function optString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}
