import { quoteAlways } from './command.js';

/**
 * The command contract over SSH (DESIGN §11). OpenSSH ignores channel
 * signals, so playwatch learns each command's process group id from a
 * marker line and ends the group with a second command.
 *
 * OpenSSH's sshd makes every session's shell a session and group leader
 * (session.c calls setsid() in the child before exec), so the `/bin/sh` that
 * replaces the login shell is the group leader and `$$` is the group id.
 * Where that is not so (a server that does not call setsid), the wrapper
 * re-executes itself under `setsid` (util-linux; Debian has it); it checks
 * with `/proc/$$/stat`, which costs no fork. Without `/proc` the shell is
 * taken to be the leader. The command sees `$0` = `sh`, no positional
 * parameters, and one variable of ours, `__pw_c` (the command text).
 */

/** The marker's prefix; the line is `<prefix><pgid>\n`, first on stderr. */
export const PGID_MARKER = '__playwatch_pgid=';

/**
 * Fixed script run by `/bin/sh -c` as `sh <script> <command>`: `$1` is the
 * script itself (for the setsid re-exec), `$2` the user's command. The
 * command runs by `eval` in this shell rather than a third `sh -c`: one
 * exec less per command (~1 ms of the target's CPU), with the same `$0`
 * (`sh`) and no positional parameters, as `sh -c` would give it.
 */
export const WRAPPER_SCRIPT = wrapperScript('');

/**
 * Shell mode's wrapper tells its session the pgid on fd 7 (the session
 * waits for processes of that group that hold the output) and takes its
 * stderr from fd 6, so that the session's own stderr stays apart from the
 * command's (shell-script.ts); both fds are closed before the command runs.
 */
export const SHELL_WRAPPER_SCRIPT = wrapperScript('echo $$ >&7; exec 2>&6 6>&- 7>&-; ');

function wrapperScript(tell: string): string {
  return 'read -r _ _ _ _ __pw_g _ </proc/$$/stat 2>/dev/null; ' +
    '[ "${__pw_g:-$$}" = "$$" ] || exec setsid /bin/sh -c "$1" sh "$1" "$2"; ' +
    `${tell}echo "${PGID_MARKER}$$" >&2; ` +
    '__pw_c=$2; shift 2; unset __pw_g; eval "$__pw_c"';
}

/**
 * The exec request for a command: the login shell replaces itself with
 * `/bin/sh`, which reports its pgid and runs the command with stdin closed
 * unless the caller feeds it.
 */
export function remoteCommand(command: string, hasStdin: boolean): string {
  const quoted = quoteAlways(WRAPPER_SCRIPT);
  return `exec /bin/sh -c ${quoted} sh ${quoted} ${quoteAlways(command)}${hasStdin ? '' : ' </dev/null'}`;
}

/** The second command that signals a group; quiet when the group is gone. (dash's kill rejects `--`.) */
export function killCommand(pgid: number, signal: 'TERM' | 'KILL'): string {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`refusing to signal process group ${pgid}`);
  return `kill -${signal} -${pgid} 2>/dev/null; exit 0`;
}

/**
 * Finds the marker at the start of stderr and passes everything else
 * through. Anything the login shell printed before it (a motd, a bashrc
 * warning) is kept as stderr. After `limit` bytes without a marker the
 * search ends and the text is passed on as it is.
 */
export class MarkerFilter {
  private pending: Buffer = Buffer.alloc(0);
  private done = false;
  pgid?: number;

  constructor(private readonly limit = 64 * 1024) {}

  /** Feeds a stderr chunk; returns what belongs to the command's stderr. */
  push(chunk: Buffer): Buffer {
    if (this.done) return chunk;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const text = this.pending.toString('latin1');
    let start = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const line = text.slice(start, nl);
      if (line.startsWith(PGID_MARKER)) {
        const n = Number(line.slice(PGID_MARKER.length));
        if (Number.isInteger(n) && n > 0) this.pgid = n;
        this.done = true;
        const out = Buffer.concat([this.pending.subarray(0, start), this.pending.subarray(nl + 1)]);
        this.pending = Buffer.alloc(0);
        return out;
      }
      start = nl + 1;
    }
    if (this.pending.length > this.limit) return this.flush();
    return Buffer.alloc(0);
  }

  /** Gives up on the marker: returns what was held back. */
  flush(): Buffer {
    this.done = true;
    const out = this.pending;
    this.pending = Buffer.alloc(0);
    return out;
  }
}
