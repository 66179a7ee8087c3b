/**
 * Small text helpers for the TUI: clocks, bars, fixed-width columns and the
 * look (glyph, word, colour) of each state. Glyph and word carry the state
 * on their own, so the screen reads without colour too.
 */
import type { HostStatus, ResultStatus } from '../events/index.js';
import { inert } from '../text/index.js';

/** One line of target-derived text made safe: escapes removed, newlines and tabs as spaces. */
export function oneLine(s: string): string {
  return inert(s).replace(/[\n\t]+/g, ' ').trim();
}

/** `H:MM:SS`, whole seconds (elapsed clock, time in task). */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** A short duration: `0.4s`, `21.0s`, `1:02.4`, `1:02:03`. */
export function shortDuration(ms: number): string {
  const secs = Math.max(0, ms) / 1000;
  if (secs < 60) return `${secs.toFixed(1)}s`;
  if (secs < 3600) {
    const m = Math.floor(secs / 60);
    return `${m}:${(secs - m * 60).toFixed(1).padStart(4, '0')}`;
  }
  return clock(ms);
}

/** A bar of `width` cells, `fraction` of them full. */
export function bar(fraction: number, width: number): string {
  const w = Math.max(0, width);
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * w);
  return '█'.repeat(full) + '░'.repeat(w - full);
}

/** Exactly `width` characters: cut with `…` when too long, padded with spaces when short. */
export function fit(s: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...s];
  if (chars.length > width) return width === 1 ? '…' : `${chars.slice(0, width - 1).join('')}…`;
  return s + ' '.repeat(width - chars.length);
}

/** At most `width` characters (cut with `…`), not padded. */
export function cut(s: string, width: number): string {
  return [...s].length > width ? fit(s, width) : s;
}

/** How a host state looks. */
export interface Look {
  glyph: string;
  word: string;
  color: string;
}

const HOST_LOOK: Record<HostStatus, Look> = {
  running: { glyph: '⟳', word: 'running', color: 'cyan' },
  failed: { glyph: '✗', word: 'failed', color: 'red' },
  unreachable: { glyph: '!', word: 'unreachable', color: 'magenta' },
  waiting: { glyph: '·', word: 'waiting', color: 'gray' },
  done: { glyph: '✓', word: 'done', color: 'green' },
  skipped: { glyph: '-', word: 'skipped', color: 'blue' },
  cancelled: { glyph: '⊘', word: 'cancelled', color: 'gray' },
};

/** Glyph, word and colour of a host state. */
export function hostLook(status: HostStatus): Look {
  return HOST_LOOK[status];
}

const RESULT_LOOK: Record<ResultStatus, Look> = {
  running: { glyph: '⟳', word: 'running', color: 'cyan' },
  ok: { glyph: '✓', word: 'ok', color: 'green' },
  changed: { glyph: '✓', word: 'changed', color: 'yellow' },
  failed: { glyph: '✗', word: 'failed', color: 'red' },
  ignored: { glyph: '✗', word: 'ignored', color: 'yellow' },
  skipped: { glyph: '-', word: 'skipped', color: 'blue' },
  unreachable: { glyph: '!', word: 'unreachable', color: 'magenta' },
};

/** Glyph, word and colour of one task result. */
export function resultLook(status: ResultStatus): Look {
  return RESULT_LOOK[status];
}
