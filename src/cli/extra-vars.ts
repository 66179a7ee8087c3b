import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Vars, Vault } from '../model/index.js';
import { openVault, UserError, vaultedText } from '../model/index.js';
import { parseKv } from '../playbook/index.js';

/**
 * One `-e` value: `k=v k2="a b"`, a JSON/YAML mapping, or `@file.yml`
 * (which may be vault-encrypted, or hold `!vault` values: `vault` opens
 * them, and what it opens is secret). Later `-e` values win, as in
 * ansible-playbook.
 */
export function parseExtraVars(value: string, cwd: string, vault?: Vault): Vars {
  const v = value.trim();
  if (v.startsWith('@')) {
    const file = path.resolve(cwd, v.slice(1));
    if (!fs.existsSync(file)) throw new UserError(`-e ${value}: file not found: ${file}`);
    const opened = vaultedText(fs.readFileSync(file, 'utf8'), vault, { file: v.slice(1), line: 1, col: 1 });
    const vars = asMapping(opened.text, `-e ${value}`, { vault, file: v.slice(1) });
    if (opened.vaulted) vault?.reveal(vars);
    return vars;
  }
  if (v.startsWith('{') || v.startsWith('[')) return asMapping(v, `-e ${value}`);
  return parseKeyValues(v, `-e ${value}`);
}

// `!vault |` values are read as their text, then opened where they stand.
const VAULT_TAG = { tag: '!vault', resolve: (s: string) => s };

function asMapping(text: string, where: string, from?: { vault?: Vault; file: string }): Vars {
  let data: unknown;
  try {
    const lines = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { lineCounter: lines, customTags: [VAULT_TAG] });
    if (doc.errors[0]) throw doc.errors[0];
    if (from) {
      YAML.visit(doc, {
        Scalar(_, node) {
          if (node.tag === '!vault' && typeof node.value === 'string') {
            node.value = openVault(from.vault, node.value, { file: from.file, ...lines.linePos(node.range?.[0] ?? 0) }).toString('utf8');
          }
        },
      });
    }
    data = doc.toJS();
  } catch (err) {
    if (err instanceof UserError) throw err;
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
