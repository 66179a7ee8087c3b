/**
 * blockinfile's text edit, as ansible-core 2.14's module does it. Pure: the
 * file's content in, the new content and the result out.
 */
import { optString, toBool } from '../args.js';
import { pyCompile, pyTemplate, type PyRegExp } from '../../template/pyre.js';
import { exclusive, fail, splitLinesKeep, type Before, type EditResult } from './types.js';

export interface BlockinfileArgs {
  path: string;
  state: 'present' | 'absent';
  block: string;
  marker: string;
  marker_begin: string;
  marker_end: string;
  insertafter?: string;
  insertbefore?: string;
  create: boolean;
  backup: boolean;
}

export function blockinfileArgs(a: Record<string, unknown>): BlockinfileArgs {
  return {
    path: optString(a.path ?? a.dest ?? a.destfile ?? a.name) ?? '',
    state: optString(a.state) === 'absent' ? 'absent' : 'present',
    block: optString(a.block ?? a.content) ?? '',
    marker: optString(a.marker) ?? '# {mark} ANSIBLE MANAGED BLOCK',
    marker_begin: optString(a.marker_begin) ?? 'BEGIN',
    marker_end: optString(a.marker_end) ?? 'END',
    insertafter: optString(a.insertafter),
    insertbefore: optString(a.insertbefore),
    create: toBool(a.create),
    backup: toBool(a.backup),
  };
}

export const BLOCKINFILE_EXCLUSIVE = [['insertbefore', 'insertafter']];

export function blockinfile(before: Before, raw: Record<string, unknown>): EditResult {
  const clash = exclusive(raw, BLOCKINFILE_EXCLUSIVE);
  if (clash) return fail(before, clash);
  try {
    return edit(before, blockinfileArgs(raw));
  } catch (e) {
    return fail(before, (e as Error).message);
  }
}

/** `re.sub(r'{mark}', begin, marker)`: the replacement is a Python template too. */
function markerLine(marker: string, mark: string): string {
  const expand = pyTemplate(mark);
  return marker.replaceAll('{mark}', () => expand(Object.assign([''], { index: 0, input: '' }) as RegExpExecArray)) + '\n';
}

function edit(original: Before, a: BlockinfileArgs): EditResult {
  if (original === null && !a.create) return fail(original, `Path ${a.path} does not exist !`, 257);
  const lines = original === null ? [] : splitLinesKeep(original);
  const present = a.state === 'present';
  if (!present && original === null) {
    return { content: null, changed: false, msg: `File ${a.path} not present`, backup: false, skipAttrs: true };
  }
  let { insertafter, insertbefore } = a;
  if (insertafter === undefined && insertbefore === undefined) insertafter = 'EOF';
  let insertre: PyRegExp | undefined;
  // Only EOF is special after; 'BOF' there is a pattern, as in ansible-core.
  if (insertafter !== undefined && insertafter !== 'EOF') insertre = pyCompile(insertafter);
  else if (insertbefore !== undefined && insertbefore !== 'BOF') insertre = pyCompile(insertbefore);

  const marker0 = markerLine(a.marker, a.marker_begin);
  const marker1 = markerLine(a.marker, a.marker_end);
  let blocklines: string[] = [];
  if (present && a.block) {
    const block = a.block.endsWith('\n') ? a.block : a.block + '\n';
    blocklines = [marker0, ...splitLinesKeep(block), marker1];
  }

  const at = removeOldBlock(lines, marker0, marker1) ?? insertionPoint(lines, original, insertre, insertafter, insertbefore);
  if (at > 0 && !lines[at - 1].endsWith('\n')) lines[at - 1] += '\n';
  lines.splice(at, 0, ...blocklines);
  const result = lines.join('');

  let changed = true;
  let msg: string;
  if (original === result) { msg = ''; changed = false; }
  else if (original === null) msg = 'File created';
  else if (blocklines.length === 0) msg = 'Block removed';
  else msg = 'Block inserted';
  return { content: result, changed, msg, backup: changed && a.backup && original !== null, skipAttrs: false };
}

/** Removes the block between the last markers, if both are there; where it was. */
function removeOldBlock(lines: string[], marker0: string, marker1: string): number | undefined {
  let n0: number | undefined;
  let n1: number | undefined;
  lines.forEach((l, i) => {
    if (l === marker0) n0 = i;
    if (l === marker1) n1 = i;
  });
  if (n0 === undefined || n1 === undefined) return undefined;
  const [from, to] = n0 < n1 ? [n0, n1] : [n1, n0];
  lines.splice(from, to - from + 1);
  return from;
}

/** Where a new block goes: after (before) the last line the pattern matches; EOF when none does. */
function insertionPoint(
  lines: string[], original: Before, insertre: PyRegExp | undefined, insertafter?: string, insertbefore?: string,
): number {
  if (!insertre) return insertbefore !== undefined ? 0 : lines.length;
  let n0: number | undefined;
  if (insertre.multiline) {
    // A (?m) pattern is searched in the whole file; the line is counted from the newlines before the match.
    const text = original ?? '';
    const m = insertre.re.exec(text);
    if (m) n0 = countNewlines(text, insertafter !== undefined ? m.index + m[0].length : m.index);
  } else {
    lines.forEach((l, i) => { if (insertre.re.test(l)) n0 = i; });
  }
  if (n0 === undefined) return lines.length;
  return insertafter !== undefined ? n0 + 1 : n0;
}

function countNewlines(s: string, end: number): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1 && i < end; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
