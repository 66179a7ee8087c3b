import path from 'node:path';
import { Box, Text } from 'ink';
import type { RunState } from '../events/index.js';
import { hostTally } from './host-rows.js';
import { bar, clock, cut, oneLine } from './text.js';
import { engineTag } from '../text/index.js';

/** Props of `Header`. */
export interface HeaderProps {
  state: RunState;
  /** The playbook as the operator named it. */
  playbook: string;
  /** The run's clock now (event time, ms). */
  now: number;
  /** Terminal columns. */
  width: number;
  /** The run is paused (from the run control). */
  paused: boolean;
  /** Hosts per state when the caller keeps them (`HostRows`); counted from `state` otherwise. */
  tally?: ReturnType<typeof hostTally>;
}

/** The run's state word and colour. */
function runWord(s: RunState, paused: boolean): { text: string; color: string } {
  if (s.end) return s.end.aborted ? { text: '■ aborted', color: 'red' } : { text: '✓ finished', color: s.end.exitCode ? 'red' : 'green' };
  if (s.abort?.mode === 'kill') return { text: '■ killing', color: 'red' };
  if (s.abort) return { text: '◐ draining', color: 'yellow' };
  if (paused || s.paused) return { text: '❚❚ paused', color: 'yellow' };
  if (s.startAt === undefined) return { text: '○ starting', color: 'gray' };
  return { text: '● running', color: 'green' };
}

/** Two lines: where the run is (playbook, play, batch, clock, state) and how it is going (counts, hosts, progress). */
export function Header({ state, playbook, now, width, paused, tally }: HeaderProps) {
  const elapsed = state.end ? state.end.durationMs : state.startAt === undefined ? 0 : now - state.startAt;
  const word = runWord(state, paused);
  const parts = [` playwatch  ${oneLine(path.basename(playbook))}`];
  const engine = engineTag(state.engine);
  if (engine) parts[0] += ` (${engine})`;
  if (state.play) parts.push(`play ${state.play.index + 1}/${state.play.total} ${oneLine(state.play.name)}`);
  if (state.batch) parts.push(`batch ${state.batch.index + 1}/${state.batch.total} (${state.batch.hosts} hosts)`);
  if (state.check) parts.push('check mode');
  const right = `  ${clock(elapsed)}  ${word.text}`;
  const left = cut(parts.join(' ▸ '), Math.max(10, width - 1 - right.length));
  const gap = ' '.repeat(Math.max(1, width - 1 - left.length - right.length));

  const c = state.counts;
  const t = tally ?? hostTally(state);
  const counts = ` ok ${c.ok}  changed ${c.changed}  failed ${c.failed}  unreachable ${c.unreachable}  skipped ${c.skipped}`;
  const hosts = `    hosts ${t.finished}/${t.total} `;
  const pct = t.total ? t.finished / t.total : 0;
  const barWidth = Math.max(0, Math.min(20, width - 1 - counts.length - hosts.length - 7));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{left}</Text>
        {gap}
        {clock(elapsed)}  <Text color={word.color}>{word.text}</Text>
      </Text>
      <Text wrap="truncate">
        {' ok '}
        <Text color="green">{c.ok}</Text>
        {'  changed '}
        <Text color="yellow">{c.changed}</Text>
        {'  failed '}
        <Text color={c.failed ? 'red' : undefined}>{c.failed}</Text>
        {'  unreachable '}
        <Text color={c.unreachable ? 'magenta' : undefined}>{c.unreachable}</Text>
        {`  skipped ${c.skipped}${hosts}`}
        {barWidth > 2 ? `▕${bar(pct, barWidth)}▏ ${Math.floor(pct * 100)}%` : ''}
      </Text>
    </Box>
  );
}
