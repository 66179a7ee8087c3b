import { banner } from './format.js';
import { pyJson } from './pyjson.js';
import { inert } from './sanitize.js';

/**
 * ansible-core's `CUSTOM STATS` block (the default callback, with
 * `show_custom_stats`), from `run.end`'s `custom`: a blank line, the
 * banner, one tab-indented line per host (sorted), then the run's own under
 * `RUN:`; each value is `json.dumps(indent=1, sort_keys=True)` with its
 * newlines taken out. Empty when there are none.
 */
export function customStatsLines(custom: Readonly<Record<string, Record<string, unknown>>> | undefined): string[] {
  if (!custom || !Object.keys(custom).length) return [];
  const flat = (v: unknown) => inert(pyJson(v, 1).replace(/\n/g, ''));
  const lines = ['', banner('CUSTOM STATS: ')];
  for (const who of Object.keys(custom).sort()) if (who !== '_run') lines.push(`\t${inert(who)}: ${flat(custom[who])}`);
  if (custom._run) lines.push('', `\tRUN: ${flat(custom._run)}`);
  lines.push('');
  return lines;
}
