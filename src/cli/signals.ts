import type { RunControl } from '../engine/index.js';
import { flushOut } from './stdout.js';

/** SIGTERM drains for this long, then kills (DESIGN §11). */
const SIGTERM_BUDGET_MS = 10_000;

/**
 * Plain mode: the first Ctrl-C drains, the second kills. SIGTERM drains and
 * kills after its budget. Returns a function that removes the handlers.
 */
export function installSignals(control: RunControl, opts: { termBudgetMs?: number; sigint?: boolean } = {}): () => void {
  const termBudgetMs = opts.termBudgetMs ?? SIGTERM_BUDGET_MS;
  let termTimer: NodeJS.Timeout | undefined;
  const onInt = () => {
    flushOut();
    if (!control.draining) process.stderr.write('\n[playwatch] draining: running tasks finish, nothing new starts (Ctrl-C again to kill)\n');
    else process.stderr.write('\n[playwatch] killing running commands\n');
    control.escalate('SIGINT');
  };
  const onTerm = () => {
    flushOut();
    control.drain('SIGTERM');
    termTimer ??= setTimeout(() => control.kill('SIGTERM'), termBudgetMs);
    termTimer.unref();
  };
  // In the TUI, Ctrl-C is a key the app handles (DESIGN §11).
  if (opts.sigint !== false) process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    if (termTimer) clearTimeout(termTimer);
  };
}

/**
 * SIGHUP means the operator's terminal is gone, not that the operator wants
 * to stop (DESIGN §12): `onHangup` lets go of the terminal and the run goes
 * on to its end. The handler stays for the life of the process, so the
 * steps after the run (archive, mail) are not killed by a late hangup.
 */
export function installHangup(onHangup: () => void): void {
  process.on('SIGHUP', onHangup);
}
