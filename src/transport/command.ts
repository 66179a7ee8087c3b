import { randomBytes } from 'node:crypto';
import { UserError } from '../model/index.js';
import type { Escalation } from './types.js';

/**
 * Building `/bin/sh -c` command lines safely. Every templated value that goes
 * into a command line passes through `shellQuote` (DESIGN §7).
 */

/** Words made only of these characters need no quoting (the set Python's shlex.quote uses). */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX single-quote style: `it's` → `'it'\''s'`; plain words stay bare. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (SAFE_WORD.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quotes a word that must never be taken as an assignment or keyword (argv[0]). */
export function quoteAlways(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface WrapOptions {
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  /** sudo's flags, replacing the default `-H -S -n` (ansible-core's `become_flags`). */
  becomeFlags?: string;
  /** The sudo program (`become_exe`), default `sudo`. */
  becomeExe?: string;
  /** Given: sent to sudo only after sudo's own prompt (see Escalation). */
  becomePassword?: string;
  chdir?: string;
  /** Sent on stdin ahead of the command's own input, never in the argument list (`ps` shows that to everyone). */
  env?: Record<string, string>;
  /** The command's own stdin. */
  stdin?: string;
}

/** A wrapped command: the line, what goes on its stdin, and the become handshake when a password is given. */
export interface Wrapped {
  command: string;
  stdin?: string;
  escalation?: Escalation;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads `NAME=value` lines from stdin up to an empty line and exports them.
 * Values come with backslashes doubled and newlines as `\\n`; `printf %b`
 * undoes exactly that. `read` takes one byte at a time from a pipe, so the
 * command's own input after the empty line is left untouched.
 */
const ENV_READER =
  'while IFS= read -r __pw_e && [ -n "$__pw_e" ]; do ' +
  '__pw_v=$(printf \'%bx\' "${__pw_e#*=}"); export "${__pw_e%%=*}=${__pw_v%x}"; ' +
  'done; unset __pw_e __pw_v';

/** The stdin preamble ENV_READER reads. */
export function envPreamble(env: Record<string, string>): string {
  const lines = Object.entries(env).map(([k, v]) => `${k}=${v.replace(/\0/g, '').replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`);
  return `${lines.join('')}\n`;
}

/**
 * Applies env, `cd <chdir>` and become to a command line:
 *
 *     <env reader>
 *     cd '/srv' && {
 *     <cmd>
 *     }
 *
 * and with become the whole of that runs under
 * `sudo -H -S -u <user> -- /bin/sh -c '<that>'`, so the env and the
 * directory apply to the target user. Env values travel on stdin ahead of the
 * command's own input. The brace group keeps `cd x && a || b` from running
 * `b` when `cd` fails; the newlines let `cmd` end in `&` or a comment.
 */
/**
 * A directory as `cd`'s operand: a relative one gets `./`, so `-P`, `-L`
 * or `-` stays a directory name (not an option or $OLDPWD) and CDPATH is
 * never searched, as with ansible-core's `os.chdir`.
 */
function cdOperand(dir: string): string {
  return dir.startsWith('/') ? dir : `./${dir}`;
}

export function wrapCommand(cmd: string, opts: WrapOptions): Wrapped {
  const env = Object.entries(opts.env ?? {});
  for (const [k] of env) {
    if (!ENV_NAME.test(k)) throw new UserError(`invalid environment variable name '${k}'`);
  }
  let command = opts.chdir !== undefined && opts.chdir !== '' ? `cd ${shellQuote(cdOperand(opts.chdir))} && {\n${cmd}\n}` : cmd;
  let stdin = opts.stdin;
  if (env.length > 0) {
    command = `${ENV_READER}\n${command}`;
    stdin = envPreamble(Object.fromEntries(env)) + (opts.stdin ?? '');
  }
  if (!opts.become) return stdin === undefined ? { command } : { command, stdin };
  const method = opts.becomeMethod ?? 'sudo';
  if (method !== 'sudo') {
    throw new UserError(`become_method '${method}' is not supported (playwatch supports sudo)`);
  }
  const user = shellQuote(opts.becomeUser || 'root');
  const exe = opts.becomeExe ? shellQuote(opts.becomeExe) : 'sudo';
  if (opts.becomePassword === undefined) {
    const flags = opts.becomeFlags === undefined ? '-n -H -S' : sudoFlags(opts.becomeFlags, false);
    command = `${exe} ${flags} -u ${user} -- /bin/sh -c ${quoteAlways(command)}`;
    return stdin === undefined ? { command } : { command, stdin };
  }
  const key = randomBytes(12).toString('hex');
  const escalation: Escalation = {
    prompt: `[sudo via playwatch, key=${key}] password:`,
    ready: `PLAYWATCH-BECOME-SUCCESS-${key}`,
    password: opts.becomePassword,
  };
  const flags = opts.becomeFlags === undefined ? '-H -S' : sudoFlags(opts.becomeFlags, true);
  command = `${exe} ${flags} -p ${quoteAlways(escalation.prompt)} -u ${user} -- /bin/sh -c ${quoteAlways(`echo ${escalation.ready} >&2\n${command}`)}`;
  // The command's stdin is fed only once it runs (see Escalation): a pipe even when there is nothing to send.
  return { command, stdin: stdin ?? '', escalation };
}

/**
 * The user's sudo flags, each word quoted. With a password sudo must read
 * stdin (`-S`) and may prompt (so no `-n`), as ansible-core drops `-n` then.
 */
function sudoFlags(flags: string, password: boolean): string {
  let words = splitShellWords(flags);
  if (password) {
    words = words.filter((w) => w !== '-n' && w !== '--non-interactive');
    if (!words.includes('-S') && !words.includes('--stdin')) words.push('-S');
  }
  return words.map(shellQuote).join(' ');
}

/**
 * Splits a command string into words as a POSIX shell would, without any
 * expansion (Python's `shlex.split` rules): quotes, backslashes, whitespace.
 * Throws a plain Error for an unterminated quote or a trailing backslash.
 */
export function splitShellWords(s: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new Error('no closing quotation');
      word += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      const [text, next] = readDoubleQuoted(s, i + 1);
      word += text;
      inWord = true;
      i = next;
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new Error('no escaped character');
      if (s[i + 1] !== '\n') {
        word += s[i + 1];
        inWord = true;
      }
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Reads a double-quoted span starting after its `"`; returns the text and the index after the closing quote. */
function readDoubleQuoted(s: string, start: number): [string, number] {
  let text = '';
  let i = start;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') return [text, i + 1];
    if (c === '\\' && i + 1 < s.length && '$`"\\\n'.includes(s[i + 1])) {
      if (s[i + 1] !== '\n') text += s[i + 1];
      i += 2;
      continue;
    }
    text += c;
    i++;
  }
  throw new Error('no closing quotation');
}
