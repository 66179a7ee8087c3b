/** Reading playwatch.yml: a mapping of snake_case settings, with positions. */
import fs from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import type { Pos } from '../model/index.js';
import { UserError, withHint } from '../model/index.js';

/** One top-level key of playwatch.yml: its value and where the value starts. */
export interface YmlValue {
  value: unknown;
  pos: Pos;
}

/**
 * Parse playwatch.yml into its top-level keys. `known` lists the accepted
 * keys: anything else is a UserError with a "did you mean" hint, because a
 * typo in a config file should not silently do nothing.
 */
export function readPlaywatchYml(file: string, known: readonly string[]): Map<string, YmlValue> {
  const text = fs.readFileSync(file, 'utf8');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true });
  const posOf = (node: Node | null | undefined): Pos => {
    const { line, col } = lc.linePos(node?.range?.[0] ?? 0);
    return { file, line, col };
  };
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos?.[0] ?? { line: 1, col: 1 };
    throw new UserError(`invalid YAML: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, {
      file,
      line: at.line,
      col: at.col,
    });
  }
  const out = new Map<string, YmlValue>();
  const root = doc.contents as Node | null;
  if (root == null || (isScalar(root) && root.value == null)) return out;
  if (!isMap(root)) throw new UserError('playwatch.yml must be a mapping of settings (e.g. `forks: 10`)', posOf(root));
  for (const pair of root.items as Array<Pair<Node, Node>>) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!known.includes(key)) {
      throw new UserError(withHint(`unknown setting '${key}' in playwatch.yml`, key, known), posOf(pair.key));
    }
    out.set(key, { value: valueOf(pair.value, doc, posOf), pos: posOf(pair.value ?? pair.key) });
  }
  return out;
}

/** A setting's value; an alias bomb (the `yaml` package's maxAliasCount) is refused at the value. */
function valueOf(node: Node | null, doc: Parameters<Node['toJS']>[0], posOf: (n: Node) => Pos): unknown {
  if (node == null) return null;
  try {
    return node.toJS(doc);
  } catch (err) {
    if (err instanceof ReferenceError) throw new UserError(`excessive aliasing: ${err.message}`, posOf(node));
    throw err;
  }
}
