import type { HostSource, HostStats, Playbook, TaskLoader, Vars } from '../model/index.js';
import { emptyStats } from '../model/index.js';
import type { NewEvent, RunEvent } from '../events/index.js';
import type { Transport } from '../transport/types.js';
import type { TagFilter } from './tags.js';
import type { RunControl } from './control.js';
import type { LockSettings } from './lock.js';

/** Everything a run is given. The engine reads nothing else from the world. */
export interface RunOptions {
  playbook: Playbook;
  /** The inventory: host patterns, inventory vars, groups (built by `inventory/`). */
  hosts: HostSource;
  /** Vars files and dynamic includes, loaded at run time (built by `playbook/`). */
  loader: TaskLoader;
  /** Host pattern from --limit, if any. */
  limit?: string;
  tags: TagFilter;
  extraVars: Vars;
  forks: number;
  check: boolean;
  /** Default for plays without gather_facts (config `gathering`). */
  gatherDefault: boolean;
  emit: (event: NewEvent) => RunEvent;
  /** Builds the transport for a host from its vars. */
  transportFor: (host: string, vars: Vars) => Transport;
  control: RunControl;
  /** Globs of variable names whose values are secret (config `secrets`). */
  secrets?: string[];
  /** Values masked wherever they appear, whatever their name (e.g. the SMTP password). */
  secretValues?: string[];
  /** The deploy lock on each target; undefined turns locking off. */
  lock?: LockSettings;
  /** become settings from the command line and config, below play and task keywords. */
  becomeDefaults?: { become?: boolean; becomeUser?: string; password?: string };
  /** `--start-at-task`: tasks before the first one matching this are skipped. */
  startAtTask?: string;
  /** A drain that takes longer than this turns into a kill (default 60 s). */
  drainTimeoutMs?: number;
  /** Identity of this run, for the `run.start` event. */
  runMeta: { runId: string; runDir: string; argv: string[] };
  /** `-v` count: the `ansible_verbosity` magic variable (debug's `verbosity:`); views take theirs from the CLI. */
  verbosity?: number;
  /** Speeds up test runs: retries' `delay` is multiplied by this (default 1). */
  delayScale?: number;
}

/** What the engine knows about one host during a run. */
export class HostState {
  readonly name: string;
  stats: HostStats = emptyStats();
  /** Gathered facts (`ansible_facts`). */
  facts: Vars = {};
  /** set_fact and register values: they rank above play vars. */
  hostFacts: Vars = {};
  /** include_vars values. */
  includedVars: Vars = {};
  /** Failed in this play and not rescued: runs nothing more in the play. */
  failed = false;
  /** Ever failed during the run (for the exit code). */
  everFailed = false;
  unreachable = false;
  /** Ended by `meta: end_host`. */
  ended = false;
  /** Cancelled by a group budget before it started: it runs nothing more in this run. */
  cancelled = false;
  /** Taken out of the play by any_errors_fatal or max_fail_percentage (not a failure of its own). */
  stopped = false;
  /** Handler indexes notified and not yet run. */
  notified = new Set<number>();
  /** Async jobs this run started on the host and has not cleaned up (abort kills them). */
  asyncJobs = new Map<string, { task: string }>();
  /** The last unrescued failure: `ansible_failed_task` / `ansible_failed_result` in rescue. */
  lastFailure?: { task: Vars; result: Vars };
  /** Ran at least one task (fact gathering aside). */
  touched = false;
  /** `role : task` of the last task it started: where a resume starts again. */
  lastTask?: string;
  transport?: Transport;
  connected = false;
  /** This run holds the host's deploy lock. */
  lockTaken = false;

  constructor(name: string) {
    this.name = name;
  }

  /** True while the host can take another task in this play. */
  get active(): boolean {
    return !this.failed && !this.unreachable && !this.ended && !this.stopped && !this.cancelled;
  }
}
