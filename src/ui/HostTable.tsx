import { memo } from 'react';
import { Box, Text } from 'ink';
import { vecGet, type GroupView, type HostView } from '../events/index.js';
import { Section } from './Section.js';
import { clock, cut, fit, hostLook, oneLine, resultLook } from './text.js';

/** Props of `HostTable`. */
export interface HostTableProps {
  /** The visible, sorted host list (all of it: the table picks the rows that fit). */
  hosts: readonly HostView[];
  /** How many hosts the run has in total (before filtering). */
  total: number;
  /** Index of the first row shown. */
  scroll: number;
  /** Index of the selected row. */
  selected: number;
  /** Rows that fit. */
  rows: number;
  /** The run's clock now (event time, ms). */
  now: number;
  width: number;
  /** Words after the title: sort order, filter. */
  note?: string;
  /** Groups under a budget, by key (their busy/allowed count shows on waiting hosts). */
  groups?: Readonly<Record<string, GroupView>>;
}

/** Host name column width: the longest name, within bounds. */
function nameWidth(hosts: readonly HostView[], width: number): number {
  let w = 6;
  for (const h of hosts) w = Math.max(w, h.name.length);
  return Math.min(w, Math.max(8, Math.floor(width / 5)), 32);
}

/** What the row says after the task: live output, the error, or the tally. */
function detail(h: HostView, groups: Readonly<Record<string, GroupView>>): string {
  const g = h.group ? groups[h.group] : undefined;
  if (g && (h.status === 'waiting' || h.status === 'cancelled') && !h.current) {
    const line = `group ${oneLine(g.key)} ${g.busy}/${g.allowed} busy, ${g.done} done, ${g.failed} failed`;
    return h.status === 'cancelled' ? `${line} (cancelled)` : line;
  }
  if (h.status === 'running') {
    const entry = vecGet(h.tasks, h.tasks.length - 1);
    const retry = entry && entry.retries ? `retry ${entry.retries}  ` : '';
    const out = entry ? lastLine(entry.stdout || entry.stderr) : '';
    // host.slow: the controller found it slower than this task's history.
    const slow = h.slow && h.slow.taskId === h.current?.taskId ? `slower than usual (p95 ${clock(h.slow.p95Ms)})  ` : '';
    return slow + retry + out;
  }
  if (h.status === 'failed' || h.status === 'unreachable') {
    const lastFailed = h.last && (h.last.status === 'failed' || h.last.status === 'unreachable');
    return oneLine((lastFailed ? h.last?.summary : h.firstError) ?? '');
  }
  const st = h.stats;
  const tally = [`${st.ok} ok`, st.changed ? `${st.changed} changed` : '', st.skipped ? `${st.skipped} skipped` : '', st.ignored ? `${st.ignored} ignored` : '']
    .filter(Boolean)
    .join(' · ');
  if (h.status === 'waiting' && h.last) return `last: ${resultLook(h.last.status).word}  ${tally}`;
  return h.touched ? tally : '';
}

function lastLine(s: string): string {
  const lines = s.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim()) return oneLine(lines[i]!);
  return '';
}

/** One row per host, only the rows that fit: state glyph and word, current task, time in it, last result. */
export function HostTable({ hosts, total, scroll, selected, rows, now, width, note, groups = {} }: HostTableProps) {
  const nw = nameWidth(hosts, width);
  const taskW = Math.max(12, Math.floor((width - nw - 30) * 0.45));
  const shown = hosts.slice(scroll, scroll + rows);
  const range = hosts.length > rows ? ` ${scroll + 1}-${scroll + shown.length} of ${hosts.length}` : ` ${hosts.length}`;
  return (
    <Box flexDirection="column">
      <Section title="hosts" note={`${range.trim()}${hosts.length !== total ? ` (of ${total})` : ''}${note ? ` · ${note}` : ''}`} width={width} />
      {shown.map((h, i) => {
        const look = hostLook(h.status);
        const task = h.current?.title ?? (h.status === 'done' || h.status === 'skipped' ? '' : h.last?.title ?? '');
        const time = h.current ? clock(now - h.current.startAt) : '';
        const rest = ` ${fit(oneLine(task), taskW)} ${fit(time, 8)} ${detail(h, groups)}`;
        const isSel = scroll + i === selected;
        return (
          <HostRow
            key={h.name}
            mark={`${isSel ? '›' : ' '}${look.glyph}`}
            color={look.color}
            selected={isSel}
            name={fit(oneLine(h.name), nw)}
            word={fit(look.word, 11)}
            rest={cut(rest, Math.max(0, width - nw - 16))}
          />
        );
      })}
      {shown.length === 0 ? <Text dimColor>{'   no hosts match'}</Text> : null}
    </Box>
  );
}

interface HostRowProps {
  /** Selection mark and state glyph. */
  mark: string;
  color: string | undefined;
  selected: boolean;
  /** Name, state word and the rest of the row, already fitted to their columns. */
  name: string;
  word: string;
  rest: string;
}

/**
 * One row, from strings only: a row whose strings did not change since the
 * last frame is not rendered again (React skips it, ink keeps its layout),
 * so a frame costs the rows that changed, not every row on screen.
 */
const HostRow = memo(function HostRow({ mark, color, selected, name, word, rest }: HostRowProps) {
  // The glyphs sit in their own node: ink measures each text node with
  // string-width, which is ~200x slower on a string holding one non-ASCII
  // character, so the long rest of the row stays plain ASCII where it can.
  return (
    <Box height={1}>
      <Box flexShrink={0}>
        <Text color={color}>{mark}</Text>
      </Box>
      <Text wrap="truncate">
        {' '}
        <Text bold={selected}>{name}</Text>
        {' '}
        <Text color={color}>{word}</Text>
        {rest}
      </Text>
    </Box>
  );
});
