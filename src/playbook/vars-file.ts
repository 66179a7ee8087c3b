/** Vars files (vars_files, include_vars, role defaults/vars): a mapping of names to values. */
import path from 'node:path';
import { UserError, type Pos, type Vars, type Vault } from '../model/index.js';
import { asMap, entries, kindOf, posOf, readYaml, toValue, type Source, type YMap } from './source.js';

const VAR_NAME = /^[A-Za-z_]\w*$/;

/**
 * Reads a YAML or JSON vars file. An empty file is `{}`; anything but a
 * mapping, or a key that is not a variable name, is a positioned error.
 * `from` is where the file was named, for a missing-file error; `vault`
 * opens an encrypted file or `!vault` values.
 */
export function loadVarsFile(file: string, from?: Pos, vault?: Vault): Vars {
  const src = readYaml(path.resolve(file), from, vault);
  const root = src.root;
  if (kindOf(root) === 'nothing') return {};
  const map = asMap(src, root);
  if (!map) {
    throw new UserError(`a vars file must be a mapping of variable names to values, got ${kindOf(root)}`, posOf(src, root));
  }
  return varsOf(src, map);
}

/** A vars mapping's value, after checking every key is a variable name. */
export function varsOf(src: Source, map: YMap): Vars {
  for (const e of entries(src, map)) {
    if (!VAR_NAME.test(e.key)) throw new UserError(`'${e.key}' is not a valid variable name`, posOf(src, e.keyNode));
  }
  return toValue(src, map) as Vars;
}
