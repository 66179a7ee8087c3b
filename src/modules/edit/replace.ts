/**
 * replace's text edit, as ansible-core 2.14's module does it: Python
 * `re.subn` with MULTILINE over the file, or over the section between the
 * `after` and `before` patterns (DOTALL). Pure.
 */
import { optString, toBool } from '../args.js';
import { pyCompile, pySubn } from '../../template/pyre.js';
import { fail, type Before, type EditResult } from './types.js';

export interface ReplaceArgs {
  path: string;
  regexp?: string;
  replace: string;
  after?: string;
  before?: string;
  backup: boolean;
}

export function replaceArgs(a: Record<string, unknown>): ReplaceArgs {
  return {
    path: optString(a.path ?? a.dest ?? a.destfile ?? a.name) ?? '',
    regexp: optString(a.regexp),
    replace: optString(a.replace) ?? '',
    after: optString(a.after),
    before: optString(a.before),
    backup: toBool(a.backup),
  };
}

export function replace(contents: Before, raw: Record<string, unknown>): EditResult {
  const a = replaceArgs(raw);
  if (contents === null) return fail(contents, `Path ${a.path} does not exist !`, 257);
  try {
    return edit(contents, a);
  } catch (e) {
    return fail(contents, (e as Error).message);
  }
}

function edit(contents: string, a: ReplaceArgs): EditResult {
  if (a.regexp === undefined) return fail(contents, 'missing required arguments: regexp');
  let pattern = '';
  if (a.after && a.before) pattern = `${a.after}(?P<subsection>.*?)${a.before}`;
  else if (a.after) pattern = `${a.after}(?P<subsection>.*)`;
  else if (a.before) pattern = `(?P<subsection>.*)${a.before}`;

  let section = contents;
  let start = 0;
  let end = contents.length;
  if (pattern) {
    const m = pyCompile(pattern, { dotall: true }, 'd').re.exec(contents);
    if (!m) {
      return {
        // ansible-core exits here, before the attributes step.
        content: contents, changed: false, rc: 0, backup: false, skipAttrs: true,
        msg: `Pattern for before/after params did not match the given file: ${pattern}`,
      };
    }
    section = m.groups!.subsection;
    [start, end] = m.indices!.groups!.subsection!;
  }
  const [replaced, n] = pySubn(pyCompile(a.regexp, { multiline: true }).re, a.replace, section);
  if (n > 0 && replaced !== section) {
    return {
      content: contents.slice(0, start) + replaced + contents.slice(end),
      changed: true, msg: `${n} replacements made`, rc: 0, backup: a.backup, skipAttrs: false,
    };
  }
  return { content: contents, changed: false, msg: '', rc: 0, backup: false, skipAttrs: false };
}
