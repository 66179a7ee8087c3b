/**
 * Holds the run state between events and frames. Events wait in a queue
 * and are folded in one go (`reduceAll`) when a frame is due or someone
 * reads the state; the screen hears about them at most once per frame
 * (100 ms by default): a burst of a thousand events costs one fold and
 * one render, and each touched host's chunk is copied once per frame.
 */
import { performance } from 'node:perf_hooks';
import { initialState, reduceAll, type RunEvent, type RunState } from '../events/index.js';

const NOW = new Set<RunEvent['type']>(['run.end', 'abort.requested', 'run.paused', 'run.resumed']);

/** Options of a `RunStore`. */
export interface StoreOptions {
  /** Shortest time between two published states, ms (default 100: ten frames a second). */
  frameMs?: number;
  /** A monotonic clock in ms (tests inject one). */
  now?: () => number;
  /** A state to start from (replay, tests). */
  state?: RunState;
  /**
   * The run's clock follows the events' wall times (`replay --follow`,
   * `attach`): events read long after they happened still run the clock
   * from when they happened, not from when they were read.
   */
  wallClock?: boolean;
}

/** The run state, published to the screen at a bounded rate. */
export class RunStore {
  private current: RunState;
  /** Events not yet folded into `current`. */
  private pending: RunEvent[] = [];
  private published: RunState;
  private readonly listeners = new Set<() => void>();
  private readonly interruptListeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastPublish = -Infinity;
  /** Local clock reading when the latest event arrived, to run the clock between events. */
  private receivedAt: number;
  private readonly frameMs: number;
  /** Current gap between frames: grows when frames are slow (see `noteFrameCost`). */
  private gapMs: number;
  private costMs = 0;
  private readonly clockFn: () => number;
  private readonly wallClock: boolean;
  /** Set when the presenter closes: the app renders nothing more. */
  closed = false;

  constructor(opts: StoreOptions = {}) {
    this.frameMs = opts.frameMs ?? 100;
    this.gapMs = this.frameMs;
    this.clockFn = opts.now ?? (() => performance.now());
    this.wallClock = opts.wallClock === true;
    this.current = opts.state ?? initialState();
    this.published = this.current;
    this.receivedAt = this.clockFn();
  }

  /** The latest state, including events not yet published. */
  get state(): RunState {
    return this.fold();
  }

  /** Takes one event in and schedules a frame (the event is folded in then, or when the state is read). */
  dispatch(event: RunEvent): void {
    this.pending.push(event);
    // With wall times: as if it had arrived when it happened (never later than now).
    this.receivedAt = this.clockFn() - (this.wallClock ? Math.max(0, Date.now() - event.wall) : 0);
    // What the operator just asked for shows at once, not a frame later.
    if (NOW.has(event.type)) this.publish();
    else this.schedule();
  }

  /** The run's clock now, in event time: the latest event's `at` plus the time since it arrived. */
  now(): number {
    const s = this.fold();
    if (s.end) return s.end.at;
    return s.lastAt + Math.max(0, this.clockFn() - this.receivedAt);
  }

  /** The state the screen shows (useSyncExternalStore's snapshot). */
  snapshot = (): RunState => this.published;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Publishes the latest state now. */
  publish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastPublish = this.clockFn();
    this.fold();
    if (this.published === this.current) return;
    this.published = this.current;
    for (const fn of this.listeners) fn();
  }

  /** Marks the store closed and tells the screen (it then renders nothing). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // A new identity, so the screen renders once more (and draws nothing).
    this.published = { ...this.fold() };
    for (const fn of this.listeners) fn();
  }

  /**
   * Tells the store what the last frame cost (ms of render work). Frames are
   * then spaced so drawing takes at most about a tenth of a core: a slow or
   * busy machine gets fewer frames rather than a busier CPU (a frame's cost
   * is ink drawing the whole screen, whatever changed; at 10 frames a
   * second a frame under 10 ms keeps the full rate).
   */
  noteFrameCost(ms: number): void {
    // A moving average, so one slow frame (the first one, a resize) does not stall the screen.
    this.costMs = this.costMs * 0.7 + ms * 0.3;
    this.gapMs = Math.min(1000, Math.max(this.frameMs, this.costMs * 10));
  }

  /** Ctrl-C arriving as a signal (no raw mode): the app treats it like the key. */
  interrupt(): void {
    for (const fn of this.interruptListeners) fn();
  }

  onInterrupt(fn: () => void): () => void {
    this.interruptListeners.add(fn);
    return () => this.interruptListeners.delete(fn);
  }

  /** Folds the queued events into the current state. */
  private fold(): RunState {
    if (this.pending.length) {
      const events = this.pending;
      this.pending = [];
      this.current = reduceAll(this.current, events);
    }
    return this.current;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastPublish + this.gapMs - this.clockFn());
    this.timer = setTimeout(() => this.publish(), wait);
    this.timer.unref();
  }
}
