import { Box, Text } from 'ink';
import type { AsyncJob } from '../events/index.js';
import { Section } from './Section.js';
import { bar, clock, cut, fit, oneLine } from './text.js';

/** Props of `AsyncPanel`. */
export interface AsyncPanelProps {
  /** Jobs not seen to end: running, or (after the run) started and not awaited. Finished ones are left out by the caller. */
  jobs: readonly AsyncJob[];
  /** Rows that fit. */
  rows: number;
  /** The run's clock now (event time, ms). */
  now: number;
  width: number;
}

/** Each running async job: host, task, jid, elapsed vs limit as a bar, polls, next poll, last output line. */
export function AsyncPanel({ jobs, rows, now, width }: AsyncPanelProps) {
  if (rows <= 0 || jobs.length === 0) return null;
  const shown = jobs.slice(0, rows);
  const widest = (pick: (j: AsyncJob) => string, max: number) => Math.min(max, Math.max(...shown.map((j) => pick(j).length)));
  const hostW = widest((j) => j.host, 14);
  const titleW = widest((j) => j.title, 24);
  const jidW = widest((j) => j.jid, 14);
  const more = jobs.length > shown.length ? `${shown.length} of ${jobs.length}` : String(jobs.length);
  return (
    <Box flexDirection="column">
      <Section title="async jobs" note={more} width={width} />
      {shown.map((j) => {
        // After the run, the clock stops where the run did: nothing watches the job any more.
        const elapsedMs = j.notAwaited ? j.elapsed * 1000 : Math.max(j.elapsed * 1000, now - j.startAt);
        const frac = j.limit > 0 ? elapsedMs / (j.limit * 1000) : 0;
        const text =
          ` ${fit(oneLine(j.host), hostW)}  ${fit(oneLine(j.title), titleW)}  ${fit(oneLine(j.jid), jidW)}  ` +
          `▕${bar(frac, 10)}▏ ${clock(elapsedMs)} / ${clock(j.limit * 1000)}  ${pollText(j, now)}  ${oneLine(j.lastLine ?? '')}`;
        return (
          <Text key={j.jid} wrap="truncate" color={frac > 0.9 ? 'yellow' : undefined}>
            {cut(text, width - 1)}
          </Text>
        );
      })}
    </Box>
  );
}

/** `poll 5 · next in 8s`; a job nobody polls says so instead of `poll 0`. */
function pollText(j: AsyncJob, now: number): string {
  if (j.notAwaited) return 'started, not awaited (run ended)';
  if (j.polls === 0 && j.nextPollAt === undefined) return 'not checked yet';
  const next = j.nextPollAt !== undefined ? ` · next in ${Math.max(0, Math.ceil((j.nextPollAt - now) / 1000))}s` : '';
  return `poll ${j.polls}${next}`;
}
