/**
 * What an abort will do, said before the operator confirms it, computed
 * from the state: which hosts finish which task, how many never start.
 */
import type { RunState } from '../events/index.js';
import { oneLine } from './text.js';

/** The confirmation's text. */
export interface AbortPlan {
  mode: 'drain' | 'kill';
  /** One sentence: what happens to running and waiting hosts. */
  summary: string;
  /** The keys that answer. */
  keys: string;
}

/** Says what a drain or a kill would do now. */
export function abortPlan(state: RunState, mode: 'drain' | 'kill'): AbortPlan {
  const byTask = new Map<string, number>();
  let waiting = 0;
  for (const chunk of state.hosts.chunks) {
    for (const h of chunk) {
      if (h.current) byTask.set(h.current.title, (byTask.get(h.current.title) ?? 0) + 1);
      else if (h.status === 'waiting') waiting++;
    }
  }
  const running = [...byTask].sort((a, b) => b[1] - a[1]);
  const runningHosts = running.reduce((n, [, c]) => n + c, 0);
  const jobs = Object.values(state.async).filter((j) => !j.done).length;
  const tasks = running.slice(0, 2).map(([title, n], i) => `${hosts(n)}${i === 0 ? ' will finish' : ''} '${oneLine(title)}'`);
  if (running.length > 2) tasks.push(`${hosts(running.slice(2).reduce((n, [, c]) => n + c, 0))} other tasks`);
  const notStart = `${waiting} will not start`;
  if (mode === 'drain') {
    const finish = runningHosts ? tasks.join(', ') : 'nothing is running';
    return {
      mode,
      summary: `Drain: ${finish}, ${notStart}. Nothing new starts.`,
      keys: 'y drain · n cancel · K kill instead',
    };
  }
  const stop = runningHosts ? `the commands running on ${hosts(runningHosts)} are stopped now` : 'nothing is running';
  const async = jobs ? `, ${jobs} async job${jobs === 1 ? '' : 's'} killed` : '';
  return { mode, summary: `Kill: ${stop}${async}, ${notStart}.`, keys: 'y kill · n cancel' };
}

function hosts(n: number): string {
  return `${n} host${n === 1 ? '' : 's'}`;
}
