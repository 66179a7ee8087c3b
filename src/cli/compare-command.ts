/**
 * `playwatch compare <runA> <runB> [--threshold 20%] [--json]`: a CI gate.
 * Exit 3 when a task of B is slower than A's beyond the threshold
 * (DESIGN §6), 0 otherwise. A run is a run id, @last/@prev, a directory,
 * its events.jsonl or summary.json, or its archive.
 */
import { UserError } from '../model/index.js';
import { EXIT } from '../engine/index.js';
import { openRun, type NamedRun } from '../history/resolve.js';
import { compareRuns, parseThreshold, timesFromEvents, timesFromSummary, type RunTimes } from '../history/compare.js';
import { comparisonLines } from '../history/compare-text.js';
import { runsDirOf } from './history-command.js';

export interface CompareFlags {
  runsDir?: string;
  threshold?: string;
  json?: boolean;
}

/** A regression found by compare (DESIGN §6). */
export const EXIT_REGRESSION = 3;

export async function compareCommand(argA: string, argB: string, flags: CompareFlags): Promise<number> {
  const threshold = parseThreshold(flags.threshold ?? '20%');
  if (threshold === undefined) throw new UserError(`--threshold '${flags.threshold}': give a percentage such as 20%`);
  const runsDir = runsDirOf(flags.runsDir);
  const a = timesOf(await openRun(argA, runsDir));
  const b = timesOf(await openRun(argB, runsDir));
  const c = compareRuns(a, b, { threshold });
  if (flags.json) process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
  else process.stdout.write(`${comparisonLines(c).join('\n')}\n`);
  return c.regressions > 0 ? EXIT_REGRESSION : EXIT.ok;
}

function timesOf(named: NamedRun): RunTimes {
  return named.kind === 'record' ? timesFromEvents(named.run.id, named.run.events) : timesFromSummary(named.id, named.summary);
}
