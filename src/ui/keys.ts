/**
 * The screen's own state (what is selected, filtered, open) and what each
 * key does to it. Pure: `handleKey` returns the next view and, at most, one
 * command for the run (pause, drain, kill, quit) that the app carries out.
 */
import type { Key } from 'ink';

/** Which part of the screen has the keys. */
export type Mode = 'main' | 'filter' | 'drill' | 'confirm' | 'help';

/** Everything about the screen that is not the run. */
export interface ViewState {
  mode: Mode;
  /** Selected row in the visible host list. */
  selected: number;
  /** First host row shown. */
  scroll: number;
  problemsFirst: boolean;
  failedOnly: boolean;
  filter: string;
  /** The host opened with enter. */
  drillHost?: string;
  /** Selected task in the drill-down. */
  drillSelected: number;
  /** First output line shown in the drill-down. */
  drillScroll: number;
  /** What the confirmation would do. */
  confirm?: 'drain' | 'kill';
}

/** A command for the run or the presenter (`quit`: leave the screen; in a watching view, detach). */
export type Command = 'pause' | 'resume' | 'drain' | 'kill' | 'quit' | 'step-yes' | 'step-no' | 'step-continue';

/** What the key handler must know about the world. */
export interface KeyContext {
  /** Hosts in the visible list. */
  hostCount: number;
  /** Host rows that fit. */
  pageSize: number;
  /** Name of the host at the selected row. */
  selectedHost?: string;
  /** Tasks of the drilled host. */
  drillTasks: number;
  /** Output lines of the selected drill-down task. */
  drillLines: number;
  /** Output lines that fit in the drill-down. */
  drillPage: number;
  /** The run has ended. */
  ended: boolean;
  paused: boolean;
  /** A drain was requested already (a further abort kills). */
  draining: boolean;
  killed: boolean;
  /**
   * A watching view (`attach`): Ctrl-C and `q` detach, leaving the run
   * going; only `a` + confirm stops it (DESIGN §12).
   */
  watching?: boolean;
  /** A view of a record (`replay`, `replay --follow`): nothing to steer, so `a` and `p` do nothing. */
  readOnly?: boolean;
  /** `--step`: the engine waits for y, n or c before the next task (and this view may answer). */
  stepAsking?: boolean;
}

/** `--step`'s keys: ansible-core's (y)es, (N)o, (c)ontinue. */
const STEP_KEYS: Record<string, Command> = { y: 'step-yes', n: 'step-no', c: 'step-continue' };

/** The view a fresh screen starts with. */
export function initialView(): ViewState {
  return { mode: 'main', selected: 0, scroll: 0, problemsFirst: true, failedOnly: false, filter: '', drillSelected: 0, drillScroll: 0 };
}

/** The next view and the command a key asks for. */
export function handleKey(v: ViewState, input: string, key: Partial<Key>, ctx: KeyContext): { view: ViewState; command?: Command } {
  const ctrlC = key.ctrl === true && input === 'c';
  if (ctrlC && ctx.watching) return { view: v, command: 'quit' };
  if (ctx.readOnly && v.mode !== 'filter' && (input === 'a' || input === 'p')) return { view: v };
  if (v.mode === 'confirm') return confirmKey(v, input, key, ctx, ctrlC);
  if (ctx.stepAsking && !ctx.ended && (v.mode === 'main' || v.mode === 'drill')) {
    const answer = STEP_KEYS[input.toLowerCase()];
    if (answer) return { view: v, command: answer };
  }
  if (ctrlC) return abortKey(v, ctx);
  switch (v.mode) {
    case 'filter':
      return { view: filterKey(v, input, key) };
    case 'help':
      return { view: { ...v, mode: v.drillHost ? 'drill' : 'main' } };
    case 'drill':
      return drillKey(v, input, key, ctx);
    default:
      return mainKey(v, input, key, ctx);
  }
}

/** Keeps the selection inside the list and on screen. */
export function clampView(v: ViewState, hostCount: number, pageSize: number): ViewState {
  const selected = Math.max(0, Math.min(v.selected, hostCount - 1));
  let scroll = Math.min(v.scroll, Math.max(0, hostCount - pageSize));
  if (selected < scroll) scroll = selected;
  if (selected >= scroll + pageSize) scroll = selected - pageSize + 1;
  scroll = Math.max(0, scroll);
  return selected === v.selected && scroll === v.scroll ? v : { ...v, selected, scroll };
}

function abortKey(v: ViewState, ctx: KeyContext): { view: ViewState; command?: Command } {
  if (ctx.ended) return { view: v, command: 'quit' };
  if (ctx.killed) return { view: v };
  return { view: { ...v, mode: 'confirm', confirm: ctx.draining ? 'kill' : 'drain' } };
}

