import { UserError } from '../model/index.js';
import { field, toStr } from './coerce.js';
import { toValue, type Entry, type Source } from './source.js';

/**
 * ansible-core's `isidentifier` (ansible/utils/vars.py): a Python 3
 * identifier in ASCII that is not a Python keyword. `register` names go
 * through it; soft keywords (`match`, `case`, `_`) and builtins (`print`)
 * pass, as in Python.
 */
const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PYTHON_KEYWORDS.has(name);
}

/** A `register:` name, checked as ansible-core checks it. */
export function registerName(src: Source, e: Entry): string {
  const f = field(src, e);
  // A string field in ansible-core: a YAML bool becomes Python's 'True'/'False' (keywords, so refused).
  const raw = toValue(src, e.value);
  const v = typeof raw === 'boolean' ? (raw ? 'True' : 'False') : toStr(f);
  // ansible-core runs the task on every host, then stops the whole run with this message (exit 1); refusing at load runs nothing.
  if (!isIdentifier(v)) throw new UserError(`Invalid variable name in 'register' specified: '${v}'`, f.pos);
  return v;
}
