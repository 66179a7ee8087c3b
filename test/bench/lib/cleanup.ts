/**
 * What must not outlive the suite (sshd, measured programs, proxies, temp
 * dirs), undone in reverse order when it ends or is interrupted.
 */

const undo = new Set<() => void>();

/** Registers `fn` to run at the end; returns a function that runs it now (once) and unregisters it. */
export function atCleanup(fn: () => void): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    undo.delete(once);
    fn();
  };
  undo.add(once);
  return once;
}

/** Runs every registered cleanup, newest first; a failing one does not stop the others. */
export function cleanupAll(): void {
  for (const fn of [...undo].reverse()) {
    try {
      fn();
    } catch {
      // best effort: the rest must still run
    }
  }
}

/** Kills a detached child's whole process group (it and everything it started). */
export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
