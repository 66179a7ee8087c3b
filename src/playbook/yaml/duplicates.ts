/**
 * Duplicated mapping keys. ansible-core 2.14 keeps the last value and warns
 * once per key, naming the mapping's first line and column; playwatch keeps
 * the last value too (both parsers do) and gives the same warning.
 */
import type { YNode } from './nodes.js';

/** One duplicated key: the mapping's start offset and the key as text. */
export interface DuplicateKey {
  mapStart: number;
  key: string;
}

/** Every duplicated scalar key in the tree, in document order (aliases are not followed: their anchor is walked where it stands). */
export function duplicateKeys(root: YNode | null): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: YNode[] = root ? [root] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === 'seq') {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]!);
    } else if (node.kind === 'map') {
      const seen = new Set<string>();
      for (const p of node.pairs) {
        if (p.key.kind !== 'scalar' || p.key.merge) continue;
        const key = String(p.key.value);
        if (seen.has(key)) found.push({ mapStart: node.start, key });
        seen.add(key);
      }
      for (let i = node.pairs.length - 1; i >= 0; i--) {
        const v = node.pairs[i]!.value;
        if (v) stack.push(v);
      }
    }
  }
  return found;
}
