/**
 * The alias limit: a few lines of anchors and aliases can stand for
 * billions of values (the "billion laughs"), which templating, copying or
 * recording would expand. Both parsers keep an alias as a pointer, so the
 * size an alias stands for is counted here, once per anchor, before any
 * value is built.
 */
import type { YAlias, YNode } from './nodes.js';

/** Values that aliases may bring into one document. */
export const MAX_ALIAS_VALUES = 100_000;

/**
 * The first alias (in document order) at which the values all aliases so
 * far stand for pass `max`, or undefined when the document stays under it.
 */
export function aliasBomb(root: YNode | null, max = MAX_ALIAS_VALUES): YAlias | undefined {
  if (!root) return undefined;
  const sizes = new Map<YNode, number>();
  let total = 0;
  let found: YAlias | undefined;
  const walk = (node: YNode | null): void => {
    if (!node || found) return;
    if (node.kind === 'alias') {
      total += sizeOf(node.target, sizes, max);
      if (total > max) found = node;
    } else if (node.kind === 'map') {
      for (const p of node.pairs) {
        walk(p.key);
        walk(p.value);
      }
    } else if (node.kind === 'seq') {
      for (const item of node.items) walk(item);
    }
  };
  walk(root);
  return found;
}

/** How many values a node stands for, aliases expanded (memoized per node; stops counting past `max`). */
function sizeOf(node: YNode | null, sizes: Map<YNode, number>, max: number): number {
  if (!node) return 1;
  const known = sizes.get(node);
  if (known !== undefined) return known;
  // An anchor inside itself (the `yaml` package allows it) counts once.
  sizes.set(node, 1);
  let n = 1;
  if (node.kind === 'alias') n = sizeOf(node.target, sizes, max);
  else if (node.kind === 'map') {
    for (const p of node.pairs) {
      n += sizeOf(p.key, sizes, max) + sizeOf(p.value, sizes, max);
      if (n > max) break;
    }
  } else if (node.kind === 'seq') {
    for (const item of node.items) {
      n += sizeOf(item, sizes, max);
      if (n > max) break;
    }
  }
  sizes.set(node, n);
  return n;
}
