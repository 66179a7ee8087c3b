/**
 * Checks for the fast path that need no parser state: texts to leave to the
 * fallback before parsing, and a mapping's pairs against js-yaml's value.
 */
import type { YNode, YPair, YScalar } from './nodes.js';
import { DECLINE } from './schema.js';

/** Character codes the scanners compare against. */
export const SP = 32;
export const TAB = 9;
export const LF = 10;
export const CR = 13;

/**
 * Declines texts with what js-yaml reads differently or lets pass where
 * `yaml` reports an error: directives, lone CR line breaks, a stray
 * byte-order mark, a blank last line without a break (js-yaml adds one),
 * `#` right after `[`, `{` or `,`, tabs in indentation, and lines over 1024
 * characters (`yaml` limits implicit keys to that).
 */
export function precheck(text: string): void {
  if (text.charCodeAt(0) === 37 || text.includes('\n%') || /\r(?!\n)/.test(text) || text.includes('\ufeff', 1)) throw DECLINE;
  if (/\n[ \t]+$/.test(text)) throw DECLINE;
  // A comment must follow a blank; in flow context js-yaml does not insist.
  for (let i = text.indexOf('#'); i !== -1; i = text.indexOf('#', i + 1)) {
    const c = text.charCodeAt(i - 1);
    if (c === 44 || c === 91 || c === 123) throw DECLINE; // , [ {
  }
  for (let i = text.indexOf('\t'); i !== -1; i = text.indexOf('\t', i + 1)) {
    let p = i - 1;
    while (p >= 0 && (text.charCodeAt(p) === SP || text.charCodeAt(p) === TAB)) p--;
    if (p < 0 || text.charCodeAt(p) === LF) throw DECLINE;
  }
  let start = 0;
  for (let nl = text.indexOf('\n'); ; nl = text.indexOf('\n', start)) {
    const end = nl === -1 ? text.length : nl;
    if (end - start > 1024) throw DECLINE;
    if (nl === -1) break;
    start = nl + 1;
  }
}

/**
 * Declines unless the pairs account for js-yaml's object exactly: every own
 * key's last value, and merged keys only where no own key sets them.
 */
export function checkMap(pairs: YPair[], js: unknown): void {
  if (js === null || typeof js !== 'object' || Array.isArray(js)) throw DECLINE;
  const obj = js as Record<string, unknown>;
  if (!pairs.some((p) => (p.key as YScalar).merge) && Object.keys(obj).length === pairs.length) {
    // The usual mapping: no merges, and as many keys as pairs, so no duplicates.
    for (const { key, value } of pairs) {
      const k = String((key as YScalar).value);
      if (!Object.prototype.hasOwnProperty.call(obj, k) || !Object.is(obj[k], value?.js ?? null)) throw DECLINE;
    }
    return;
  }
  const own = new Map<string, YNode | null>();
  let merged: Set<string> | null = null;
  for (const { key, value } of pairs) {
    if ((key as YScalar).merge) {
      merged ??= new Set();
      for (const k of mergedKeys(value)) merged.add(k);
    } else {
      own.set(String((key as YScalar).value), value);
    }
  }
  let count = own.size;
  for (const [k, v] of own) {
    if (!Object.prototype.hasOwnProperty.call(obj, k) || !Object.is(obj[k], v?.js ?? null)) throw DECLINE;
  }
  if (merged) for (const k of merged) if (!own.has(k)) count++;
  if (Object.keys(obj).length !== count) throw DECLINE;
}

function mergedKeys(value: YNode | null): string[] {
  const v = value?.kind === 'alias' ? value.target : value;
  const sources = v?.kind === 'seq' ? v.items : [v];
  const keys: string[] = [];
  for (const s of sources) {
    const m = s?.kind === 'alias' ? s.target : s;
    if (!m || m.kind !== 'map' || m.js === null || typeof m.js !== 'object') throw DECLINE;
    keys.push(...Object.keys(m.js));
  }
  return keys;
}
