/**
 * lineinfile's text edit, as ansible-core 2.14's module does it, line for
 * line (its `present` and `absent`), on the controller. Pure: the file's
 * content in, the new content and the result out.
 */
import { optString, toBool } from '../args.js';
import { pyCompile, pyTemplate } from './pyre.js';
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
  let { insertafter, insertbefore } = a;
  if (insertafter === undefined && insertbefore === undefined) insertafter = 'EOF';
  if (before === null && !a.create) return fail(before, `Destination ${a.path} does not exist !`, 257);
  const lines = before === null ? [] : readLines(before);
  const line = a.line;

  const bre = a.regexp === undefined ? undefined : pyCompile(a.regexp).re;
  let ins: RegExp | undefined;
  if (insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF') ins = pyCompile(insertafter).re;
  else if (insertbefore !== undefined && insertbefore !== 'BOF') ins = pyCompile(insertbefore).re;

  // index[0]: the line the regexp, search string or exact line is on; index[1]: where to insert.
  const index = [-1, -1];
  let match: RegExpExecArray | boolean | null = null;
  let exact = false;
  if (bre) {
    for (let i = 0; i < lines.length; i++) {
      const m = bre.exec(lines[i]);
      if (m) { index[0] = i; match = m; if (a.firstmatch) break; }
    }
  }
  if (a.search_string !== undefined) {
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].includes(a.search_string)) { index[0] = i; match = true; if (a.firstmatch) break; }
    }
  }
  if (!match) {
    for (let i = 0; i < lines.length; i++) {
      if (line === rstripEol(lines[i])) {
        index[0] = i;
        exact = true;
      } else if (ins && ins.test(lines[i])) {
        if (insertafter !== undefined) { index[1] = i + 1; if (a.firstmatch) break; }
        if (insertbefore !== undefined) { index[1] = i; if (a.firstmatch) break; }
      }
    }
  }

  let changed = false;
  let msg = '';
  const added = () => { msg = 'line added'; changed = true; };
  const endsLine = (s: string | undefined) => s !== undefined && (s.endsWith('\n') || s.endsWith('\r'));
  if (index[0] !== -1) {
    // (ansible-core's branch for "no regexp, no exact line" here can never run: index[0] is set only by one of them.)
    let newLine = a.backrefs && match && typeof match !== 'boolean' ? pyTemplate(line)(match) : line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (lines[index[0]] !== newLine) {
      lines[index[0]] = newLine;
      msg = 'line replaced';
      changed = true;
    }
  } else if (a.backrefs) {
    // Nothing: the line cannot be built without the regexp's groups.
  } else if (insertbefore === 'BOF' || insertafter === 'BOF') {
    lines.unshift(line + '\n');
    added();
  } else if (insertafter === 'EOF' || index[1] === -1) {
    if (lines.length && !endsLine(lines[lines.length - 1])) lines.push('\n');
    lines.push(line + '\n');
    added();
  } else if (insertafter !== undefined && index[1] !== -1) {
    if (lines.length === index[1]) {
      if (rstripEol(lines[index[1] - 1]) !== line) { lines.push(line + '\n'); added(); }
    } else if (line !== rstripEol(lines[index[1]])) {
      lines.splice(index[1], 0, line + '\n');
      added();
    }
  } else {
    lines.splice(index[1], 0, line + '\n');
    added();
  }
  return {
    content: before === null && !changed ? null : lines.join(''),
    changed,
    msg,
    backup: changed && a.backup && before !== null,
    skipAttrs: false,
  };
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
