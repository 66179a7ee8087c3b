/**
 * The control socket's protocol (DESIGN §12 "Control socket"): one JSON
 * object a line, both ways, over a Unix socket that only the run's owner
 * can open.
 *
 * Client → run: `{"id": 1, "command": "watch" | "state" | "pause" |
 * "resume" | "drain" | "kill", "source"?: "attach" | …}`.
 * Run → client: `hello` first; `ack` (or `state`) for each command, with
 * its `id`; after `watch`, every event of the run so far and then each live
 * one (`event`); `end` with the exit code when the run ends, then the run
 * closes the connection.
 */
import type { RunEvent } from '../events/index.js';

export const PROTOCOL = 1;

/** What a client may ask. */
export type ControlCommand = 'watch' | 'state' | 'pause' | 'resume' | 'drain' | 'kill';
export const COMMANDS: readonly ControlCommand[] = ['watch', 'state', 'pause', 'resume', 'drain', 'kill'];

/** Who asked, as the run's events record it (`run.paused.source`, `abort.requested.source`). */
export const SOURCES = ['attach', 'playwatch abort', 'playwatch pause', 'playwatch resume'] as const;
export type ControlSource = (typeof SOURCES)[number];

export interface ClientMessage {
  id: number;
  command: ControlCommand;
  source?: ControlSource;
}

/** Where the run stands, as `RunControl` has it. */
export interface ControlState {
  paused: boolean;
  draining: boolean;
  killed: boolean;
  ended: boolean;
}

export interface Hello {
  kind: 'hello';
  protocol: typeof PROTOCOL;
  runId: string;
  pid: number;
  /** The playbook as the operator named it. */
  playbook: string;
  runDir: string;
  /** Host name → its groups, for the `/` filter of an attached view. */
  groups: Record<string, readonly string[]>;
}

export type ServerMessage =
  | Hello
  | { kind: 'ack'; id: number; command: ControlCommand; ok: true; state: ControlState }
  | { kind: 'ack'; id: number | null; ok: false; error: string }
  | { kind: 'state'; id: number; runId: string; pid: number; playbook: string; state: ControlState; events: number }
  | { kind: 'event'; event: RunEvent }
  | { kind: 'end'; exitCode: number };

/** A line from a client longer than this is refused: commands are a few dozen bytes. */
export const MAX_CLIENT_LINE = 4096;

/**
 * Splits a byte stream into lines. Calls `onLine` for each whole line
 * (without its newline) and `onTooLong` once when a line passes `max`
 * bytes (the caller closes the connection).
 */
export function lineSplitter(onLine: (line: string) => void, opts: { max?: number; onTooLong?: () => void } = {}) {
  let rest = '';
  let over = false;
  return (chunk: Buffer | string) => {
    if (over) return;
    rest += chunk.toString();
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (line.trim()) onLine(line);
      nl = rest.indexOf('\n');
    }
    if (opts.max !== undefined && rest.length > opts.max) {
      over = true;
      rest = '';
      opts.onTooLong?.();
    }
  };
}

/** A client line read into a message, or why not. */
export function parseClientLine(line: string): ClientMessage | { error: string; id: number | null } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { error: 'not a JSON line', id: null };
  }
  if (!v || typeof v !== 'object') return { error: 'not a JSON object', id: null };
  const o = v as Record<string, unknown>;
  const id = typeof o.id === 'number' && Number.isSafeInteger(o.id) ? o.id : null;
  if (id === null) return { error: "'id' must be a whole number", id: null };
  if (!COMMANDS.includes(o.command as ControlCommand)) {
    return { error: `unknown command ${JSON.stringify(o.command)} (one of ${COMMANDS.join(', ')})`, id };
  }
  const source = SOURCES.includes(o.source as ControlSource) ? (o.source as ControlSource) : undefined;
  return { id, command: o.command as ControlCommand, ...(source ? { source } : {}) };
}
