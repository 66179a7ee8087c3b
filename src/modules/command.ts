import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { quoteAlways, splitShellWords } from '../transport/command.js';
import { runCommand } from './run-command.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** The options command and shell share (ansible-core 2.14's command module; `cmd` is the free form's name). */
export const COMMAND_OPTIONS = {
  _raw_params: { type: 'str', aliases: ['cmd'] },
  chdir: { type: 'path' },
  creates: { type: 'path' },
  removes: { type: 'path' },
  stdin: { type: 'str' },
  stdin_add_newline: { type: 'bool', default: true },
  strip_empty_ends: { type: 'bool', default: true },
} as const satisfies ArgSpec['options'];

/** `command`'s options (`ansible-doc -j command`); `expand_argument_vars` is ansible-core 2.16's. */
const SPEC: ArgSpec = {
  options: {
    ...COMMAND_OPTIONS,
    argv: { type: 'list', elements: 'str' },
    executable: { type: 'str' },
    expand_argument_vars: { type: 'bool', default: true },
  },
};

function checkCommand(args: Vars, pos?: Pos): void {
  const given = ['_raw_params', 'cmd', 'argv'].filter((k) => args[k] !== undefined && args[k] !== null);
  if (given.length === 0) throw new UserError(`module 'command' needs a command: free form, 'cmd' or 'argv'`, pos);
  if (given.includes('argv') && given.length > 1) {
    throw new UserError(`module 'command': give either 'argv' or a command string, not both`, pos);
  }
}

/**
 * `command`: runs a program without a shell. The words are split with shell
 * quoting rules and each is quoted again, so `|`, `>`, `*` and `;` reach the
 * program as plain text. As in ansible-core, `$NAME`, `${NAME}` and a leading
 * `~` are expanded from the target's environment (unset names stay as
 * written) unless `expand_argument_vars: false`. Check mode runs only the
 * `creates`/`removes` checks, as ansible-core's partial support does.
 */
export const commandModule: Module = {
  name: 'command',
  supportsCheck: true,
  freeForm: true,
  validate(args: Vars, pos: Pos) {
    checkCommand(args, pos);
    checkSpec('command', SPEC, args, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    checkCommand(ctx.args);
    const a = readArgs('command', SPEC, ctx.args);
    let words: string[];
    if (Array.isArray(a.argv)) {
      words = a.argv.map((w) => String(w));
    } else {
      const text = (a._raw_params as string | undefined) ?? '';
      try {
        words = splitShellWords(text);
      } catch (err) {
        return { failed: true, changed: false, rc: 256, msg: `cannot split the command '${text}': ${(err as Error).message}` };
      }
    }
    if (words.length === 0) return { failed: true, changed: false, rc: 256, msg: 'no command given' };
    const expand = a.expand_argument_vars as boolean;
    const executable = a.executable as string | undefined;
    const warnings = executable
      ? { warnings: [`As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '${executable}'.`] }
      : undefined;
    // `exec` makes every word an argument, so `A=1` or `if` as the first word is a program name.
    const line = `exec ${words.map((w) => argWord(w, expand)).join(' ')}`;
    return runCommand(ctx, { line, cmd: words, ...commonRun(a), ...(warnings ? { extra: warnings } : {}) });
  },
};

/** chdir, creates, removes, stdin and strip as runCommand takes them, from read args. */
export function commonRun(a: Vars): { chdir?: string; creates?: string; removes?: string; stdin?: string; strip: boolean } {
  return {
    chdir: a.chdir as string | undefined,
    creates: a.creates as string | undefined,
    removes: a.removes as string | undefined,
    stdin: stdinOf(a),
    strip: a.strip_empty_ends !== false,
  };
}

/** The `stdin` arg with the newline ansible adds unless `stdin_add_newline: false`. */
export function stdinOf(a: Vars): string | undefined {
  const s = a.stdin;
  if (typeof s !== 'string') return undefined;
  // ansible-core adds the newline only to non-empty input (`if data:`).
  return a.stdin_add_newline !== false && s !== '' ? `${s}\n` : s;
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
