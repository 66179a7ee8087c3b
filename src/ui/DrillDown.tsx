import { Box, Text } from 'ink';
import { vecGet, vecToArray, type HostTaskEntry, type HostView } from '../events/index.js';
import { delegateLabel, inert } from '../text/index.js';
import { Section } from './Section.js';
import { cut, fit, hostLook, oneLine, resultLook, shortDuration } from './text.js';

/** Props of `DrillDown`. */
export interface DrillDownProps {
  host: HostView;
  /** Selected task (clamped to the list; past the end means the latest). */
  selected: number;
  /** First output line shown. */
  scroll: number;
  /** Rows for the whole drill-down. */
  rows: number;
  /** The run's clock now (event time, ms). */
  now: number;
  width: number;
}

/** How a line of the output pane is coloured. */
export type LineTone = 'out' | 'err' | 'add' | 'del';

/** The output lines of one task: its diff, stdout, then stderr, each under a marker; inert and tab-expanded. */
export function outputLines(entry: HostTaskEntry | undefined): Array<{ text: string; tone: LineTone }> {
  if (!entry) return [];
  const split = (s: string) => inert(s).replace(/\t/g, '  ').replace(/\n$/, '').split('\n');
  const diff = entry.diff
    ? [{ text: '── diff', tone: 'out' as const }, ...split(entry.diff).map((text) => ({ text, tone: diffTone(text) }))]
    : [];
  const out = entry.stdout ? split(entry.stdout).map((text) => ({ text, tone: 'out' as const })) : [];
  if (diff.length && out.length) out.unshift({ text: '── stdout', tone: 'out' });
  const err = entry.stderr ? split(entry.stderr).map((text) => ({ text, tone: 'err' as const })) : [];
  if (err.length) err.unshift({ text: '── stderr', tone: 'err' });
  return [...diff, ...out, ...err];
}

function diffTone(line: string): LineTone {
  if (line.startsWith('+') && !line.startsWith('+++')) return 'add';
  if (line.startsWith('-') && !line.startsWith('---')) return 'del';
  return 'out';
}

const TONE_COLOR: Record<LineTone, string | undefined> = { out: undefined, err: 'red', add: 'green', del: 'red' };

/** How many rows of the drill-down the task list takes. */
export function drillListRows(host: HostView, rows: number): number {
  return Math.max(1, Math.min(host.tasks.length, Math.floor((rows - 2) / 2)));
}

/** One host: its tasks with results, and the selected task's output (capped, scrollable). */
export function DrillDown({ host, selected, scroll, rows, now, width }: DrillDownProps) {
  const look = hostLook(host.status);
  const tasks = vecToArray(host.tasks);
  const sel = Math.min(selected, tasks.length - 1);
  const listRows = drillListRows(host, rows);
  const first = Math.max(0, Math.min(sel - listRows + 1 + Math.floor(listRows / 2), tasks.length - listRows));
  const entry = vecGet(host.tasks, sel);
  const lines = outputLines(entry);
  const outRows = Math.max(0, rows - 2 - listRows);
  const top = Math.max(0, Math.min(scroll, lines.length - outRows));
  const st = host.stats;
  return (
    <Box flexDirection="column">
      <Section
        title={`${oneLine(host.name)} ${look.glyph} ${look.word}`}
        note={`${st.ok} ok · ${st.changed} changed · ${st.failed} failed · ${st.skipped} skipped`}
        width={width}
      />
      {tasks.slice(first, first + listRows).map((t, i) => {
        const r = resultLook(t.status);
        const ms = (t.endAt ?? now) - t.startAt;
        const isSel = first + i === sel;
        return (
          <Text key={`${t.taskId}-${first + i}`} wrap="truncate" inverse={isSel}>
            {isSel ? '›' : ' '}
            <Text color={r.color}>{`${r.glyph} ${fit(r.word, 11)}`}</Text>
            {cut(` ${fit(shortDuration(ms), 8)} ${fit(oneLine(t.title), 40)} ${t.delegate ? `-> ${oneLine(delegateLabel(t))} ` : ''}${t.retries ? `retries ${t.retries} ` : ''}${oneLine(t.summary ?? '')}`, Math.max(0, width - 15))}
          </Text>
        );
      })}
      <Section
        title="output"
        note={lines.length ? `${entry ? oneLine(entry.title) : ''} · lines ${top + 1}-${Math.min(lines.length, top + outRows)} of ${lines.length}` : 'none'}
        width={width}
      />
      {lines.slice(top, top + outRows).map((l, i) => (
        <Text key={i} wrap="truncate" color={TONE_COLOR[l.tone]}>
          {cut(` ${l.text}`, width - 1)}
        </Text>
      ))}
    </Box>
  );
}
