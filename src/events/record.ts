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
 * `strategy: free` one per host); those ids are kept, so an old free run
 * still shows a row per host. Each task gains `play` (from the play it ran
 * in) and `n` (the n-th id of that role + name in the play).
 */
export function upgradeFrom1(events: RunEvent[]): RunEvent[] {
  let play = 0;
  const byId = new Map<number, TaskRef>();
  let names = new Map<string, number>();
  const upgrade = (old: TaskRef): TaskRef => {
    let ref = byId.get(old.id);
    if (!ref) {
      const key = `${old.role ?? ''}\u0000${old.name}`;
      const n = (names.get(key) ?? 0) + 1;
      names.set(key, n);
      byId.set(old.id, (ref = { ...old, play, n }));
    }
    return ref;
  };
  return events.map((e) => {
    if (e.type === 'run.start') return { ...e, schema: EVENT_SCHEMA };
    if (e.type === 'play.start') {
      play = e.index;
      names = new Map();
    }
    return 'task' in e ? ({ ...e, task: upgrade(e.task) } as RunEvent) : e;
  });
}
