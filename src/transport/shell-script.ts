import { quoteAlways } from './command.js';
import { WRAPPER_SCRIPT } from './ssh-command.js';

/**
 * The text a shell session reads on its stdin (shell mode, DESIGN §12).
 *
 * The session is one exec channel running `exec /bin/sh`; that sh reads
 * scripts from the channel and runs each command the way exec mode does
 * (`setsid /bin/sh -c <wrapper> …`: own process group, pgid reported first
 * on stderr, stdin closed unless fed), as a new process, so nothing (`cd`,
 * variables, `umask`) leaks from one command to the next.
 *
 * The command's stdout and stderr go through two FIFOs, each relayed by a
 * `cat`, so the session knows the command's output is complete exactly
 * when exec mode would: when every process holding those streams has
 * closed them. Only then the session prints its end records, which carry
 * a random nonce (sent on stdin, never in an argument list, so no process
 * on the target sees it in `ps`; the command runs in a fresh process image
 * without the session's variables). Output cannot end a command early: it
 * would have to contain the nonce.
 *
 * Records are `\x1ePW<nonce><type><payload>\n`:
 *   r   both streams, once: the session is ready (before any command)
 *   :N  stdout, after the command's output: its exit status N
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
 * The first script: a private directory with the FIFOs, the channel saved
 * on fd 5 (a command's stdin relay reads there; commands get it closed),
 * and the ready records.
 */
export function initScript(nonce: string): string {
  const rec = `printf '%sr\\n' ${quoteAlways(recordPrefix(nonce))}`;
  return [
    '__pw_d=$(mktemp -d) && mkfifo "$__pw_d/o" "$__pw_d/e" "$__pw_d/i" || exit 1',
    `trap 'rm -rf "$__pw_d"' EXIT`,
    'exec 5<&0',
    // Frames `<bytes>\n<data>` until `0\n`: each frame is read whole before it is written on, so a command
    // that exits early never leaves half a frame on the channel for the session to take as a script.
    "__pw_relay() { trap '' PIPE; while IFS= read -r __pw_n <&5 && [ \"$__pw_n\" != 0 ]; do " +
      '__pw_v=$(head -c "$__pw_n" <&5; echo x); printf %s "${__pw_v%x}" 2>/dev/null; done; }',
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

/** The script that runs one command and reports its end. */
export function commandScript(nonce: string, command: string, stdin: StdinMode): string {
  const prefix = quoteAlways(recordPrefix(nonce));
  const script = quoteAlways(WRAPPER_SCRIPT);
  const run = `setsid /bin/sh -c ${script} sh ${script} ${quoteAlways(command)}`;
  const io = '>"$__pw_d/o" 2>"$__pw_d/e" 5<&-';
  const start =
    stdin.kind === 'closed' ? `${run} </dev/null ${io} &`
    : stdin.kind === 'literal' ? `printf %s ${quoteAlways(stdin.data)} 5<&- | ${run} ${io} &`
    : `__pw_relay >"$__pw_d/i" & ${run} <"$__pw_d/i" ${io} &`;
  return [
    '{ cat "$__pw_d/o" 5<&- & cat "$__pw_d/e" >&2 5<&- &',
    `${start} __pw_p=$!`,
    'wait $__pw_p; __pw_r=$?',
    ...(stdin.kind === 'relay' ? [`printf '%sx\\n' ${prefix} >&2`] : []),
    'wait',
    `printf '%s:%d\\n' ${prefix} "$__pw_r"; printf '%s.\\n' ${prefix} >&2; }`,
    '',
  ].join('\n');
}

/** A frame of stdin data for the relay (nothing for no data). */
export function relayFrame(data: string): string {
  return data === '' ? '' : `${Buffer.byteLength(data)}\n${data}`;
}

/** Ends the relay: the command's stdin is closed. */
export const RELAY_END = '0\n';
