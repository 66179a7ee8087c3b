/**
 * The fallback parser: the `yaml` package, set up to read like PyYAML. It is
 * used for whatever the fast path declines (syntax errors, rare tags and
 * shapes), so its messages and positions are the reference ones.
 */
import {
  Document,
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Node as YamlNode,
  type Pair,
  type Tags,
} from 'yaml';
import type { YNode, YPair } from './nodes.js';

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

/** `!vault |` values are read as their text; the parser's caller opens them. */
const VAULT_TAG = { tag: '!vault', resolve: (s: string) => s };

/** The `yaml` options playbooks are read with. */
export const YAML_OPTIONS = {
  version: '1.1',
  prettyErrors: false,
  customTags: (tags: Tags) => [...pyyamlTags(tags), VAULT_TAG],
  uniqueKeys: false,
} as const;

/** Opens one inline `!vault` value found at `at`: its plaintext, or a thrown UserError. */
export type VaultOpener = (ciphertext: string, at: { line: number; col: number }) => string;

/** What the fallback parser hands back. */
export interface SlowResult {
  root: YNode | null;
  doc: Document;
  lines: LineCounter;
  /** The first syntax error, if any. */
  error?: { offset: number; message: string };
}

/** Parses `text` with the `yaml` package and converts its tree; `!vault` scalars are replaced by what `open` makes of them. */
export function parseSlow(text: string, open?: VaultOpener): SlowResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines });
  const err = doc.errors[0];
  if (err) return { root: null, doc, lines, error: { offset: err.pos[0], message: err.message.split('\n')[0] } };
  if (open && text.includes('!vault')) {
    visit(doc, {
      Scalar(_, node) {
        if (node.tag === '!vault' && typeof node.value === 'string') node.value = open(node.value, lines.linePos(node.range?.[0] ?? 0));
      },
    });
  }
  return { root: convert(doc, doc.contents as YamlNode | null, new Map()), doc, lines };
}

function convert(doc: Document, n: YamlNode | null, seen: Map<YamlNode, YNode>): YNode | null {
  if (n == null) return null;
  const done = seen.get(n);
  if (done) return done;
  const start = n.range?.[0] ?? 0;
  if (isScalar(n)) {
    const merge = typeof n.value === 'symbol' && n.value.description === '<<';
    const out: YNode = { kind: 'scalar', start, value: n.value, orig: n, ...(merge ? { merge } : {}) };
    seen.set(n, out);
    return out;
  }
  if (isAlias(n)) {
    const out: YNode = { kind: 'alias', start, target: null, orig: n };
    seen.set(n, out);
    out.target = convert(doc, (n.resolve(doc) as YamlNode | undefined) ?? null, seen);
    return out;
  }
  if (isMap(n)) {
    const pairs: YPair[] = [];
    const out: YNode = { kind: 'map', start, pairs, orig: n };
    seen.set(n, out);
    for (const p of n.items as Pair[]) pairs.push(convertPair(doc, p, seen));
    return out;
  }
  if (isSeq(n)) {
    const items: YNode[] = [];
    const out: YNode = { kind: 'seq', start, items, orig: n };
    seen.set(n, out);
    for (const item of n.items) items.push(convertItem(doc, item, seen));
    return out;
  }
  return null;
}

function convertPair(doc: Document, p: Pair, seen: Map<YamlNode, YNode>): YPair {
  // A missing key reads as null at offset 0, as the loader always showed it.
  const key = convert(doc, p.key as YamlNode | null, seen) ?? { kind: 'scalar', start: 0, value: null };
  return { key, value: convert(doc, p.value as YamlNode | null, seen) };
}

function convertItem(doc: Document, item: unknown, seen: Map<YamlNode, YNode>): YNode {
  return convert(doc, item as YamlNode | null, seen) ?? { kind: 'scalar', start: 0, value: null };
}
