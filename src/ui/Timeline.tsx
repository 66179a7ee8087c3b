import { Box, Text } from 'ink';
import { durationClock as formatOffset } from '../text/index.js';
import { Section } from './Section.js';
import type { TimelineEntry } from '../events/index.js';
import { fit, oneLine, shortDuration } from './text.js';

/** Props of `Timeline`. */
export interface TimelineProps {
  /** Every row of the run (the last ones that fit are shown). */
  entries: readonly TimelineEntry[];
  /** Rows that fit. */
  rows: number;
  /** Length of the shared time axis: the run so far, ms. */
  spanMs: number;
  width: number;
}

/** Tasks and roles with their start offset from the run start, a bar of their wall span on one time axis, and how long they took. */
export function Timeline({ entries, rows, spanMs, width }: TimelineProps) {
  if (rows <= 0 || entries.length === 0) return null;
  const shown = entries.slice(-rows);
  const labelW = Math.min(36, Math.max(16, Math.floor(width * 0.28)));
  const axisW = Math.max(4, width - 1 - 13 - labelW - 1 - 10);
  const span = Math.max(1, spanMs);
  return (
    <Box flexDirection="column">
      <Section title="timeline" note={entries.length > shown.length ? `last ${shown.length} of ${entries.length}` : undefined} width={width} />
      {shown.map((e, i) => {
        const from = Math.min(axisW - 1, Math.floor((e.startMs / span) * axisW));
        const len = Math.max(1, Math.min(axisW - from, Math.round((e.durationMs / span) * axisW)));
        const fill = e.kind === 'role' ? '▔' : '█';
        const body = e.running && e.kind === 'task' ? fill.repeat(Math.max(0, len - 1)) + '▶' : fill.repeat(len);
        const label = e.kind === 'role' ? `[${oneLine(e.name)}]` : oneLine(e.role ? `${e.role} : ${e.name}` : e.name);
        // The bar is when it ran (wall span); the figure is how long it took: for a task its slowest host, as in the recaps.
        const dur = `${shortDuration(e.kind === 'task' ? (e.longestMs ?? e.durationMs) : e.durationMs)}${e.running ? '…' : ''}`;
        // Label, bar and duration are separate nodes so the ASCII parts are
        // measured on string-width's fast path (see HostTable).
        return (
          <Box key={i} height={1} width={width}>
            <Text wrap="truncate">
              {` ${formatOffset(e.startMs)} `}
              <Text bold={e.kind === 'role'}>{fit(label, labelW)}</Text>
              {' '}
              {' '.repeat(from)}
            </Text>
            <Box flexShrink={0}>
              <Text color={e.kind === 'role' ? 'magenta' : e.running ? 'cyan' : 'blue'}>{body}</Text>
            </Box>
            <Text wrap="truncate">{' '.repeat(Math.max(0, axisW - from - len)) + ` ${dur.padStart(9)}`}</Text>
          </Box>
        );
      })}
    </Box>
  );
}
