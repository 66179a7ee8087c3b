/**
 * YAML (and JSON) inventories, read as ansible-core's `yaml` inventory plugin
 * reads them:
 *
 *     all:
 *       vars: {x: 1}
 *       hosts: {web[01:03]: {ansible_port: 22}}
 *       children:
 *         db: {hosts: {db1: }}
 */
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Inventory, Vars, Vault } from '../model/index.js';
import { UserError, withHint } from '../model/index.js';
import { addChild, addGroup, addHost } from './data.js';
import { expandHostRange, hasRange, splitPort } from './ranges.js';
import { parseYaml, type YamlSource } from './yaml-file.js';

const GROUP_KEYS = ['hosts', 'vars', 'children'];

/** True when the parsed YAML has the shape of an inventory: a mapping of group names to mappings or nothing. */
export function looksLikeYamlInventory(text: string): boolean {
  let src: YamlSource;
  try {
    src = parseYaml(text, '', 'keep');
  } catch {
    return false;
  }
  const root = src.doc.contents;
  return isMap(root) && root.items.length > 0 && root.items.every((p) => p.value == null || isMap(p.value) || isNullScalar(p.value));
}

/** Parse a YAML inventory from `file` into `inv`. Errors are UserErrors at `file:line:col`. */
export function parseYamlInventory(inv: Inventory, text: string, file: string, vault?: Vault): void {
  const src = parseYaml(text, file, vault);
  const root = src.doc.contents as Node | null;
  if (root == null || isNullScalar(root)) return;
  if (!isMap(root)) {
    throw new UserError('a YAML inventory must be a mapping of group names (usually `all:`)', src.pos(root));
  }
  for (const pair of root.items) parseGroup(inv, src, pair as Pair<Node, Node>);
}

function parseGroup(inv: Inventory, src: YamlSource, pair: Pair<Node, Node>): string {
  const name = keyName(src, pair);
  const body = pair.value;
  if (body != null && !isNullScalar(body) && !isMap(body)) {
    throw new UserError(`group '${name}' must be a mapping with hosts, vars or children`, src.pos(body));
  }
  addGroup(inv, name);
  if (!isMap(body)) return name;
  for (const item of (body as YAMLMap<Node, Node>).items) {
    const key = keyName(src, item);
    if (!GROUP_KEYS.includes(key)) {
      const msg = `unexpected key '${key}' in group '${name}': only hosts, vars and children are allowed`;
      throw new UserError(withHint(msg, key, GROUP_KEYS), src.pos(item.key));
    }
    const value = item.value;
    if (value == null || isNullScalar(value)) continue;
    // ansible-core accepts a single name as a string: `hosts: web1`.
    const entries: Array<Pair<Node, Node>> = isScalar(value)
      ? [{ key: value, value: null } as unknown as Pair<Node, Node>]
      : isMap(value)
        ? (value as YAMLMap<Node, Node>).items
        : fail(src, value, `'${key}' in group '${name}' must be a mapping`);
    if (key === 'vars') {
      const group = inv.groups.get(name)!;
      for (const e of entries) group.vars[keyName(src, e)] = src.toJS(e.value);
    } else if (key === 'children') {
      for (const e of entries) addChild(inv, name, parseGroup(inv, src, e), src.pos(e.key));
    } else {
      for (const e of entries) parseHostEntry(inv, src, e, name);
    }
  }
  return name;
}

function parseHostEntry(inv: Inventory, src: YamlSource, entry: Pair<Node, Node>, group: string): void {
  const pattern = keyName(src, entry);
  const vars = src.toJS(entry.value);
  if (vars != null && (typeof vars !== 'object' || Array.isArray(vars))) {
    fail(src, entry.value, `host '${pattern}' must map to its variables (a mapping) or nothing`);
  }
  const { name, port } = splitPort(pattern);
  let names: string[];
  try {
    names = hasRange(name) ? expandHostRange(name) : [name];
  } catch (err) {
    if (err instanceof RangeError) fail(src, entry.key, err.message);
    throw err;
  }
  const hostVars: Vars = { ...(port === undefined ? {} : { ansible_port: port }), ...((vars as Vars | null) ?? {}) };
  for (const n of names!) addHost(inv, n, group, hostVars);
}

function keyName(src: YamlSource, pair: Pair<Node, Node | null>): string {
  const key = pair.key;
  if (isScalar(key) && key.value != null && typeof key.value !== 'object') return String(key.value);
  return fail(src, key, 'expected a name here');
}

function isNullScalar(node: unknown): boolean {
  return isScalar(node) && node.value == null;
}

function fail(src: YamlSource, node: Node | null | undefined, msg: string): never {
  throw new UserError(msg, src.pos(node));
}
