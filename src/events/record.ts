/**
 * Reading a run record (`events.jsonl`) back: the events of schema 2 as
 * they are, schema 1 upgraded, anything else refused with a message that
 * names the schema. Every reader of a record goes through `parseRecord`.
 */
import { UserError } from '../model/index.js';
import { EVENT_SCHEMA, type RunEvent, type TaskRef } from './types.js';

/** Schemas this version reads. */
export const READABLE_SCHEMAS: readonly number[] = [1, EVENT_SCHEMA];

/**
 * The events of a record, from its text (one JSON event a line; a torn
 * last line, as a live or killed run leaves it, is dropped). `source`
 * names the file in errors.
 */
export function parseRecord(text: string, source = 'events.jsonl'): RunEvent[] {
  const lines = text.split('\n');
  const events: RunEvent[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      if (i >= lines.length - 2) break;
      throw new UserError(`${source}:${i + 1}: not a JSON event`);
    }
  }
  const start = events[0];
  if (!start || start.type !== 'run.start') throw new UserError(`${source}: not a playwatch run record (it does not begin with run.start)`);
  const schema = (start as { schema?: unknown }).schema;
  if (schema === EVENT_SCHEMA) return events;
  if (schema === 1) return upgradeFrom1(events);
  throw new UserError(
    `${source}: event schema ${JSON.stringify(schema)} is not one this playwatch reads (it reads ${READABLE_SCHEMAS.join(' and ')}); use the playwatch version that recorded it`,
  );
}

/**
 * Schema 1 → 2. Schema 1 gave every start of a task a new id (under
 * `strategy: free` and group budgets one per host, and one per `serial`
 * batch). The upgrade gives them the static ids schema 2 has: the n-th
 * time a host reached the task at one `path` in a play is one occurrence,
 * one id, whichever schema-1 ids its hosts ran it under; a start event
 * repeated for an id within a batch is dropped. Each task gains `play`
 * and `n` as in schema 2.
 */
export function upgradeFrom1(events: RunEvent[]): RunEvent[] {
  const keyOf = occurrences(events);
  let play = 0;
  let names = new Map<string, number>();
  const refs = new Map<string, TaskRef>();
  let started = new Set<number>();
  const upgrade = (old: TaskRef): TaskRef => {
    const key = keyOf.get(old.id) ?? `unrun\u0000${old.id}`;
    let ref = refs.get(key);
    if (!ref) {
      const nameKey = `${old.role ?? ''}\u0000${old.name}${old.isHandler ? '\u0000h' : ''}`;
      const n = (names.get(nameKey) ?? 0) + 1;
      names.set(nameKey, n);
      refs.set(key, (ref = { ...old, id: refs.size, play, n }));
    }
    return ref;
  };
  const out: RunEvent[] = [];
  for (const e of events) {
    if (e.type === 'run.start') out.push({ ...e, schema: EVENT_SCHEMA });
    else if (e.type === 'play.start') {
      play = e.index;
      names = new Map();
      started = new Set();
      out.push(e);
    } else if (e.type === 'batch.start') {
      started = new Set();
      out.push(e);
    } else if (e.type === 'task.start' || e.type === 'handler.start') {
      const task = upgrade(e.task);
      if (started.has(task.id)) continue;
      started.add(task.id);
      out.push({ ...e, task });
    } else out.push('task' in e ? ({ ...e, task: upgrade(e.task) } as RunEvent) : e);
  }
  return out;
}

/** Each schema-1 id's occurrence key (`play`, `path`, the n-th arrival of its first host there). */
function occurrences(events: RunEvent[]): Map<number, string> {
  const keys = new Map<number, string>();
  let play = 0;
  let reached = new Map<string, number>();
  const seen = new Set<string>();
  for (const e of events) {
    if (e.type === 'play.start') {
      play = e.index;
      reached = new Map();
    }
    if (!('task' in e) || !('host' in e)) continue;
    const pair = `${e.task.id}\u0000${e.host}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    const at = `${e.host}\u0000${e.task.path}\u0000${e.task.isHandler ? 'h' : ''}`;
    const n = (reached.get(at) ?? 0) + 1;
    reached.set(at, n);
    if (!keys.has(e.task.id)) keys.set(e.task.id, `${play}\u0000${e.task.path}\u0000${n}\u0000${e.task.isHandler ? 'h' : ''}`);
  }
  return keys;
}