function confirmKey(v: ViewState, input: string, key: Partial<Key>, ctx: KeyContext, ctrlC: boolean) {
  const back: ViewState = { ...v, mode: v.drillHost ? 'drill' : 'main', confirm: undefined };
  if (ctx.ended) return { view: back };
  if (input === 'y' || input === 'Y' || ctrlC || key.return) return { view: back, command: v.confirm ?? 'drain' };
  if ((input === 'a' || input === 'K') && v.confirm === 'drain') return { view: { ...v, confirm: 'kill' as const } };
  if (input === 'n' || input === 'N' || key.escape || input === 'q') return { view: back };
  return { view: v };
}

function mainKey(v: ViewState, input: string, key: Partial<Key>, ctx: KeyContext): { view: ViewState; command?: Command } {
  const move = (to: number) => ({ view: clampView({ ...v, selected: to }, ctx.hostCount, ctx.pageSize) });
  if (key.upArrow || input === 'k') return move(v.selected - 1);
  if (key.downArrow || input === 'j') return move(v.selected + 1);
  if (key.pageUp) return move(v.selected - ctx.pageSize);
  if (key.pageDown || input === ' ') return move(v.selected + ctx.pageSize);
  if (key.home || input === 'g') return move(0);
  if (key.end || input === 'G') return move(ctx.hostCount - 1);
  if (key.return && ctx.selectedHost) {
    return { view: { ...v, mode: 'drill', drillHost: ctx.selectedHost, drillSelected: Number.MAX_SAFE_INTEGER, drillScroll: 0 } };
  }
  if (key.escape && (v.filter || v.failedOnly)) return { view: { ...v, filter: '', failedOnly: false, selected: 0, scroll: 0 } };
  switch (input) {
    case 'q':
      return ctx.ended || ctx.watching ? { view: v, command: 'quit' } : abortKey(v, ctx);
    case 'a':
      return ctx.ended ? { view: v } : abortKey(v, ctx);
    case 'K':
      return ctx.ended || ctx.killed ? { view: v } : { view: { ...v, mode: 'confirm', confirm: 'kill' } };
    case 'p':
      return ctx.ended || ctx.draining ? { view: v } : { view: v, command: ctx.paused ? 'resume' : 'pause' };
    case 's':
      return { view: { ...v, problemsFirst: !v.problemsFirst } };
    case 'f':
      return { view: { ...v, failedOnly: !v.failedOnly, selected: 0, scroll: 0 } };
    case '/':
      return { view: { ...v, mode: 'filter' } };
    case '?':
      return { view: { ...v, mode: 'help' } };
    default:
      return { view: v };
  }
}

function filterKey(v: ViewState, input: string, key: Partial<Key>): ViewState {
  if (key.return) return { ...v, mode: 'main' };
  if (key.escape) return { ...v, mode: 'main', filter: '', selected: 0, scroll: 0 };
  if (key.backspace || key.delete) return { ...v, filter: v.filter.slice(0, -1), selected: 0, scroll: 0 };
  if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.tab) return v;
  // Printable input only: a paste may bring several characters at once.
  const text = input.replace(/[\x00-\x1f\x7f]/g, '');
  return text ? { ...v, filter: v.filter + text, selected: 0, scroll: 0 } : v;
}

function drillKey(v: ViewState, input: string, key: Partial<Key>, ctx: KeyContext): { view: ViewState; command?: Command } {
  const last = Math.max(0, ctx.drillTasks - 1);
  const sel = Math.min(v.drillSelected, last);
  const scrollMax = Math.max(0, ctx.drillLines - ctx.drillPage);
  if (key.escape || key.leftArrow || key.backspace) return { view: { ...v, mode: 'main', drillHost: undefined } };
  if (key.upArrow || input === 'k') return { view: { ...v, drillSelected: Math.max(0, sel - 1), drillScroll: 0 } };
  if (key.downArrow || input === 'j') return { view: { ...v, drillSelected: Math.min(last, sel + 1), drillScroll: 0 } };
  if (key.pageDown || input === ' ') return { view: { ...v, drillScroll: Math.min(scrollMax, v.drillScroll + ctx.drillPage) } };
  if (key.pageUp) return { view: { ...v, drillScroll: Math.max(0, v.drillScroll - ctx.drillPage) } };
  if (input === 'q' && (ctx.ended || ctx.watching)) return { view: v, command: 'quit' };
  if ((input === 'a' || input === 'q') && !ctx.ended) return abortKey(v, ctx);
  if (input === 'K' && !ctx.ended && !ctx.killed) return { view: { ...v, mode: 'confirm', confirm: 'kill' } };
  if (input === 'p' && !ctx.ended && !ctx.draining) return { view: v, command: ctx.paused ? 'resume' : 'pause' };
  if (input === '?') return { view: { ...v, mode: 'help' } };
  return { view: v };
}
