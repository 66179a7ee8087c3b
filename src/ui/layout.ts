/**
 * How the terminal's rows are shared out. The whole frame stays one row
 * shorter than the terminal: ink redraws a frame that fills the screen by
 * clearing it, which flickers and costs far more.
 */

/** Row counts of each part of the main screen. */
export interface Layout {
  /** Host rows shown (the table's title line not counted). */
  hostRows: number;
  /** Async jobs shown (0: no panel). */
  asyncRows: number;
  /** Timeline rows shown (0: no panel). */
  timelineRows: number;
  /** Rows for the drill-down or help (title lines included). */
  bodyRows: number;
}

/** Fixed rows: two header lines and the key bar. */
const CHROME = 3;

/** Shares `rows` between the host table, the async panel and the timeline. */
export function layout(rows: number, opts: { asyncJobs: number; timelineEntries: number; confirm: boolean }): Layout {
  const avail = Math.max(4, rows - 1) - CHROME - (opts.confirm ? 2 : 0);
  const bodyRows = Math.max(1, avail);
  let asyncRows = Math.min(opts.asyncJobs, 4);
  let timelineRows = Math.min(opts.timelineEntries, Math.max(2, Math.min(8, Math.floor(avail / 4))));
  const panels = () => 1 + (asyncRows ? asyncRows + 1 : 0) + (timelineRows ? timelineRows + 1 : 0);
  // Hosts matter most: drop the timeline, then the async panel, before the table gets under three rows.
  if (avail - panels() < 3) timelineRows = 0;
  if (avail - panels() < 3) asyncRows = Math.min(asyncRows, 1);
  if (avail - panels() < 3) asyncRows = 0;
  return { hostRows: Math.max(1, avail - panels()), asyncRows, timelineRows, bodyRows };
}
