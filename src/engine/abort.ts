import { killAsync } from '../transport/async-job.js';
import type { HostState, RunOptions } from './state.js';

/** A drain that takes longer than this becomes a kill (DESIGN §4). */
export const DEFAULT_DRAIN_TIMEOUT_MS = 60_000;

/**
 * Turns the operator's abort requests into events and actions: a drain
 * starts the drain timer; a kill stops every async job this run started
 * (running commands end through the abort signal their transports hold).
 * `settle()` waits for that cleanup before the run reports its end.
 */
export function watchAborts(opts: RunOptions, hosts: Map<string, HostState>): { settle(): Promise<void> } {
  const pending: Promise<unknown>[] = [];
  let timer: NodeJS.Timeout | undefined;
  opts.control.onAbort = (mode, source) => {
    opts.emit({ type: 'abort.requested', mode, source });
    if (mode === 'drain') {
      timer = setTimeout(() => opts.control.kill('drain timeout'), opts.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
      timer.unref();
    } else {
      clearTimeout(timer);
      pending.push(killAsyncJobs(opts, hosts));
    }
  };
  return {
    async settle() {
      clearTimeout(timer);
      await Promise.allSettled(pending);
    },
  };
}

async function killAsyncJobs(opts: RunOptions, hosts: Map<string, HostState>): Promise<void> {
  const jobs = [...hosts.values()].flatMap((st) =>
    st.transport && st.connected ? [...st.asyncJobs.keys()].map((jid) => ({ st, jid })) : [],
  );
  await Promise.all(
    jobs.map(async ({ st, jid }) => {
      try {
        await killAsync(st.transport!, jid);
        st.asyncJobs.delete(jid);
      } catch (err) {
        opts.emit({ type: 'warning', message: `${st.name}: ${(err as Error).message}` });
      }
    }),
  );
}
