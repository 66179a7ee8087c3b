import type { ConnectionInfo, HostStats, ModuleResult, Vars } from '../model/index.js';

/** Fields every event has. */
export interface EventBase {
  /** Monotonic milliseconds since the run started (performance.now based). */
  at: number;
  /** Wall clock, ms since the epoch. */
  wall: number;
}

/**
 * On result events of a delegated task: the host the module ran on
 * (`delegate_to`, as rendered) and its address when that differs from its
 * name; ansible-core shows them as `[w1 -> lb1(10.0.0.5)]`.
 */
export interface Delegated {
  delegate?: string;
  delegateAddress?: string;
}

/**
 * A task's static identity (DESIGN §12): one task occurrence in a play,
 * the same for every host that runs it, under every strategy, budget and
 * `serial` batch. Each host's run of it is an instance (its `host.*` events).
 */
export interface TaskRef {
  /**
   * Unique within the run: one per task occurrence in a play. The n-th
   * time any host reaches the task written at `path` in play `play` is the
   * same occurrence, so every host's run of it carries this id.
   */
  id: number;
  name: string;
  role?: string;
  /** `file:line:col` of the task. */
  path: string;
  /** Index of the play (0-based), as in `play.start`. */
  play: number;
  /** The n-th occurrence (1-based) of this `role` + `name` in the play: what compare matches runs by. */
  n: number;
  isHandler?: boolean;
  /** Canonical module name (`command`, `debug`, ...). */
  module?: string;
}

/**
 * Version of the event format (docs/EVENTS.md), carried by `run.start`.
 * 2: static task ids (one per task occurrence, shared by every host),
 * `TaskRef.play` and `TaskRef.n`, `host.rescued` emitted.
 */
export const EVENT_SCHEMA = 2;

export type RunEvent =
  | (EventBase & {
      type: 'run.start';
      schema: typeof EVENT_SCHEMA;
      runId: string;
      playbook: string;
      runDir: string;
      hosts: string[];
      check: boolean;
      argv: string[];
      /** Which engine runs the playbook, when not simply the native default: `--engine ansible`, or what `--engine auto` chose and why. */
      engine?: EngineInfo;
    })
  | (EventBase & { type: 'play.start'; index: number; total: number; name: string; hosts: string[] })
  | (EventBase & { type: 'batch.start'; index: number; total: number; hosts: string[] })
  | (EventBase & { type: 'task.start'; task: TaskRef })
  | (EventBase & { type: 'handler.start'; task: TaskRef })
  | (EventBase & { type: 'host.start'; task: TaskRef; host: string })
  | (EventBase & Delegated & {
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
  | (EventBase & Delegated & {
      type: 'host.failed';
      task: TaskRef;
      host: string;
      result: ModuleResult;
      ignored: boolean;
      item?: string;
      loop?: boolean;
    })
  | (EventBase & Delegated & { type: 'host.skipped'; task: TaskRef; host: string; result: ModuleResult; item?: string; loop?: boolean })
  | (EventBase & Delegated & { type: 'host.unreachable'; task: TaskRef; host: string; result: ModuleResult; ignored?: boolean })
  | (EventBase & { type: 'host.retry'; task: TaskRef; host: string; attempt: number; retriesLeft: number; result: ModuleResult })
  | (EventBase & { type: 'host.rescued'; task: TaskRef; host: string })
  // `dropped`: set only on the one marker that ends a task's output on a host
  // whose output passed the record's budget: the bytes not recorded.
  | (EventBase & { type: 'host.output'; task: TaskRef; host: string; stream: 'stdout' | 'stderr'; chunk: string; dropped?: number })
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
  // async.poll and async.done come from the engine's own polls (`poll: N`) and from `async_status` reading a job this run started.
  | (EventBase & {
      type: 'async.done';
      task: TaskRef;
      host: string;
      jid: string;
      rc: number;
      duration: number;
      timedOut: boolean;
      /**
       * Set when the job's exit code is not known (rc is -1): `cleaned` (async_status
       * `mode: cleanup` removed it before it was seen to finish; it may run on until its
       * limit), `missing` (its status files vanished), `killed` (the operator's kill).
       */
      reason?: 'cleaned' | 'missing' | 'killed';
    })
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
  /**
   * From the run's controller, which reads the history: the host's current
   * task has run longer than it usually takes (`thresholdMs`: the larger of
   * 3 x p95 and p95 + 30 s of its durations in earlier runs of the playbook).
   * Once per host and task instance; the task is still running.
   */
  | (EventBase & { type: 'host.slow'; task: TaskRef; host: string; elapsedMs: number; p95Ms: number; thresholdMs: number; runs: number })
  | (EventBase & { type: 'abort.requested'; mode: 'drain' | 'kill'; source: string })
  /**
   * `--step`: the engine waits for the operator's answer before the task
   * starts on any host (`label` as ansible-core's prompt names the task: `TASK: x`,
   * `HANDLER: x`). `step.answer` follows, unless the run is stopped first.
   */
  | (EventBase & { type: 'step.ask'; label: string })
  /** `no` skips the task (no start, no result, not counted); `continue` runs it and the rest of the batch without asking. */
  | (EventBase & { type: 'step.answer'; label: string; answer: StepAnswer })
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
      /**
       * Set when the run stopped on an error rather than ending: the error's first line. A
       * bug in the engine (exitCode 250) or an error in the playbook found mid-run (1); the
       * run was stopped as a kill stops it and its locks were released.
       */
      fatal?: string;
      /** `set_stats` data (ansible-core's custom stats): per host, and the whole run's under `_run`. Absent when no task set any. */
      custom?: Record<string, Vars>;
    });

/** The engine of a run (run.start's `engine`). */
export interface EngineInfo {
  name: 'native' | 'ansible';
  /** ansible-core's version, under `ansible`. */
  version?: string;
  /** Why `--engine auto` chose it (`module 'community.docker.docker_container' is not built into playwatch`). */
  reason?: string;
}

/** Hosts by how far they got, for the resume commands. */
export interface ResumePlan {
  done: string[];
  notStarted: string[];
  /** Touched but unfinished hosts, grouped by the task to start again at (`role : task`). */
  at: Array<{ task: string; hosts: string[] }>;
}

export type RunEventType = RunEvent['type'];

/** The operator's answer to a `--step` question: ansible-core's (y)es, (N)o, (c)ontinue. */
export type StepAnswer = 'yes' | 'no' | 'continue';

/** Every kind, checked against the union: a kind missing here (or one too many) is a compile error. */
const KINDS = {
  'run.start': true,
  'play.start': true,
  'batch.start': true,
  'task.start': true,
  'handler.start': true,
  'host.start': true,
  'host.ok': true,
  'host.failed': true,
  'host.skipped': true,
  'host.unreachable': true,
  'host.retry': true,
  'host.rescued': true,
  'host.output': true,
  'host.command': true,
  'async.start': true,
  'async.poll': true,
  'async.done': true,
  'group.update': true,
  'host.cancelled': true,
  warning: true,
  'host.slow': true,
  'abort.requested': true,
  'step.ask': true,
  'step.answer': true,
  'run.paused': true,
  'run.resumed': true,
  'abort.done': true,
  'play.end': true,
  'run.end': true,
} as const satisfies Record<RunEventType, true>;

/** Every event kind of the union, at run time (docs/EVENTS.md documents each). */
export const EVENT_KINDS = Object.keys(KINDS) as RunEventType[];
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
