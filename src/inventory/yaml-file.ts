/** YAML reading with positions, for inventories and vars files. */
import fs from 'node:fs';
import path from 'node:path';
import { Document, isScalar, LineCounter, parseDocument, visit, type Node, type Tags } from 'yaml';
import type { Pos, Vars, Vault } from '../model/index.js';
import { openVault, UserError, vaultedText } from '../model/index.js';

/** A parsed YAML document and how to turn a node into a `file:line:col` position. */
export interface YamlSource {
  doc: Document;
  file: string;
  pos(node: Node | null | undefined): Pos;
  toJS(node: Node | null | undefined): unknown;
}

// PyYAML (which ansible-core uses) reads yes/no/on/off/true/false as
// booleans but not `y`/`n`, and leaves dates as strings for our purposes.
const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

// `!vault |` values are read as their text, then opened where they stand.
const VAULT_TAG = { tag: '!vault', resolve: (s: string) => s };

function pyyamlTags(tags: Tags): Tags {
  return [...tags, VAULT_TAG]
    .filter((t) => !(typeof t === 'object' && t.tag.endsWith(':timestamp')))
    .map((t) => {
      if (typeof t !== 'object' || !t.tag.endsWith(':bool') || !('test' in t) || !t.test) return t;
      const isTrue = t.test.test('true');
      return { ...t, test: isTrue ? PY_TRUE : PY_FALSE };
    });
}

/**
 * Parse YAML the way ansible-core reads it (YAML 1.1: `yes`/`no` are
 * booleans). A syntax error becomes a UserError at its position. Inline
 * `!vault` values are opened with `vault` (an error at the value without
 * one), unless `vault` is `'keep'`: a look at the shape leaves them closed.
 */
export function parseYaml(text: string, file: string, vault?: Vault | 'keep'): YamlSource {
  const lc = new LineCounter();
  // Duplicated keys are not an error: ansible-core keeps the last value, with a warning.
  const doc = parseDocument(text, { lineCounter: lc, version: '1.1', customTags: pyyamlTags, prettyErrors: true, uniqueKeys: false });
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos?.[0] ?? { line: 1, col: 1 };
    const firstLine = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(`invalid YAML: ${firstLine}`, { file, line: at.line, col: at.col });
  }
  if (file !== '') noteDuplicateKeys(doc, path.resolve(file), lc);
  if (vault !== 'keep' && text.includes('!vault')) {
    visit(doc, {
      Scalar(_, node) {
        if (node.tag !== '!vault' || typeof node.value !== 'string') return;
        node.value = openVault(vault, node.value, { file, ...lc.linePos(node.range?.[0] ?? 0) }).toString('utf8');
      },
    });
  }
  return {
    doc,
    file,
    pos(node) {
      const offset = node?.range?.[0] ?? 0;
      const { line, col } = lc.linePos(offset);
      return { file, line, col };
    },
    toJS(node) {
      if (node == null) return null;
      try {
        return (node as Node).toJS(doc);
      } catch (err) {
        // The `yaml` package's alias limit (maxAliasCount): an alias bomb, refused where it is used.
        if (err instanceof ReferenceError) throw new UserError(`excessive aliasing: ${err.message}`, this.pos(node));
        throw err;
      }
    },
  };
}

// Warnings found while reading inventory YAML, each once; the CLI takes them (`takeInventoryWarnings`).
const warnings = new Set<string>();

/** The inventory's YAML warnings (duplicated keys, in ansible-core 2.14's words) found since the last call. */
export function takeInventoryWarnings(): string[] {
  const out = [...warnings];
  warnings.clear();
  return out;
}

function noteDuplicateKeys(doc: Document, abs: string, lc: LineCounter): void {
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (key === '<<') continue;
        if (seen.has(key)) {
          const at = lc.linePos(map.range?.[0] ?? 0);
          warnings.add(`While constructing a mapping from ${abs}, line ${at.line}, column ${at.col}, found a duplicate dict key (${key}). Using last defined value only.`);
        }
        seen.add(key);
      }
    },
  });
}

/**
 * Read a `group_vars`/`host_vars` file: a YAML (or JSON) mapping. An empty
 * file is `{}`; anything but a mapping is a UserError. A vault-encrypted
 * file is opened with `vault`, and its values are secret.
 */
export function readVarsFile(file: string, vault?: Vault): Vars {
  const { text, vaulted } = vaultedText(fs.readFileSync(file, 'utf8'), vault, { file, line: 1, col: 1 });
  const src = parseYaml(text, file, vault);
  const value = src.toJS(src.doc.contents as Node | null);
  if (vaulted) vault?.reveal(value);
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError('a vars file must hold a mapping of variable names to values', src.pos(src.doc.contents as Node));
  }
  return value as Vars;
}
