/**
 * The terminal can go away under a run: the window is closed, the SSH
 * session to the bastion drops (SIGHUP), or stdout is a pipe whose reader
 * quit (EPIPE). None of these is a reason to stop a deploy half-way
 * (DESIGN §12 "Hangup"): the run goes on, silently, and records everything.
 */

import fs from 'node:fs';

/** Errors a stream gives once the other end is gone (ENOTTY: raw mode on the /dev/null put in its place). */
const GONE = new Set(['EIO', 'EPIPE', 'ECONNRESET', 'ENOTCONN', 'EBADF', 'ENOTTY', 'ERR_STREAM_DESTROYED']);

let muted = false;

/**
 * Calls `onLost` (once) when writing to stdout or stderr, or reading stdin,
 * fails because the terminal or pipe is gone, instead of letting the stream's
 * `error` event crash the process. Other errors are rethrown as before.
 */
export function guardTerminal(onLost: (why: string) => void): void {
  let lost = false;
  const handler = (name: string) => (err: NodeJS.ErrnoException) => {
    if (!GONE.has(err.code ?? '')) throw err;
    if (lost) return;
    lost = true;
    onLost(`${name}: ${err.code}`);
  };
  process.stdout.on('error', handler('stdout'));
  process.stderr.on('error', handler('stderr'));
  process.stdin.on('error', handler('stdin'));
}

/**
 * From now on nothing this process writes reaches stdout or stderr: the
 * terminal is gone (or its reader stopped reading), and a write to it could
 * block, fail or, on a terminal reused by another session, land there.
 */
export function muteTerminal(): void {
  if (muted) return;
  muted = true;
  silence(process.stdout);
  silence(process.stderr);
  process.once('exit', releaseStdio);
}

/**
 * Node restores the terminal's modes on fds 0-2 as it exits and aborts
 * (SIGABRT, "Assertion failed" in ResetStdio) when the terminal is gone
 * (EIO). It skips a descriptor that was reopened, so each is pointed at
 * /dev/null first: closing one makes it the lowest free number, which the
 * next open takes.
 */
function releaseStdio(): void {
  for (const fd of [0, 1, 2]) {
    try {
      fs.closeSync(fd);
      const again = fs.openSync('/dev/null', fd === 0 ? 'r' : 'w');
      if (again !== fd) fs.closeSync(again);
    } catch {
      // a closed descriptor is skipped by Node too
    }
  }
}

/** Makes every later write to this stream a no-op that still calls back. */
export function silence(stream: NodeJS.WritableStream): void {
  stream.write = ((...args: unknown[]) => {
    const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    if (cb) process.nextTick(cb);
    return true;
  }) as typeof stream.write;
}

/** Whether the terminal was let go of. */
export function terminalMuted(): boolean {
  return muted;
}
