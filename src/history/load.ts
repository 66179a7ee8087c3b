/**
 * Reading one run back from its directory: the events of `events.jsonl`
 * (a run cut short by a crash or a kill leaves its last line torn: that
 * line is dropped and the run is marked truncated, never refused), and
 * what the directory says beside them (summary.json, the controller file,
 * a live run's control.json).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseRecord, type EventOf, type RunEvent } from '../events/index.js';
import { UserError } from '../model/index.js';

export const EVENTS_FILE = 'events.jsonl';
export const SUMMARY_FILE = 'summary.json';
const CONTROLLER_FILE = 'controller';
const CONTROL_FILE = 'control.json';

/** A run as read from its directory. */
export interface LoadedRun {
  /** The run id (the directory's name, or run.start's). */
  id: string;
  dir: string;
  events: RunEvent[];
  start: EventOf<'run.start'>;
  end?: EventOf<'run.end'>;
  /** The record's last line was cut short (the run died mid-write, or is being written). */
  truncated: boolean;
  /** The controller process as the run recorded it: pid, host, and the user who ran it. */
  controller?: { pid: number; host: string; user?: string };
  /** The run serves a control socket now (control.json is there). */
  serving: boolean;
}

/** Reads a run directory; a UserError when it holds no run record. */
export function loadRun(dir: string): LoadedRun {
  const file = path.join(dir, EVENTS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${dir}: no run record here (${(err as NodeJS.ErrnoException).code === 'ENOENT' ? `no ${EVENTS_FILE}` : (err as Error).message})`);
  }
  const run = fromText(text, dir, file);
  // In a runs directory a run is its directory's name (a copied record keeps its first id inside).
  return { ...run, id: path.basename(path.resolve(dir)) };
}

/** A run from the text of its record (`dir` is where it was read from). */
export function fromText(text: string, dir: string, source = EVENTS_FILE): LoadedRun {
  const events = parseRecord(text, source);
  const start = events[0] as EventOf<'run.start'>;
  const end = [...events].reverse().find((e): e is EventOf<'run.end'> => e.type === 'run.end');
  const run: LoadedRun = {
    id: start.runId || path.basename(dir),
    dir,
    events,
    start,
    truncated: text.length > 0 && !text.endsWith('\n'),
    serving: fs.existsSync(path.join(dir, CONTROL_FILE)),
  };
  if (end) run.end = end;
  const controller = readController(dir);
  if (controller) run.controller = controller;
  return run;
}

/** `<pid> <host> [<user>]`, as the CLI writes it when a run starts. */
function readController(dir: string): LoadedRun['controller'] {
  try {
    const [pid, host, user] = fs.readFileSync(path.join(dir, CONTROLLER_FILE), 'utf8').trim().split(' ');
    if (!(Number(pid) > 0) || !host) return undefined;
    return { pid: Number(pid), host, ...(user ? { user } : {}) };
  } catch {
    return undefined;
  }
}
