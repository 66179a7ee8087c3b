import { killRunJobsCommand } from '../transport/async-job.js';
import type { HostState, RunOptions } from './state.js';
import type { ConnectionPool } from './connection.js';
import { jobLost } from './async-jobs.js';

/** A drain that takes longer than this becomes a kill (DESIGN §4). */
export const DEFAULT_DRAIN_TIMEOUT_MS = 60_000;

/**
 * Turns the operator's pauses and abort requests into events and actions
 * (`run.paused`/`run.resumed`, `abort.requested`): a drain
 * starts the drain timer; a kill stops every async job this run started
 * (running commands end through the abort signal their transports hold).
 * `settle()` waits for that cleanup before the run reports its end.
 */
export function watchAborts(opts: RunOptions, hosts: Map<string, HostState>, pool: ConnectionPool): { settle(): Promise<void> } {
  const pending: Promise<unknown>[] = [];
  let timer: NodeJS.Timeout | undefined;
  opts.control.onPause = (paused, source) => opts.emit(paused ? { type: 'run.paused', source } : { type: 'run.resumed', source });
  opts.control.onAbort = (mode, source) => {
    opts.emit({ type: 'abort.requested', mode, source });
    if (mode === 'drain') {
      timer = setTimeout(() => opts.control.kill('drain timeout'), opts.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
      timer.unref();
    } else {
      clearTimeout(timer);
      pending.push(killAsyncJobs(opts, hosts, pool));
    }
  };
  return {
    async settle() {
      clearTimeout(timer);
      await Promise.allSettled(pending);
    },
  };
}

/**
 * Every job of this run on every connected machine (delegated ones too):
 * those the engine knows, and any whose start raced the kill.
 */
async function killAsyncJobs(opts: RunOptions, hosts: Map<string, HostState>, pool: ConnectionPool): Promise<void> {
  const connected = pool.all().filter((c) => c.connected);
  await Promise.all(
    connected.map(async (c) => {
      try {
        const res = await c.transport.exec(killRunJobsCommand(process.pid, opts.runMeta.runId), { timeoutMs: 10_000 });
        if (res.rc !== 0) throw new Error(res.stderr.trim() || `rc ${res.rc}`);
        const st = hosts.get(c.target);
        for (const jid of [...(st?.asyncJobs.keys() ?? [])]) jobLost(opts.emit, st!, undefined, jid, 'killed');
      } catch (err) {
        opts.emit({ type: 'warning', message: `${c.target}: could not stop the run's async jobs: ${(err as Error).message}` });
      }
    }),
  );
}
