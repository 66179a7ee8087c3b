/**
 * Reading YAML files with positions. Every loader in this directory walks the
 * `yaml` node tree (not plain JS) so that an error can name `file:line:col`.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  Document,
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Node,
  type Pair,
  type Tags,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { UserError, type Pos } from '../model/index.js';

/** One parsed YAML file. */
export interface Source {
  /** Absolute path. */
  abs: string;
  /** Path as shown in messages: relative to the cwd when under it. */
  file: string;
  /** Absolute directory of the file. */
  dir: string;
  doc: Document;
  lines: LineCounter;
}

/** A mapping entry with its key node, for positions. */
export interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

/** `path` relative to the cwd when it is under it, else absolute. */
export function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

// PyYAML (what ansible uses) reads YAML 1.1, but its booleans are only
// yes/no/true/false/on/off: `y` and `n` stay strings. Timestamps stay strings
// too, since vars are templated as text.
const PY_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const PY_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;

function pyyamlTags(tags: Tags): Tags {
  const out: Tags = [];
  for (const t of tags) {
    if (typeof t !== 'object') continue;
    if (t.tag === 'tag:yaml.org,2002:timestamp') continue;
    if (t.tag === 'tag:yaml.org,2002:bool' && 'test' in t && t.test) {
      out.push({ ...t, test: t.test.source.includes('Y|y|[Yy]es') ? PY_TRUE : PY_FALSE });
      continue;
    }
    out.push(t);
  }
  return out;
}

/** Parses YAML text; syntax errors become positioned UserErrors. */
export function parseYaml(text: string, abs: string): Source {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    lineCounter: lines,
    prettyErrors: false,
    customTags: pyyamlTags,
    uniqueKeys: false,
  });
  const src: Source = { abs, file: displayPath(abs), dir: path.dirname(abs), doc, lines };
  const err = doc.errors[0];
  if (err) {
    const at = lines.linePos(err.pos[0]);
    throw new UserError(`YAML syntax error: ${err.message.split('\n')[0]}`, {
      file: src.file,
      line: at.line,
      col: at.col,
    });
  }
  return src;
}

/** Reads and parses a YAML file. A missing file is an error at `from`. */
export function readYaml(abs: string, from?: Pos): Source {
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : String(e);
    throw new UserError(`cannot read ${displayPath(abs)}: ${why}`, from);
  }
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    throw new UserError(`${displayPath(abs)} is vault-encrypted; playwatch cannot decrypt vault files yet`, from);
  }
  return parseYaml(text, abs);
}

/** Follows an alias to the node it names. */
export function deref(src: Source, node: unknown): Node | null {
  if (node == null) return null;
  if (isAlias(node)) return (node.resolve(src.doc) as Node | undefined) ?? null;
  return node as Node;
}

/** Position of a node (its first character). */
export function posOf(src: Source, node: Node | null | undefined): Pos {
  const offset = node?.range?.[0] ?? 0;
  const at = src.lines.linePos(offset);
  return { file: src.file, line: at.line, col: at.col };
}

/** The plain JS value of a node (aliases and merges resolved). */
export function toValue(src: Source, node: Node | null): unknown {
  if (node == null) return null;
  if (isScalar(node)) return node.value;
  return node.toJS(src.doc, { maxAliasCount: 1000 });
}

export function asMap(src: Source, node: unknown): YAMLMap | null {
  const n = deref(src, node);
  return isMap(n) ? n : null;
}

export function asSeq(src: Source, node: unknown): YAMLSeq | null {
  const n = deref(src, node);
  return isSeq(n) ? n : null;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';
}

/**
 * Entries of a mapping in source order, with `<<: *anchor` merges expanded
 * (keys written in the mapping win over merged ones, as YAML says).
 */
export function entries(src: Source, map: YAMLMap): Entry[] {
  const own: Entry[] = [];
  const merged: Entry[] = [];
  for (const pair of map.items as Pair[]) {
    if (isMergeKey(pair.key)) {
      const target = deref(src, pair.value);
      const maps = isSeq(target) ? target.items : [target];
      for (const m of maps) {
        const mm = asMap(src, m);
        if (!mm) throw new UserError('merge key (<<) needs a mapping', posOf(src, pair.key as Node));
        merged.push(...entries(src, mm));
      }
      continue;
    }
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(toValue(src, keyNode));
    own.push({ key, keyNode, value: deref(src, pair.value) });
  }
  if (merged.length === 0) return own;
  const seen = new Set(own.map((e) => e.key));
  return [...merged.filter((e) => !seen.has(e.key) && (seen.add(e.key), true)), ...own];
}

/** Describes a node's kind for "expected a list, got a string" messages. */
export function kindOf(node: Node | null): string {
  if (node == null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'nothing';
    if (typeof v === 'string') return `a string ('${v.length > 40 ? v.slice(0, 40) + '…' : v}')`;
    return `a ${typeof v} (${String(v)})`;
  }
  return 'something else';
}
