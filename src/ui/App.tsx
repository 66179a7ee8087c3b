import { useCallback, useMemo, useRef } from 'react';
import { Box } from 'ink';
import { profileTimeline, vecGet, type RunState, type StepAnswer, type TimelineEntry } from '../events/index.js';
import { abortPlan } from './abort-plan.js';
import { AsyncPanel } from './AsyncPanel.js';
import { Confirm } from './Confirm.js';
import { DrillDown, drillListRows, outputLines } from './DrillDown.js';
import { Header } from './Header.js';
import { Help } from './Help.js';
import { HostRows, type visibleHosts } from './host-rows.js';
import { HostTable } from './HostTable.js';
import { KeyBar } from './KeyBar.js';
import { clampView, type Command } from './keys.js';
import { layout } from './layout.js';
import type { RunStore } from './store.js';
import { StepPrompt } from './StepPrompt.js';
import { Timeline } from './Timeline.js';
import { useKeys } from './use-keys.js';
import { useRunState } from './use-run-state.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useTicker } from './use-ticker.js';

/**
 * What the app steers: `RunControl` fits it. What the run is doing (paused,
 * draining, killed) the app learns from events, like everything else.
 */
export interface RunSteering {
  pause(source?: string): void;
  resume(source?: string): void;
  drain(source?: string): void;
  kill(source?: string): void;
  /** `--step`: answers the engine's open question (only the run's own TUI can). */
  answerStep?(answer: StepAnswer): void;
}

/** Props of `App`. */
export interface AppProps {
  store: RunStore;
  control: RunSteering;
  /** The playbook as the operator named it. */
  playbook: string;
  /** Host name → its groups, for the `/` filter. */
  groups?: Readonly<Record<string, readonly string[]>>;
  /** Fixed terminal size (tests); the real terminal's otherwise. */
  columns?: number;
  rows?: number;
  /** Called for `q` (or Ctrl-C) once the run has ended, and in a watching view at any time (detach). */
  onQuit?: () => void;
  /** A view of a run started elsewhere (`attach`): Ctrl-C and `q` detach instead of asking to abort. */
  watching?: boolean;
  /** A view of a record (`replay`): nothing to steer, no `a` or `p`. */
  readOnly?: boolean;
}

