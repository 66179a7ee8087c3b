/**
 * Reading YAML files with positions. Every loader in this directory walks the
 * positioned tree of `./yaml/nodes.ts` (not plain JS) so that an error can name
 * `file:line:col`. Files are read by the fast js-yaml path; whatever it
 * declines, syntax errors included, is read again by the `yaml` package, whose
 * messages and positions are the reference.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Document } from 'yaml';
import { isVaulted, openVault, UserError, type Pos, type Vault } from '../model/index.js';
import { parseFast } from './yaml/fast.js';
import { LineIndex } from './yaml/lines.js';
import { resolveAlias, type YMap, type YNode, type YScalar, type YSeq } from './yaml/nodes.js';
import { parseSlow } from './yaml/slow.js';
import { aliasBomb, MAX_ALIAS_VALUES } from './yaml/aliases.js';
import { duplicateKeys } from './yaml/duplicates.js';

export type { YMap, YNode, YSeq } from './yaml/nodes.js';

/** One parsed YAML file. */
export interface Source {
  /** Absolute path. */
  abs: string;
  /** Path as shown in messages: relative to the cwd when under it. */
  file: string;
  /** Absolute directory of the file. */
  dir: string;
  /** The document's top node; null for a file with no content. */
  root: YNode | null;
  /** Offset → 1-based line and column. */
  linePos(offset: number): { line: number; col: number };
  /** Set when the fallback parser read the file: values come from its nodes. */
  doc?: Document;
}

/** A mapping entry with its key node, for positions. */
export interface Entry {
  key: string;
  keyNode: YNode;
  value: YNode | null;
}

/** `path` relative to the cwd when it is under it, else absolute. */
export function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

/** Counts of files read by each parser, for tests and benchmarks. */
export const parseStats = { fast: 0, fallback: 0 };

/**
 * Parses YAML text; syntax errors become positioned UserErrors. Inline
 * `!vault` values are opened with `vault` (the fallback parser reads them,
 * where each value has its position for the error).
 */
export function parseYaml(text: string, abs: string, vault?: Vault): Source {
  const where = { abs, file: displayPath(abs), dir: path.dirname(abs) };
  let root: YNode | null | undefined;
  try {
    if (!text.includes('!vault')) root = parseFast(text);
  } catch {
    // Declined, or a js-yaml error: the fallback gives the reference result or message.
  }
  if (root !== undefined) {
    parseStats.fast++;
    const lines = new LineIndex(text);
    return checkAliases({ ...where, root, linePos: (o) => lines.linePos(o) });
  }
  parseStats.fallback++;
  const slow = parseSlow(text, (value, at) => openVault(vault, value, { file: where.file, ...at }).toString('utf8'));
  const src: Source = { ...where, root: slow.root, doc: slow.doc, linePos: (o) => slow.lines.linePos(o) };
  if (slow.error) {
    const at = src.linePos(slow.error.offset);
    throw new UserError(`YAML syntax error: ${slow.error.message}`, { file: src.file, line: at.line, col: at.col });
  }
  return checkAliases(src);
}

/** Refuses a document whose aliases stand for too many values (an alias bomb), at the alias that tips it; notes duplicated keys. */
function checkAliases(src: Source): Source {
  const bomb = aliasBomb(src.root);
  if (bomb) {
    throw new UserError(`excessive aliasing: the aliases up to here stand for more than ${MAX_ALIAS_VALUES} values (a resource exhaustion attack?)`, posOf(src, bomb));
  }
  for (const d of duplicateKeys(src.root)) {
    const at = src.linePos(d.mapStart);
    yamlWarnings.add(`While constructing a mapping from ${src.abs}, line ${at.line}, column ${at.col}, found a duplicate dict key (${d.key}). Using last defined value only.`);
  }
  return src;
}

// Warnings found while reading YAML, each once however often its file is
// read; the caller that shows warnings takes them (`takeYamlWarnings`).
const yamlWarnings = new Set<string>();

/** The YAML warnings (duplicated keys, in ansible-core 2.14's words) found since the last call. */
export function takeYamlWarnings(): string[] {
  const out = [...yamlWarnings];
  yamlWarnings.clear();
  return out;
}

