import type { ConnectionInfo, HostStats, ModuleResult } from '../model/index.js';

/** Fields every event has. */
export interface EventBase {
  /** Monotonic milliseconds since the run started (performance.now based). */
  at: number;
  /** Wall clock, ms since the epoch. */
  wall: number;
}

/** How a task is named on screen: `role : name` or just `name`. */
export interface TaskRef {
  /** Stable id within the run (the n-th task started). */
  id: number;
  name: string;
  role?: string;
  /** `file:line:col` of the task. */
  path: string;
  isHandler?: boolean;
  /** Canonical module name (`command`, `debug`, ...). */
  module?: string;
}

export type RunEvent =
  | (EventBase & {
      type: 'run.start';
      schema: 1;
      runId: string;
      playbook: string;
      runDir: string;
      hosts: string[];
      check: boolean;
      argv: string[];
    })
  | (EventBase & { type: 'play.start'; index: number; total: number; name: string; hosts: string[] })
  | (EventBase & { type: 'batch.start'; index: number; total: number; hosts: string[] })
  | (EventBase & { type: 'task.start'; task: TaskRef })
  | (EventBase & { type: 'handler.start'; task: TaskRef })
  | (EventBase & { type: 'host.start'; task: TaskRef; host: string })
  | (EventBase & {
      type: 'host.ok';
      task: TaskRef;
      host: string;
      changed: boolean;
      result: ModuleResult;
      /** Loop item label when this is one item of a loop. */
      item?: string;
      /** Set on the summary result of a looped task. */
      loop?: boolean;
    })
  | (EventBase & {
      type: 'host.failed';
      task: TaskRef;
      host: string;
      result: ModuleResult;
      ignored: boolean;
      item?: string;
      loop?: boolean;
    })
  | (EventBase & { type: 'host.skipped'; task: TaskRef; host: string; result: ModuleResult; item?: string; loop?: boolean })
  | (EventBase & { type: 'host.unreachable'; task: TaskRef; host: string; result: ModuleResult; ignored?: boolean })
  | (EventBase & { type: 'host.retry'; task: TaskRef; host: string; attempt: number; retriesLeft: number; result: ModuleResult })
  | (EventBase & { type: 'host.rescued'; task: TaskRef; host: string })
  | (EventBase & { type: 'host.output'; task: TaskRef; host: string; stream: 'stdout' | 'stderr'; chunk: string })
  // A command a module ran on the host, after it ended (what `-vvv` shows): the
  // `/bin/sh -c` text (capped; a notice under no_log, with noLog set), its exit code, its wall time in ms.
  | (EventBase & {
      type: 'host.command';
      task: TaskRef;
      host: string;
      command: string;
      rc: number;
      ms: number;
      noLog?: boolean;
      connection?: ConnectionInfo;
    })
  // Async times: elapsed, limit and duration in seconds; nextPollIn seconds after this event.
  | (EventBase & { type: 'async.start'; task: TaskRef; host: string; jid: string; limit: number; poll: number })
  | (EventBase & {
      type: 'async.poll';
      task: TaskRef;
      host: string;
      jid: string;
      elapsed: number;
      limit: number;
      polls: number;
      nextPollIn: number;
      lastLine?: string;
    })
  | (EventBase & { type: 'async.done'; task: TaskRef; host: string; jid: string; rc: number; duration: number; timedOut: boolean })
  | (EventBase & {
      type: 'group.update';
      /** The host's value of `max_concurrent_per`, e.g. `web-a`. */
      key: string;
      hosts: string[];
      busy: number;
      allowed: number;
      done: number;
      failed: number;
      cancelled: number;
      waiting: number;
    })
  | (EventBase & { type: 'host.cancelled'; host: string; group: string; reason: string })
  | (EventBase & { type: 'warning'; message: string })
  | (EventBase & { type: 'abort.requested'; mode: 'drain' | 'kill'; source: string })
  /** The operator paused the run: no new task or batch starts until `run.resumed`. */
  | (EventBase & { type: 'run.paused'; source: string })
  | (EventBase & { type: 'run.resumed'; source: string })
  | (EventBase & { type: 'abort.done'; mode: 'drain' | 'kill' })
  | (EventBase & { type: 'play.end'; index: number })
  | (EventBase & {
      type: 'run.end';
      stats: Record<string, HostStats>;
      exitCode: number;
      aborted: boolean;
      durationMs: number;
      /** Where each host stands, after an abort or a failure: what a resume needs. */
      resume?: ResumePlan;
    });

/** Hosts by how far they got, for the resume commands. */
export interface ResumePlan {
  done: string[];
  notStarted: string[];
  /** Touched but unfinished hosts, grouped by the task to start again at (`role : task`). */
  at: Array<{ task: string; hosts: string[] }>;
}

export type RunEventType = RunEvent['type'];
export type EventOf<K extends RunEventType> = Extract<RunEvent, { type: K }>;

/** An event before the bus stamps its times. */
export type NewEvent = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'at' | 'wall'> : never) : never;

/** A side reporter or presenter. `close` runs after `run.end`; the bus awaits it. */
export interface Reporter {
  name: string;
  onEvent(event: RunEvent): void;
  close?(): Promise<void> | void;
}

/** One handler per kind: a forgotten kind is a compile error. */
export type EventHandlers<R = void> = { [K in RunEventType]: (event: EventOf<K>) => R };
