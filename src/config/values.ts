/** Turning setting text (from ansible.cfg, the environment or playwatch.yml) into typed values. */
import path from 'node:path';
import type { SettingSpec } from './settings.js';
import { parseMail } from './mail.js';
import { parseBool } from './bool.js';

/** Where relative paths and `~` resolve. */
export interface Bases {
  dir: string;
  home: string;
}

/** Expand `~` and make a path absolute against `bases.dir`. */
export function resolvePath(p: string, bases: Bases): string {
  const expanded = p === '~' || p.startsWith('~/') ? path.join(bases.home, p.slice(1)) : p;
  return path.resolve(bases.dir, expanded);
}

/** An inventory entry: a path, or kept as written when it is a `a,b,` host list. */
export function resolveInventoryEntry(entry: string, bases: Bases): string {
  return entry.includes(',') ? entry : resolvePath(entry, bases);
}

/** Strip one pair of matching outer quotes, as ansible-core does for ansible.cfg strings. */
export function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] ? s.slice(1, -1) : s;
}

/**
 * Convert one setting value. Returns the value, or a string saying what was
 * expected (the caller adds where the value came from).
 * `fromText` is true for ansible.cfg and environment values (lists are
 * comma or colon separated strings there); playwatch.yml gives YAML values.
 */
export function convert(spec: SettingSpec, raw: unknown, bases: Bases, fromText: boolean): { value: unknown } | { error: string } {
  const text = typeof raw === 'string' ? (fromText ? unquote(raw.trim()) : raw.trim()) : raw;
  switch (spec.type) {
    case 'int': {
      const n = typeof text === 'number' ? text : typeof text === 'string' && /^[-+]?\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isInteger(n)) return { error: `expected a whole number, got ${show(raw)}` };
      if (n < 1) return { error: `expected a number of at least 1, got ${n}` };
      return { value: n };
    }
    case 'bool': {
      const b = parseBool(text);
      return b === undefined ? { error: `expected a boolean (yes/no, true/false, on/off, 1/0), got ${show(raw)}` } : { value: b };
    }
    case 'string':
      return typeof text === 'string' || typeof text === 'number' ? { value: String(text) } : { error: `expected a string, got ${show(raw)}` };
    case 'choice':
      return typeof text === 'string' && spec.choices!.includes(text)
        ? { value: text }
        : { error: `expected one of ${spec.choices!.join(', ')}, got ${show(raw)}` };
    case 'path':
      return typeof text === 'string' && text !== '' ? { value: resolvePath(text, bases) } : { error: `expected a path, got ${show(raw)}` };
    case 'pathlist':
    case 'pathspec': {
      const items = toList(text, spec.type === 'pathlist' ? ',' : ':', fromText);
      if (!items) return { error: `expected a path or a list of paths, got ${show(raw)}` };
      const resolve = spec.yml === 'inventory' && !fromText ? resolveInventoryEntry : resolvePath;
      return { value: items.map((p) => resolve(p, bases)) };
    }
    case 'list': {
      const items = toList(text, ',', fromText);
      return items ? { value: items } : { error: `expected a list of strings, got ${show(raw)}` };
    }
    case 'raw':
      return { value: raw };
    case 'mail':
      return parseMail(raw);
  }
}

/**
 * A list from text (split on `sep`) or from a YAML list of strings. In
 * playwatch.yml a single string is one entry (an inventory may be a host
 * list with commas), except for colon-separated path specs.
 */
function toList(value: unknown, sep: string, fromText: boolean): string[] | undefined {
  if (typeof value === 'string') {
    const parts = fromText || sep === ':' ? value.split(sep) : [value];
    return parts.map((s) => s.trim()).filter((s) => s !== '');
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((s) => s.trim());
  return undefined;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);
}
