import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Vars } from '../model/index.js';
import { UserError } from '../model/index.js';

/**
 * One `-e` value: `k=v k2="a b"`, a JSON/YAML mapping, or `@file.yml`.
 * Later `-e` values win, as in ansible-playbook.
 */
export function parseExtraVars(value: string, cwd: string): Vars {
  const v = value.trim();
  if (v.startsWith('@')) {
    const file = path.resolve(cwd, v.slice(1));
    if (!fs.existsSync(file)) throw new UserError(`-e ${value}: file not found: ${file}`);
    return asMapping(fs.readFileSync(file, 'utf8'), `-e ${value}`);
  }
  if (v.startsWith('{') || v.startsWith('[')) return asMapping(v, `-e ${value}`);
  return parseKeyValues(v, `-e ${value}`);
}

function asMapping(text: string, where: string): Vars {
  let data: unknown;
  try {
    data = YAML.parse(text);
  } catch (err) {
    throw new UserError(`${where}: not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new UserError(`${where}: extra vars must be a mapping`);
  return data as Vars;
}

/** `a=1 b="two words"`: values stay strings, as ansible-playbook keeps them. */
function parseKeyValues(text: string, where: string): Vars {
  const out: Vars = {};
  const re = /\s*([A-Za-z_][\w]*)=("((?:\\.|[^"\\])*)"|'([^']*)'|(\S*))/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) {
      if (!text.slice(pos).trim()) break;
      throw new UserError(`${where}: expected key=value, JSON or @file (at '${text.slice(pos).trim()}')`);
    }
    out[m[1]] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[4] !== undefined ? m[4] : m[5];
    pos = re.lastIndex;
  }
  return out;
}
