/** The `--ui json` presenter: one event per line (NDJSON). */
import type { Reporter, RunEvent } from '../events/index.js';

/**
 * One event as a JSON line. DEL and the C1 controls (0x7f-0x9f), which
 * `JSON.stringify` leaves raw, are escaped too, so the line is inert in a
 * terminal (0x9b alone starts a CSI sequence on some) and still the same value.
 */
export function eventLine(event: RunEvent): string {
  return `${JSON.stringify(event).replace(/[\x7f-\x9f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** Creates the JSON presenter: `write` receives one line per event. */
export function createJsonPresenter(opts: { write: (s: string) => void }): Reporter {
  return {
    name: 'json',
    onEvent: (event) => opts.write(eventLine(event)),
  };
}
