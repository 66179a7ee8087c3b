import type { NewEvent, RunEvent } from '../events/index.js';
import { censor, MASK, type SecretMasker } from './secrets.js';
import { NO_LOG_COMMAND } from './command-event.js';

/** A `no_log` loop item's label, as ansible-core's default callback shows it. */
export const NO_LOG_ITEM = '(censored due to no_log)';

type Sink = (e: NewEvent) => RunEvent;
type OutputEvent = Extract<NewEvent, { type: 'host.output' }>;

/**
 * The one door every event leaves the engine by, so every view (screen,
 * events.jsonl, run.log, host logs, JSON, the archive) gets the same
 * censored record:
 * - secret-named keys in the event teach the masker their values;
 * - an event of a `no_log` task on a host is censored as ansible-core
 *   censors its callbacks' data (result, loop item, async output line,
 *   command text), and its streamed output is not emitted at all;
 * - streamed output is masked with a carry-over: the tail of a chunk that
 *   could start a secret waits for the next chunk (or the stream's end),
 *   so a secret printed in two pieces is still caught;
 * - every string is masked, then the masker's warnings follow.
 */
export class EventGuard {
  /** Held-back output per task, host and stream (already masked text). */
  private readonly held = new Map<string, OutputEvent>();

  constructor(
    private readonly masker: SecretMasker,
    private readonly sink: Sink,
  ) {}

  emit(e: NewEvent): RunEvent | undefined {
    if (e.type === 'host.output') return this.output(e);
    this.masker.learn(e);
    if ('task' in e && 'host' in e) this.flush(`${e.task.id}|${e.host}|`);
    if (e.type === 'run.end') this.flush('');
    const out = this.sink(this.masker.mask(this.censored(e)));
    this.warn();
    return out;
  }

  private censored(e: NewEvent): NewEvent {
    if (!('task' in e && 'host' in e) || !this.masker.isHidden(e.task, e.host)) return e;
    const c = { ...e } as Record<string, unknown>;
    if (c.result && typeof c.result === 'object') c.result = censor(c.result as never);
    if (typeof c.item === 'string') c.item = NO_LOG_ITEM;
    if (e.type === 'async.poll') delete c.lastLine;
    if (e.type === 'host.command') Object.assign(c, { command: NO_LOG_COMMAND, noLog: true });
    return c as NewEvent;
  }

  private output(e: OutputEvent): RunEvent | undefined {
    if (this.masker.isHidden(e.task, e.host)) return undefined;
    const key = `${e.task.id}|${e.host}|${e.stream}`;
    const text = this.masker.maskText((this.held.get(key)?.chunk ?? '') + e.chunk);
    // A whole mask is never the start of a secret; look for one only after the last.
    const lastMask = text.lastIndexOf(MASK);
    const after = lastMask < 0 ? 0 : lastMask + MASK.length;
    const keep = Math.min(this.masker.heldTail(text), text.length - after);
    if (keep) this.held.set(key, { ...e, chunk: text.slice(text.length - keep) });
    else this.held.delete(key);
    if (keep === text.length) return undefined;
    const out = this.sink({ ...e, chunk: text.slice(0, text.length - keep) });
    this.warn();
    return out;
  }

  /** Lets out held-back output whose key starts with `prefix`: its stream ended. */
  private flush(prefix: string): void {
    for (const [key, e] of [...this.held]) {
      if (!key.startsWith(prefix)) continue;
      this.held.delete(key);
      this.sink(e);
    }
  }

  private warn(): void {
    for (const message of this.masker.takeWarnings()) this.sink({ type: 'warning', message });
  }
}