/** The live view: header, host table, async jobs, timeline, key bar; drill-down, help and the abort question on top. */
export function App({ store, control, playbook, groups, columns, rows, onQuit, watching, readOnly }: AppProps) {
  const state = useRunState(store);
  const ended = state.end !== undefined;
  const elapsed = useCallback(() => store.now() - (store.state.startAt ?? 0), [store]);
  useTicker(1000, !ended && !store.closed, elapsed);
  const size = useTerminalSize({ columns, rows });
  const now = store.now();
  const jobs = useMemo(() => Object.values(state.async).filter((j) => !j.done), [state.async]);
  const timeline = useMemo(() => profileTimeline(state.profile, { now }), [state.profile, now]);
  const paused = state.paused;

  const source = watching ? 'attach' : 'tui';
  const run = (c: Command) => {
    if (c === 'pause') control.pause(source);
    else if (c === 'resume') control.resume(source);
    else if (c === 'drain') control.drain(source);
    else if (c === 'kill') control.kill(source);
    else if (c === 'step-yes' || c === 'step-no' || c === 'step-continue') control.answerStep?.(c.slice(5) as StepAnswer);
    else onQuit?.();
  };

  // What keys need to know; filled in below once the layout is known (useKeys reads it when a key arrives).
  const ctx = { hostCount: 0, pageSize: 1, drillTasks: 0, drillLines: 0, drillPage: 1, ended, paused, draining: state.abort !== undefined, killed: state.abort?.mode === 'kill', watching, readOnly, stepAsking: state.stepAsking !== undefined && control.answerStep !== undefined } as Parameters<typeof useKeys>[1];
  const rawView = useKeys(store, ctx, run);
  // The rows and the header's tally, kept from frame to frame (only hosts that changed are looked at).
  const rowsRef = useRef<HostRows>(null);
  rowsRef.current ??= new HostRows();
  const hostRows = rowsRef.current;
  const hosts = useMemo(
    () => hostRows.rows(state, { problemsFirst: rawView.problemsFirst, failedOnly: rawView.failedOnly, filter: rawView.filter, groups }),
    [hostRows, state, rawView.problemsFirst, rawView.failedOnly, rawView.filter, groups],
  );
  const tally = useMemo(() => hostRows.tally(state), [hostRows, state]);
  const confirm = rawView.mode === 'confirm' && !ended;
  // The step question takes the abort question's two rows.
  const lay = layout(size.rows, { asyncJobs: jobs.length, timelineEntries: timeline.length, confirm: confirm || state.stepAsking !== undefined });
  const view = clampView(rawView, hosts.length, lay.hostRows);
  const drillHost = view.drillHost !== undefined ? state.hostIndex[view.drillHost] : undefined;
  const drilled = drillHost !== undefined ? vecGet(state.hosts, drillHost) : undefined;
  const drillTasks = drilled?.tasks.length ?? 0;
  const drillSel = Math.min(view.drillSelected, Math.max(0, drillTasks - 1));
  const drillPage = drilled ? Math.max(1, lay.bodyRows - 2 - drillListRows(drilled, lay.bodyRows)) : 1;
  Object.assign(ctx, {
    hostCount: hosts.length,
    pageSize: lay.hostRows,
    selectedHost: hosts[view.selected]?.name,
    drillTasks,
    drillLines: drilled ? outputLines(vecGet(drilled.tasks, drillSel)).length : 0,
    drillPage,
  });

  if (store.closed) return null;
  const note = [view.problemsFirst ? 'problems first' : 'inventory order', view.failedOnly ? 'failed only' : '', view.filter ? `filter "${view.filter}"` : '']
    .filter(Boolean)
    .join(' · ');
  return (
    <Box flexDirection="column" width={size.columns}>
      <Header state={state} playbook={playbook} now={now} width={size.columns} paused={paused} tally={tally} />
      {confirm ? <Confirm plan={abortPlan(state, view.confirm ?? 'drain')} width={size.columns} /> : null}
      {state.stepAsking !== undefined && !confirm ? <StepPrompt label={state.stepAsking} canAnswer={control.answerStep !== undefined} width={size.columns} /> : null}
      {view.mode === 'help' ? (
        <Help width={size.columns} rows={lay.bodyRows} watching={watching} />
      ) : drilled && (view.mode === 'drill' || (view.mode === 'confirm' && view.drillHost)) ? (
        <DrillDown host={drilled} selected={drillSel} scroll={view.drillScroll} rows={lay.bodyRows} now={now} width={size.columns} />
      ) : (
        <MainPanels state={state} hosts={hosts} view={view} lay={lay} now={now} width={size.columns} note={note} jobs={jobs} timeline={timeline} />
      )}
      <KeyBar mode={view.mode} ended={ended} paused={paused} filter={view.filter} failedOnly={view.failedOnly} width={size.columns} watching={watching} readOnly={readOnly} />
    </Box>
  );
}

interface MainPanelsProps {
  state: RunState;
  hosts: ReturnType<typeof visibleHosts>;
  view: ReturnType<typeof clampView>;
  lay: ReturnType<typeof layout>;
  now: number;
  width: number;
  note: string;
  jobs: Parameters<typeof AsyncPanel>[0]['jobs'];
  timeline: TimelineEntry[];
}

function MainPanels({ state, hosts, view, lay, now, width, note, jobs, timeline }: MainPanelsProps) {
  const spanMs = (state.end?.at ?? now) - (state.startAt ?? 0);
  return (
    <>
      <HostTable hosts={hosts} total={state.hosts.length} scroll={view.scroll} selected={view.selected} rows={lay.hostRows} now={now} width={width} note={note} groups={state.groups} />
      <AsyncPanel jobs={jobs} rows={lay.asyncRows} now={now} width={width} />
      <Timeline entries={timeline} rows={lay.timelineRows} spanMs={spanMs} width={width} />
    </>
  );
}