/**
 * Reads and parses a YAML file. A missing file is an error at `from`. A
 * vault-encrypted file is opened with `vault`, and every value in it is
 * secret from then on.
 */
export function readYaml(abs: string, from?: Pos, vault?: Vault): Source {
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : String(e);
    throw new UserError(`cannot read ${displayPath(abs)}: ${why}`, from);
  }
  if (!isVaulted(text)) return parseYaml(text, abs, vault);
  const plain = openVault(vault, text, { file: displayPath(abs), line: 1, col: 1 }).toString('utf8');
  const src = parseYaml(plain, abs, vault);
  vault?.reveal(toValue(src, src.root));
  return src;
}

/** Follows an alias to the node it names. */
export function deref(_src: Source, node: YNode | null | undefined): YNode | null {
  return resolveAlias(node);
}

/** Position of a node (its first character). */
export function posOf(src: Source, node: YNode | null | undefined): Pos {
  const at = src.linePos(node?.start ?? 0);
  return { file: src.file, line: at.line, col: at.col };
}

/**
 * The plain JS value of a node (aliases and merges resolved). Each call
 * returns fresh objects, so callers may change what they get.
 */
export function toValue(src: Source, node: YNode | null): unknown {
  if (node == null) return null;
  if (node.kind === 'scalar') return node.value;
  if (src.doc && node.orig) return node.orig.toJS(src.doc, { maxAliasCount: 1000 });
  if (node.kind === 'alias') return toValue(src, node.target);
  return copy(node.js, new Map());
}

// js-yaml's values are shared between the tree's nodes (and between an anchor
// and its aliases); copies keep that sharing inside one value only, as the
// `yaml` package's toJS does.
function copy(v: unknown, seen: Map<object, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  const done = seen.get(v);
  if (done !== undefined) return done;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length);
    seen.set(v, out);
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i], seen);
    return out;
  }
  const out: Record<string, unknown> = {};
  seen.set(v, out);
  for (const k of Object.keys(v)) {
    const x = copy((v as Record<string, unknown>)[k], seen);
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, writable: true, enumerable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}

/** The mapping a node is (through aliases), or null. */
export function asMap(_src: Source, node: YNode | null | undefined): YMap | null {
  const n = resolveAlias(node);
  return n?.kind === 'map' ? n : null;
}

/** The sequence a node is (through aliases), or null. */
export function asSeq(_src: Source, node: YNode | null | undefined): YSeq | null {
  const n = resolveAlias(node);
  return n?.kind === 'seq' ? n : null;
}

/**
 * Entries of a mapping in source order, with `<<: *anchor` merges expanded
 * (keys written in the mapping win over merged ones, as YAML says).
 */
export function entries(src: Source, map: YMap): Entry[] {
  const own: Entry[] = [];
  const merged: Entry[] = [];
  for (const pair of map.pairs) {
    if (pair.key.kind === 'scalar' && pair.key.merge) {
      const target = resolveAlias(pair.value);
      const maps = target?.kind === 'seq' ? target.items : [target];
      for (const m of maps) {
        const mm = asMap(src, m);
        if (!mm) throw new UserError('merge key (<<) needs a mapping', posOf(src, pair.key));
        merged.push(...entries(src, mm));
      }
      continue;
    }
    const keyNode = pair.key;
    const key = keyNode.kind === 'scalar' ? String(keyNode.value) : String(toValue(src, keyNode));
    const value = pair.value?.kind === 'alias' ? resolveAlias(pair.value) : pair.value;
    own.push({ key, keyNode, value });
  }
  if (merged.length === 0) return own;
  const seen = new Set(own.map((e) => e.key));
  return [...merged.filter((e) => !seen.has(e.key) && (seen.add(e.key), true)), ...own];
}

/** Describes a node's kind for "expected a list, got a string" messages. */
export function kindOf(node: YNode | null): string {
  if (node == null) return 'nothing';
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  if (node.kind === 'scalar') return scalarKind(node);
  return 'something else';
}

function scalarKind(node: YScalar): string {
  const v = node.value;
  if (v === null) return 'nothing';
  if (typeof v === 'string') return `a string ('${v.length > 40 ? v.slice(0, 40) + '…' : v}')`;
  return `a ${typeof v} (${String(v)})`;
}
