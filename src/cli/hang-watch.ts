/**
 * The hang detector, a part of the run's controller (DESIGN §12: derived
 * events come from the controller, never from a presenter). When the run
 * starts it reads the history: how long each task took in earlier runs of
 * the same playbook (history/baseline.ts). While the run goes, it looks
 * every second at each host's current task; once one has run past its
 * threshold (max(3 x p95, p95 + slow_floor)), it emits `host.slow`, once
 * per host and task. Every view (TUI, plain, run.log, attach) shows it
 * from the event.
 */
import type { EventOf, NewEvent, Reporter, RunEvent, TaskRef } from '../events/index.js';
import { baselineFor, DEFAULT_SLOW_RULE, taskKey, type SlowRule, type Usual } from '../history/baseline.js';

export interface HangWatchOptions {
  runsDir: string;
  runDir: string;
  /** Seconds added to p95 before a host is slow (`slow_floor`, default 30). */
  floorS: number;
  /** Emits a controller event on the run's bus. */
  emit: (e: NewEvent) => void;
  /** The bus's clock (event `at` time) now. */
  elapsed: () => number;
  /** How often running hosts are looked at, ms (default 1000). */
  checkMs?: number;
}

export function createHangWatch(o: HangWatchOptions): Reporter {
  const rule: SlowRule = { ...DEFAULT_SLOW_RULE, floorMs: o.floorS * 1000 };
  let usual = new Map<string, Usual>();
  const running = new Map<string, { task: TaskRef; at: number }>();
  const fired = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const check = () => {
    const now = o.elapsed();
    for (const [host, { task, at }] of running) {
      const u = usual.get(taskKey(task));
      const id = `${task.id}\u0000${host}`;
      if (!u || fired.has(id) || now - at <= u.thresholdMs) continue;
      fired.add(id);
      o.emit({ type: 'host.slow', task, host, elapsedMs: Math.round(now - at), p95Ms: u.p95Ms, thresholdMs: u.thresholdMs, runs: u.runs });
    }
  };
  const start = (e: EventOf<'run.start'>) => {
    // Read after run.start is out, so the history never holds up the run's first screen.
    setImmediate(() => {
      try {
        usual = baselineFor(o.runsDir, e.playbook, o.runDir, rule);
      } catch {
        usual = new Map();
      }
      if (usual.size === 0) return;
      timer = setInterval(check, o.checkMs ?? 1000);
      timer.unref();
    });
  };
  return {
    name: 'hang-watch',
    onEvent(e: RunEvent) {
      if (e.type === 'run.start') start(e);
      else if (e.type === 'host.start') running.set(e.host, { task: e.task, at: e.at });
      else if (e.type === 'run.end') stop();
      else if ('host' in e && 'task' in e && running.get(e.host)?.task.id === e.task.id) {
        const final = e.type === 'host.unreachable' || ((e.type === 'host.ok' || e.type === 'host.failed' || e.type === 'host.skipped') && e.item === undefined);
        if (final) running.delete(e.host);
      }
    },
    close: stop,
  };
}
