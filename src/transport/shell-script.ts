import { quoteAlways } from './command.js';
import { SHELL_WRAPPER_SCRIPT } from './ssh-command.js';

/**
 * The text a shell session reads on its stdin (shell mode, DESIGN §12).
 *
 * The session is one exec channel running `exec /bin/sh`; that sh reads
 * scripts from the channel and runs each command the way exec mode does
 * (`setsid /bin/sh -c <wrapper> …`: own process group, pgid reported first
 * on stderr, stdin closed unless fed), as a new process, so nothing (`cd`,
 * variables, `umask`) leaks from one command to the next.
 *
 * The command writes straight to the session's stdout and stderr. When it
 * exits, its process group is usually empty and its output complete; when
 * processes of its group live on holding those streams (`sleep 9 &`), the
 * session waits for them as sshd would wait for the end of a channel's
 * output (one `nohup … >log 2>&1 &` that let go of them is not waited
 * for, as in exec mode). Only then the session prints its end records,
 * which carry a random nonce (sent on stdin, never in an argument list, so
 * no process on the target sees it in `ps`; the command runs in a fresh
 * process image without the session's variables). Output cannot end a
 * command early: it would have to contain the nonce.
 *
 * Records are `\x1ePW<nonce><type><payload>\n`:
 *   r   both streams, once: the session is ready (before any command)
 *   :N  stdout, after the command's output: its exit status N, or
 *   :N S  when a signal S (`TERM`) ended the command, as sshd's exit-signal
 *   .   stderr, after the command's output
 *   x   stderr, become with a password only: the command has exited (the
 *       controller then ends the stdin relay, which the session waits for)
 */

/** The record prefix for a session's nonce. */
export function recordPrefix(nonce: string): string {
  return `\x1ePW${nonce}`;
}

/** What the session's login runs: a shell that reads its scripts from the channel. */
export const SESSION_COMMAND = 'exec /bin/sh';

/**
 * Waits while a process of group $1 still holds the session's stdout or
 * stderr open. Runs only when the group outlived its command, so its cost
 * (a walk over /proc) is paid by commands that leave processes behind.
 * Without /proc it waits for the whole group.
 */
const LINGER =
  '__pw_linger() { __pw_o=$(readlink /proc/$$/fd/1 2>/dev/null); __pw_e=$(readlink /proc/$$/fd/2 2>/dev/null)\n' +
  '  while kill -0 -"$1" 2>/dev/null; do\n' +
  '    [ -n "$__pw_o" ] || { sleep 0.05; continue; }\n' +
  '    __pw_h=\n' +
  '    for __pw_s in /proc/[0-9]*/stat; do\n' +
  '      read -r __pw_l 2>/dev/null <"$__pw_s" || continue\n' +
  '      set -- "$1" ${__pw_l##*) }\n' +
  '      [ "$4" = "$1" ] || continue\n' +
  '      case $(ls -l "${__pw_s%/stat}/fd" 2>/dev/null) in *"$__pw_o"*|*"$__pw_e"*) __pw_h=1; break;; esac\n' +
  '    done\n' +
  '    [ -n "$__pw_h" ] || return 0\n' +
  '    sleep 0.05\n' +
  '  done; }';

/**
 * The first script: a private directory with the stdin relay's FIFO, the
 * channel saved on fd 5 (the relay reads there; commands get it closed),
 * the functions that run commands, and the ready records.
 */
export function initScript(nonce: string): string {
  const rec = `printf '%sr\\n' ${quoteAlways(recordPrefix(nonce))}`;
  return [
    '__pw_d=$(mktemp -d) && mkfifo "$__pw_d/i" || exit 1',
    `trap 'rm -rf "$__pw_d"' EXIT`,
    'exec 5<&0',
    // Frames `<bytes>\n<data>` until `0\n`: each frame is read whole before it is written on, so a command
    // that exits early never leaves half a frame on the channel for the session to take as a script.
    "__pw_relay() { trap '' PIPE; while IFS= read -r __pw_n <&5 && [ \"$__pw_n\" != 0 ]; do " +
      '__pw_v=$(head -c "$__pw_n" <&5; echo x); printf %s "${__pw_v%x}" 2>/dev/null; done; }',
    LINGER,
    `__pw_S=${quoteAlways(SHELL_WRAPPER_SCRIPT)}`,
    `__pw_P=${quoteAlways(recordPrefix(nonce))}`,
    RUN,
    `${rec}; ${rec} >&2`,
    '',
  ].join('\n');
}

