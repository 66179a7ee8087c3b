/**
 * Putting values into the `sh` command lines the file modules send. Every
 * value goes through `q`, which single-quotes it whole: inside single quotes
 * `;`, `$(…)`, backquotes, `*` and newlines are plain characters, so a value
 * can never run a second command. Paths go through `shPath`, which also
 * keeps a leading `-` from ever reading as an option (`./-x`), and the
 * scripts put `--` before paths wherever the tool takes options.
 */
import { quoteAlways } from '../transport/command.js';

/** The one quoting function: `it's` → `'it'\''s'`, always quoted. */
export function q(value: string | number): string {
  return quoteAlways(String(value));
}

/**
 * A target path as one shell word: `~` and `~/x` become the remote user's
 * home (`"$HOME"/'x'`), as ansible-core expands them on the target; a
 * relative path starting with `-` gets `./` in front.
 */
export function shPath(p: string): string {
  if (p === '~') return '"$HOME"';
  if (p.startsWith('~/')) return `"$HOME"/${q(p.slice(2))}`;
  return q(p.startsWith('-') ? `./${p}` : p);
}

/** `a/b/c` → `a/b`, `c` → `.`, `/c` → `/` (what `dirname` prints), for naming temp files on the controller side. */
export function parentOf(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : trimmed.slice(0, i);
}

/** The last path component (`basename`). */
export function baseName(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
