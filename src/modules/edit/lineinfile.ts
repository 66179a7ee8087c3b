/**
 * lineinfile's text edit, as ansible-core 2.14's module does it, line for
 * line (its `present` and `absent`), on the controller. Pure: the file's
 * content in, the new content and the result out.
 */
import { optString, toBool } from '../args.js';
import { pyCompile, pyTemplate } from '../../template/pyre.js';
import { exclusive, fail, readLines, rstripEol, type Before, type EditResult } from './types.js';

export interface LineinfileArgs {
  path: string;
  state: 'present' | 'absent';
  line?: string;
  regexp?: string;
  search_string?: string;
  insertafter?: string;
  insertbefore?: string;
  create: boolean;
  backrefs: boolean;
  firstmatch: boolean;
  backup: boolean;
}

/** Rendered task args (aliases included) → typed args. */
export function lineinfileArgs(a: Record<string, unknown>): LineinfileArgs {
  return {
    path: optString(a.path ?? a.dest ?? a.destfile ?? a.name) ?? '',
    state: optString(a.state) === 'absent' ? 'absent' : 'present',
    line: optString(a.line ?? a.value),
    regexp: optString(a.regexp ?? a.regex),
    search_string: optString(a.search_string),
    insertafter: optString(a.insertafter),
    insertbefore: optString(a.insertbefore),
    create: toBool(a.create),
    backrefs: toBool(a.backrefs),
    firstmatch: toBool(a.firstmatch),
    backup: toBool(a.backup),
  };
}

export const LINEINFILE_EXCLUSIVE = [['insertbefore', 'insertafter'], ['regexp', 'search_string'], ['backrefs', 'search_string']];

export function lineinfile(before: Before, raw: Record<string, unknown>): EditResult {
  const clash = exclusive(raw, LINEINFILE_EXCLUSIVE);
  if (clash) return fail(before, clash);
  const a = lineinfileArgs(raw);
  const warnings = emptyPatternWarning(a);
  let r: EditResult;
  try {
    r = a.state === 'present' ? present(before, a) : absent(before, a);
  } catch (e) {
    return fail(before, (e as Error).message);
  }
  return warnings.length ? { ...r, warnings } : r;
}

function emptyPatternWarning(a: LineinfileArgs): string[] {
  if (a.regexp !== '' && a.search_string !== '') return [];
  const name = a.regexp === '' ? 'regular expression' : 'search string';
  let msg = `The ${name} is an empty string, which will match every line in the file. ` +
    'This may have unintended consequences, such as replacing the last line in the file rather than appending.';
  if (a.regexp === '') msg += " If this is desired, use '^' to match every line in the file and avoid this warning.";
  return [msg];
}

function present(before: Before, a: LineinfileArgs): EditResult {
  if (a.backrefs && a.regexp === undefined) return fail(before, 'regexp is required with backrefs=true');
  if (a.line === undefined) return fail(before, 'line is required with state=present');
  const where = { ...a, insertafter: a.insertafter ?? (a.insertbefore === undefined ? 'EOF' : undefined) };
  if (before === null && !a.create) return fail(before, `Destination ${a.path} does not exist !`, 257);
  const lines = before === null ? [] : readLines(before);
  const msg = place(lines, a.line, where, locate(lines, a.line, where));
  const changed = msg !== '';
  return {
    content: before === null && !changed ? null : lines.join(''),
    changed,
    msg,
    backup: changed && a.backup && before !== null,
    skipAttrs: false,
  };
}

/** Where ansible-core's scan found things. */
interface Found {
  /** The line the regexp, search string or exact line is on (-1: none). */
  at: number;
  /** Where to insert, from insertafter/insertbefore (-1: no match). */
  insertAt: number;
  match: RegExpExecArray | boolean | null;
}

/**
 * The regexp (or search string) first; only when it matches nothing, the
 * exact line and the insertafter/insertbefore pattern, in one pass.
 */
function locate(lines: string[], line: string, a: LineinfileArgs): Found {
  const { insertafter, insertbefore } = a;
  const bre = a.regexp === undefined ? undefined : pyCompile(a.regexp).re;
  let ins: RegExp | undefined;
  if (insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF') ins = pyCompile(insertafter).re;
  else if (insertbefore !== undefined && insertbefore !== 'BOF') ins = pyCompile(insertbefore).re;
  const found: Found = { at: -1, insertAt: -1, match: null };
  if (bre) {
    for (let i = 0; i < lines.length; i++) {
      const m = bre.exec(lines[i]);
      if (m) { found.at = i; found.match = m; if (a.firstmatch) break; }
    }
  }
  if (a.search_string !== undefined) {
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].includes(a.search_string)) { found.at = i; found.match = true; if (a.firstmatch) break; }
    }
  }
  if (found.match) return found;
  for (let i = 0; i < lines.length; i++) {
    if (line === rstripEol(lines[i])) {
      found.at = i;
    } else if (ins && ins.test(lines[i])) {
      if (insertafter !== undefined) { found.insertAt = i + 1; if (a.firstmatch) break; }
      if (insertbefore !== undefined) { found.insertAt = i; if (a.firstmatch) break; }
    }
  }
  return found;
}

/** Replaces or inserts the line in `lines` as ansible-core decides; the message ('' when nothing changes). */
function place(lines: string[], line: string, a: LineinfileArgs, f: Found): string {
  const { insertafter, insertbefore } = a;
  const endsLine = (s: string | undefined) => s !== undefined && (s.endsWith('\n') || s.endsWith('\r'));
  if (f.at !== -1) {
    // (ansible-core's branch for "no regexp, no exact line" here can never run: `at` is set only by one of them.)
    let newLine = a.backrefs && f.match && typeof f.match !== 'boolean' ? pyTemplate(line)(f.match) : line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (lines[f.at] === newLine) return '';
    lines[f.at] = newLine;
    return 'line replaced';
  }
  if (a.backrefs) return ''; // the line cannot be built without the regexp's groups
  if (insertbefore === 'BOF' || insertafter === 'BOF') {
    lines.unshift(line + '\n');
  } else if (insertafter === 'EOF' || f.insertAt === -1) {
    if (lines.length && !endsLine(lines[lines.length - 1])) lines.push('\n');
    lines.push(line + '\n');
  } else if (insertafter !== undefined) {
    // Not when the line already follows; nor is an unterminated line before it ended (as in ansible-core).
    const next = lines.length === f.insertAt ? lines[f.insertAt - 1] : lines[f.insertAt];
    if (rstripEol(next) === line) return '';
    lines.splice(f.insertAt, 0, line + '\n');
  } else {
    lines.splice(f.insertAt, 0, line + '\n');
  }
  return 'line added';
}

function absent(before: Before, a: LineinfileArgs): EditResult {
  if (a.regexp === undefined && a.search_string === undefined && a.line === undefined) {
    return fail(before, 'one of line, search_string, or regexp is required with state=absent');
  }
  if (before === null) return { content: null, changed: false, msg: 'file not present', backup: false, skipAttrs: true };
  const bre = a.regexp === undefined ? undefined : pyCompile(a.regexp).re;
  const matches = (l: string) => bre ? bre.test(l)
    : a.search_string !== undefined ? l.includes(a.search_string)
      : a.line === rstripEol(l);
  const lines = readLines(before);
  const kept = lines.filter((l) => !matches(l));
  const found = lines.length - kept.length;
  const changed = found > 0;
  return {
    content: kept.join(''),
    changed,
    msg: changed ? `${found} line(s) removed` : '',
    backup: changed && a.backup,
    found,
    skipAttrs: false,
  };
}
