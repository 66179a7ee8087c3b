/**
 * Feeding recorded events to presenters: `replayEvents` at the recorded
 * pace (sped up), `followRecord` from a live `events.jsonl` as it grows.
 * Both only read; a presenter sees the events exactly as the live run's
 * presenter did (same objects, same `at` and `wall`).
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { EVENT_SCHEMA, type RunEvent } from '../events/index.js';
import { UserError } from '../model/index.js';

export interface ReplayOptions {
  /** Times faster than recorded (default 1); 0 or Infinity: no waiting. */
  speed?: number;
  /** The longest wait between two events, ms after the speed-up (a night-long pause is not replayed). */
  maxGapMs?: number;
  /** Set to stop early. */
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Hands each event to `deliver`, waiting the recorded gaps (divided by `speed`). Resolves with how many were delivered. */
export async function replayEvents(events: readonly RunEvent[], deliver: (e: RunEvent) => void, o: ReplayOptions = {}): Promise<number> {
  const speed = o.speed ?? 1;
  const maxGap = o.maxGapMs ?? 5000;
  let prev: number | undefined;
  let n = 0;
  for (const e of events) {
    if (o.signal?.aborted) break;
    if (prev !== undefined && speed > 0 && Number.isFinite(speed)) await sleep(Math.min(maxGap, (e.at - prev) / speed), o.signal);
    if (o.signal?.aborted) break;
    prev = e.at;
    deliver(e);
    n++;
  }
  return n;
}

export interface FollowOptions {
  /** How often the file is read again, ms (default 200). Polling works on shared and network file systems, where change notices do not. */
  pollMs?: number;
  signal?: AbortSignal;
  /** Asked when nothing new came for `idleMs`: false ends the follow (the run's controller is gone). */
  stillLive?: () => boolean;
  idleMs?: number;
}

export type FollowEnd = 'ended' | 'stopped' | 'gone';

/**
 * Reads `file` from its start and keeps reading what is appended, one
 * complete line at a time (a line being written waits for its newline),
 * until `run.end`, the signal, or `stillLive` says the writer is gone.
 * Never writes.
 */
export async function followRecord(file: string, deliver: (e: RunEvent) => void, o: FollowOptions = {}): Promise<FollowEnd> {
  const pollMs = o.pollMs ?? 200;
  const idleMs = o.idleMs ?? 5000;
  let offset = 0;
  let partial = '';
  let lineNo = 0;
  let lastNews = Date.now();
  let started = false;
  // A character cut between two reads is put together again.
  const decoder = new StringDecoder('utf8');
  while (!o.signal?.aborted) {
    const chunk = readFrom(file, offset);
    if (chunk.length > 0) {
      offset += chunk.length;
      lastNews = Date.now();
      const lines = (partial + decoder.write(chunk)).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        lineNo++;
        if (!line.trim()) continue;
        let e: RunEvent;
        try {
          e = JSON.parse(line) as RunEvent;
        } catch {
          throw new UserError(`${file}:${lineNo}: not a JSON event`);
        }
        if (!started) {
          if (e.type !== 'run.start') throw new UserError(`${file}: not a playwatch run record (it does not begin with run.start)`);
          const schema = (e as { schema?: unknown }).schema;
          if (schema !== EVENT_SCHEMA) throw new UserError(`${file}: event schema ${JSON.stringify(schema)}: follow reads schema ${EVENT_SCHEMA}; replay the run once it has ended`);
          started = true;
        }
        deliver(e);
        if (e.type === 'run.end') return 'ended';
      }
    } else if (Date.now() - lastNews > idleMs && o.stillLive && !o.stillLive()) return 'gone';
    await sleep(pollMs, o.signal);
  }
  return 'stopped';
}

/** The bytes of `file` from `offset` on, at most 4 MiB (none when it is missing or not yet there). */
export function readFrom(file: string, offset: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= offset) return Buffer.alloc(0);
    const buf = Buffer.alloc(Math.min(size - offset, 4 * 1024 * 1024));
    const n = fs.readSync(fd, buf, 0, buf.length, offset);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}
