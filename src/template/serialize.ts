/**
 * `to_json`, `to_nice_json`, `to_yaml`, `to_nice_yaml` and their inverses,
 * shaped like Python's `json.dumps` and PyYAML's `yaml.dump` output so that
 * files and messages look as they do under ansible-playbook.
 */
import YAML from 'yaml';
import { FilterError } from './engine.js';
import { bind } from './params.js';
import { toPlain } from './values.js';

interface DumpOpts {
  indent?: number;
  sortKeys: boolean;
}

/** Python's `json.dumps` with ensure_ascii (ansible's default). */
export function pyJsonDumps(v: unknown, opts: DumpOpts, depth = 0): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  const entries: Array<[string | undefined, unknown]> = Array.isArray(v)
    ? v.map((x) => [undefined, x])
    : Object.entries(v as object);
  if (opts.sortKeys && !Array.isArray(v)) entries.sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return open + close;
  const items = entries.map(([k, x]) => (k === undefined ? '' : pyJsonDumps(k, opts) + ': ') + pyJsonDumps(x, opts, depth + 1));
  if (opts.indent === undefined) return open + items.join(', ') + close;
  const pad = ' '.repeat(opts.indent * (depth + 1));
  const end = ' '.repeat(opts.indent * depth);
  return `${open}\n${pad}${items.join(`,\n${pad}`)}\n${end}${close}`;
}

/** `to_json(indent=None, sort_keys=False)` */
export function toJson(value: unknown, ...raw: unknown[]): string {
  const a = bind(raw, ['indent', 'sort_keys']);
  return pyJsonDumps(toPlain(value), { indent: numberOr(a.indent, undefined), sortKeys: Boolean(a.sort_keys) });
}

/** `to_nice_json(indent=4, sort_keys=True)` */
export function toNiceJson(value: unknown, ...raw: unknown[]): string {
  const a = bind(raw, ['indent', 'sort_keys']);
  return pyJsonDumps(toPlain(value), { indent: numberOr(a.indent, 4), sortKeys: a.sort_keys !== false });
}

/** `from_json`: parses JSON text. */
export function fromJson(value: unknown): unknown {
  try {
    return JSON.parse(String(value));
  } catch (e) {
    throw new FilterError(`from_json: ${(e as Error).message}`);
  }
}

/** `to_yaml`: keys sorted, innermost collections in flow style (PyYAML's default_flow_style=None). */
export function toYaml(value: unknown, ...raw: unknown[]): string {
  const a = bind(raw, ['indent']);
  return dumpYaml(toPlain(value), numberOr(a.indent, 2), true);
}

/** `to_nice_yaml(indent=4)`: keys sorted, block style throughout. */
export function toNiceYaml(value: unknown, ...raw: unknown[]): string {
  const a = bind(raw, ['indent']);
  return dumpYaml(toPlain(value), numberOr(a.indent, 4), false);
}

/** `from_yaml`: parses YAML text. */
export function fromYaml(value: unknown): unknown {
  try {
    return YAML.parse(String(value));
  } catch (e) {
    throw new FilterError(`from_yaml: ${(e as Error).message}`);
  }
}

function dumpYaml(v: unknown, indent: number, flowLeaves: boolean): string {
  const doc = new YAML.Document(v, { sortMapEntries: true });
  if (flowLeaves) {
    YAML.visit(doc, {
      Collection(_, node) {
        const leaf = node.items.every((it) => {
          const val = YAML.isPair(it) ? it.value : it;
          return !YAML.isCollection(val);
        });
        if (leaf) node.flow = true;
      },
    });
  }
  return doc.toString({ indent, indentSeq: false, lineWidth: 0, flowCollectionPadding: false });
}

function numberOr<T>(v: unknown, fallback: T): number | T {
  return typeof v === 'number' ? v : fallback;
}