/** How a command's stdin is given. */
export type StdinMode =
  | { kind: 'closed' }
  /** Known in advance: a literal in the script, piped in. */
  | { kind: 'literal'; data: string }
  /** Fed as it becomes due (become with a password): frames relayed from the channel. */
  | { kind: 'relay' };

/**
 * Runs one command and reports its end: `__pw_run <stdin> <command> [<data>]`,
 * defined once per session so that each command sends only its call (a
 * few dozen bytes besides the command, not ~550). `<stdin>` is `c` (closed),
 * `l` (the literal `<data>`, piped in) or `r` (the relay).
 *
 * The command runs in the foreground: a job started with `&` would get
 * SIGINT and SIGQUIT ignored (POSIX, without job control), which no
 * command of exec mode has. It gets the channel's stderr on fd 6 (the
 * wrapper moves it to fd 2), while the session's own stderr goes to a file
 * meanwhile: dash prints there the name of the signal ("Terminated") when
 * one killed the command, which is how a signal is told from an exit
 * status of 128+N; the end record names it as exec mode's exit-signal
 * would. dash names neither SIGINT nor SIGPIPE, and bash nothing: there
 * the status stays 128+N. The record prefix is a session variable, given
 * only to builtins (printf): no process's argument list shows it.
 */
const RUN = [
  '__pw_run() {',
  '  if [ "$1" = r ]; then __pw_relay >"$__pw_d/i" & fi',
  '  { case $1 in',
  '      c) setsid /bin/sh -c "$__pw_S" sh "$__pw_S" "$2" 5<&- 7>"$__pw_d/p" </dev/null;;',
  '      l) printf %s "$3" 5<&- 6>&- | setsid /bin/sh -c "$__pw_S" sh "$__pw_S" "$2" 5<&- 7>"$__pw_d/p";;',
  '      *) setsid /bin/sh -c "$__pw_S" sh "$__pw_S" "$2" 5<&- 7>"$__pw_d/p" <"$__pw_d/i";;',
  '    esac; } 6>&2 2>"$__pw_d/w"; __pw_r=$?; __pw_k=; __pw_p=',
  '  [ "$1" = r ] && { printf \'%sx\\n\' "$__pw_P" >&2; wait 2>/dev/null; }',
  '  read -r __pw_p <"$__pw_d/p"',
  // No pgid: the wrapper never ran (no setsid?); what the session said about it is the command's stderr.
  '  [ -n "$__pw_p" ] || while IFS= read -r __pw_l; do printf \'%s\\n\' "$__pw_l" >&2; done <"$__pw_d/w"',
  '  [ -n "$__pw_p" ] && kill -0 -$__pw_p 2>/dev/null && __pw_linger $__pw_p',
  '  [ $__pw_r -gt 128 ] && [ -s "$__pw_d/w" ] && __pw_k=$(kill -l $__pw_r 2>/dev/null)',
  '  printf \'%s:%d %s\\n\' "$__pw_P" "$__pw_r" "$__pw_k"; printf \'%s.\\n\' "$__pw_P" >&2; }',
].join('\n');

/** The call that runs one command in a session (see RUN). */
export function commandScript(command: string, stdin: StdinMode): string {
  const cmd = quoteAlways(command);
  if (stdin.kind === 'closed') return `__pw_run c ${cmd}\n`;
  if (stdin.kind === 'literal') return `__pw_run l ${cmd} ${quoteAlways(stdin.data)}\n`;
  return `__pw_run r ${cmd}\n`;
}

/** A frame of stdin data for the relay (nothing for no data). */
export function relayFrame(data: string): string {
  return data === '' ? '' : `${Buffer.byteLength(data)}\n${data}`;
}

/** Ends the relay: the command's stdin is closed. */
export const RELAY_END = '0\n';
