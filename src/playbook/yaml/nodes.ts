/**
 * The positioned YAML tree the playbook loader walks. Both parsers (the fast
 * js-yaml one and the `yaml` fallback) build it, so the loader never sees
 * either library's own node types.
 */
import type { Node as YamlNode } from 'yaml';

/** A node of the tree. An alias keeps its own position and points at its anchor. */
export type YNode = YScalar | YMap | YSeq | YAlias;

interface Base {
  /** Offset of the node's first character in the file's text. */
  start: number;
  /** Fast path: the node's plain JS value as js-yaml built it (shared, never handed out). */
  js?: unknown;
  /** Fallback path: the `yaml` node, whose toJS gives the value. */
  orig?: YamlNode;
}

/** A scalar; `value` is what the YAML 1.1 (PyYAML) rules make of it. */
export interface YScalar extends Base {
  kind: 'scalar';
  value: unknown;
  /** A `<<` merge key. */
  merge?: boolean;
}

/** A mapping, its pairs in source order. */
export interface YMap extends Base {
  kind: 'map';
  pairs: YPair[];
}

/** A sequence. */
export interface YSeq extends Base {
  kind: 'seq';
  items: YNode[];
}

/** `*name`: where it is written, and the anchored node it stands for. */
export interface YAlias extends Base {
  kind: 'alias';
  target: YNode | null;
}

/** One `key: value` of a mapping, in source order (duplicates kept). */
export interface YPair {
  key: YNode;
  /** null where the key has no value at all (`{a, b}`). */
  value: YNode | null;
}

/** Follows an alias to the node it names (an anchor never names an alias). */
export function resolveAlias(node: YNode | null | undefined): YNode | null {
  if (node == null) return null;
  return node.kind === 'alias' ? node.target : node;
}
