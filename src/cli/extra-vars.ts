import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import { parseKv } from '../playbook/index.js';

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

/**
 * `a=1 b="two words" root={{ x }}/y`: ansible's parse_kv (quotes and Jinja
 * blocks keep their spaces), values stay strings as ansible-playbook keeps
 * them; a word that is not `key=value` is an error here (ansible-core would
 * quietly make it a variable named `_raw_params`).
 */
function parseKeyValues(text: string, where: string): Vars {
  let out: Vars;
  try {
    out = parseKv(text);
  } catch (err) {
    throw new UserError(`${where}: ${(err as Error).message}`);
  }
  if (out._raw_params !== undefined) {
    throw new UserError(`${where}: expected key=value, JSON or @file (at '${String(out._raw_params).trim()}')`);
  }
  return out;
}
