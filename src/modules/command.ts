import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { quoteAlways, splitShellWords } from '../transport/command.js';
import { checkArgs, optString, toBool } from './args.js';
import { runCommand } from './run-command.js';
import type { Module, ModuleContext } from './types.js';

const SPEC = {
  _raw_params: 'str', cmd: 'str', argv: 'list', chdir: 'str', creates: 'str', removes: 'str',
  stdin: 'str', stdin_add_newline: 'bool', strip_empty_ends: 'bool', expand_argument_vars: 'bool',
} as const;

/**
 * `command`: runs a program without a shell. The words are split with shell
 * quoting rules and each is quoted again, so `|`, `>`, `*` and `;` reach the
 * program as plain text. As in ansible-core, `$NAME`, `${NAME}` and a leading
 * `~` are expanded from the target's environment (unset names stay as
 * written) unless `expand_argument_vars: false`.
 */
export const commandModule: Module = {
  name: 'command',
  supportsCheck: false,
  freeForm: true,
  validate(args: Vars, pos: Pos) {
    checkArgs('command', args, pos, SPEC);
    const given = ['_raw_params', 'cmd', 'argv'].filter((k) => args[k] !== undefined && args[k] !== null);
    if (given.length === 0) throw new UserError(`module 'command' needs a command: free form, 'cmd' or 'argv'`, pos);
    if (given.includes('argv') && given.length > 1) {
      throw new UserError(`module 'command': give either 'argv' or a command string, not both`, pos);
    }
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = ctx.args;
    let words: string[];
    if (Array.isArray(a.argv)) {
      words = a.argv.map((w) => String(w));
    } else {
      const text = optString(a._raw_params ?? a.cmd ?? a.argv) ?? '';
      try {
        words = splitShellWords(text);
      } catch (err) {
        return { failed: true, changed: false, msg: `cannot split the command '${text}': ${(err as Error).message}` };
      }
    }
    if (words.length === 0) return { failed: true, changed: false, rc: 256, msg: 'no command given' };
    const expand = toBool(a.expand_argument_vars, true);
    // `exec` makes every word an argument, so `A=1` or `if` as the first word is a program name.
    const line = `exec ${words.map((w) => argWord(w, expand)).join(' ')}`;
    return runCommand(ctx, {
      line,
      cmd: words,
      chdir: optString(a.chdir),
      creates: optString(a.creates),
      removes: optString(a.removes),
      stdin: stdinOf(a),
      strip: toBool(a.strip_empty_ends, true),
    });
  },
};

/** The `stdin` arg with the newline ansible adds unless `stdin_add_newline: false`. */
export function stdinOf(a: Vars): string | undefined {
  const s = optString(a.stdin);
  if (s === undefined) return undefined;
  return toBool(a.stdin_add_newline, true) ? `${s}\n` : s;
}

const VAR_REF = /\$(?:([A-Za-z0-9_]+)|\{([^}]*)\})/g;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * One argv word for the shell: literal parts single-quoted, variable
 * references as `"${NAME-\$NAME}"` (the target's value, or the text as
 * written when unset, as Python's expandvars does).
 */
export function argWord(word: string, expand: boolean): string {
  if (!expand) return quoteAlways(word);
  let out = '';
  let rest = word;
  const tilde = /^~[A-Za-z0-9_.-]*(\/|$)/.exec(word); // the slash must be unquoted for ~ to expand
  if (tilde) {
    out += tilde[0];
    rest = word.slice(tilde[0].length);
  }
  let last = 0;
  for (const m of rest.matchAll(VAR_REF)) {
    const name = m[1] ?? m[2];
    if (!IDENT.test(name)) continue;
    if (m.index > last) out += quoteAlways(rest.slice(last, m.index));
    const asWritten = m[1] !== undefined ? `\\$${name}` : '\\${' + name + '\\}';
    out += `"\${${name}-${asWritten}}"`;
    last = m.index + m[0].length;
  }
  if (last < rest.length || out === '') out += quoteAlways(rest.slice(last));
  return out;
}
