/**
 * The run's presenter output to stdout, written once per turn of the event
 * loop instead of once per event: a busy run emits thousands of events, and
 * each write is a system call and a stream's bookkeeping. What piles up in
 * one turn goes out in one write when the turn is over (`setImmediate`).
 *
 * Pending text is written before anything could come after it out of
 * order or be lost: a prompt (text not ending in a newline waits for an
 * answer), a line on stderr (`errorLine` and the signal notices flush
 * first), and the process's exit (a crash included). Only SIGKILL loses
 * what one turn printed, as it loses the file sinks' last 50 ms.
 */
let pending: string[] = [];
let scheduled: NodeJS.Immediate | undefined;
let exitHooked = false;

/** Queues text for stdout (whole lines; a prompt without its newline goes out at once). */
export function writeOut(text: string): void {
  if (text === '') return;
  pending.push(text);
  if (!text.endsWith('\n')) return flushOut();
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', flushOut);
  }
  scheduled ??= setImmediate(flushOut);
}

/** Writes what is pending to stdout, now. */
export function flushOut(): void {
  if (scheduled) clearImmediate(scheduled);
  scheduled = undefined;
  if (pending.length === 0) return;
  const text = pending.length === 1 ? pending[0]! : pending.join('');
  pending = [];
  process.stdout.write(text);
}
