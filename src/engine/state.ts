import type { HostSource, Playbook, TaskLoader, Vars, Vault } from '../model/index.js';
import type { EngineInfo, NewEvent, RunEvent, StepAnswer, TaskRef } from '../events/index.js';
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
  /** `--diff`: modules that can put a `diff` in their results (a task's `diff:` keyword wins). */
  diff?: boolean;
  /** Default for plays without gather_facts (config `gathering`). */
  gatherDefault: boolean;
  /** Config `gathering: smart`: a play's fact gathering skips hosts whose facts this run already gathered (with the subsets it asks for). */
  smartGathering?: boolean;
  emit: (event: NewEvent) => RunEvent;
  /** Builds the transport for a host from its vars. */
  transportFor: (host: string, vars: Vars) => Transport;
  control: RunControl;
  /** Globs of variable names whose values are secret (config `secrets`). */
  secrets?: string[];
  /** Names or globs taken out of `secrets` again (config `secrets_ignore`). */
  secretsIgnore?: string[];
  /** Values masked wherever they appear, whatever their name (e.g. the SMTP password). */
  secretValues?: string[];
  /** The vault passwords' keyring: modules open encrypted files with it, and all it opens is masked. */
  vault?: Vault;
  /** The deploy lock on each target; undefined turns locking off. */
  lock?: LockSettings;
  /** Connection settings from the command line and config (`-c`, `-u`), below keywords and connection vars. */
  connectionDefaults?: { connection?: 'local' | 'ssh'; user?: string };
  /** become settings from the command line and config, below play and task keywords. */
  becomeDefaults?: { become?: boolean; becomeUser?: string; becomeMethod?: string; password?: string };
  /** `--start-at-task`: tasks before the first one matching this are skipped. */
  startAtTask?: string;
  /** `--step`: asked before each task starts on any host (the CLI reads the terminal or the TUI's keys). */
  step?: StepGate;
  /** A drain that takes longer than this turns into a kill (default 60 s). */
  drainTimeoutMs?: number;
  /** Bytes of streamed output the record keeps per task and host (`output_record_max`, default 8 MiB). */
  outputRecordMax?: number;
  /** Identity of this run, for the `run.start` event. */
  runMeta: { runId: string; runDir: string; argv: string[]; engine?: EngineInfo };
  /** `-v` count: the `ansible_verbosity` magic variable (debug's `verbosity:`); views take theirs from the CLI. */
  verbosity?: number;
  /** Speeds up test runs: retries' `delay` is multiplied by this (default 1). */
  delayScale?: number;
}

/** An async job this run started and has not seen end (engine/async-jobs.ts). */
export interface AsyncJobEntry {
  task: string;
  ref: TaskRef;
  /** `async:` seconds. */
  limit: number;
  /** Status reads so far. */
  polls: number;
  /** The starting task was `no_log`: its output lines stay hidden. */
  noLog: boolean;
  /** Date.now() at the start. */
  startedAt: number;
}

/**
 * Where a host stands in the run. Only HostState's transitions change it.
 * - pending: has not started a task yet
 * - running: takes tasks
 * - rescuing: a rescue section runs for its failure (takes tasks)
 * - failed: failed in this play and not rescued; runs nothing more in the run
 * - unreachable: could not be reached; runs nothing more in the run
 * - ended: `meta: end_host` / `end_play` / `end_batch`, or its errors cleared; runs again in the next play
 * - cancelled: a group budget cancelled it; runs nothing more in the run
 * - stopped: any_errors_fatal or max_fail_percentage took it out (not its own failure)
 */
export type HostRunStatus = 'pending' | 'running' | 'rescuing' | 'failed' | 'unreachable' | 'ended' | 'cancelled' | 'stopped';

/** What the engine knows about one host during a run. */
export class HostState {
  readonly name: string;
  /** Gathered facts (`ansible_facts`). */
  facts: Vars = {};
  /** Fact collectors a play's fact gathering ran on the host in this run (`gathering: smart` reuses them). */
  gathered = new Set<string>();
  /** set_fact and register values: they rank above play vars. */
  hostFacts: Vars = {};
  /** include_vars values. */
  includedVars: Vars = {};
  /** Handler indexes notified and not yet run. */
  notified = new Set<number>();
  /** Async jobs this run started on the host and has not seen end (abort kills them). */
  asyncJobs = new Map<string, AsyncJobEntry>();
  /** The last unrescued failure: `ansible_failed_task` / `ansible_failed_result` in rescue. */
  lastFailure?: { task: Vars; result: Vars; ref: TaskRef };
  /** `role : task` of the last task it started (fact gathering and handlers aside): where a resume starts again. */
  lastTask?: string;
  /** `meta: clear_host_errors` ran since this was last reset (a block's `always` resets it for its failed hosts). */
  errorsCleared = false;
  #status: HostRunStatus = 'pending';

  constructor(name: string) {
    this.name = name;
  }

  get status(): HostRunStatus {
    return this.#status;
  }

  /** True while the host can take another task in this play. */
  get active(): boolean {
    return this.#status === 'pending' || this.#status === 'running' || this.#status === 'rescuing';
  }

  get failed(): boolean {
    return this.#status === 'failed';
  }

  get unreachable(): boolean {
    return this.#status === 'unreachable';
  }

  get ended(): boolean {
    return this.#status === 'ended';
  }

  get cancelled(): boolean {
    return this.#status === 'cancelled';
  }

  get stopped(): boolean {
    return this.#status === 'stopped';
  }

  /** Ran at least one task (fact gathering and handlers aside). */
  get touched(): boolean {
    return this.lastTask !== undefined;
  }

  /** Starts a task (`role : task`). */
  touch(task: string): void {
    this.lastTask = task;
    if (this.#status === 'pending') this.#status = 'running';
  }

  /** A failure no ignore_errors let pass. Unreachable and cancelled hosts stay what they are. */
  fail(): void {
    if (this.#status !== 'unreachable' && this.#status !== 'cancelled') this.#status = 'failed';
  }

  /** A rescue section starts for its failure. */
  rescue(): void {
    if (this.#status === 'failed') this.#status = 'rescuing';
  }

  /** Runs on as if it had not failed: its rescue ended, `always` runs, or `meta: clear_host_errors`. */
  recover(): void {
    if (this.#status === 'failed' || this.#status === 'rescuing') this.#status = 'running';
  }

  /**
   * `meta: clear_host_errors`: a failed or unreachable host is out of this
   * play but takes part in the next ones, as in ansible-core.
   */
  clearErrors(): void {
    this.errorsCleared = true;
    if (this.#status === 'failed' || this.#status === 'unreachable') this.#status = 'ended';
  }

  unreach(): void {
    this.#status = 'unreachable';
  }

  /** `meta: end_host` / `end_play`: a failed host stays failed. */
  end(): void {
    if (this.active) this.#status = 'ended';
  }

  /** A new play: an ended host takes tasks again. */
  nextPlay(): void {
    if (this.#status === 'ended') this.#status = this.touched ? 'running' : 'pending';
  }

  /** A group budget cancelled it. */
  cancel(): void {
    if (this.#status !== 'unreachable') this.#status = 'cancelled';
  }

  /** any_errors_fatal / max_fail_percentage: a failed host stays failed. */
  stop(): void {
    if (this.active) this.#status = 'stopped';
  }
}

/** `--step`'s question to the operator: `label` is `TASK: name` or `HANDLER: name`; the promise is the answer. */
export type StepGate = (label: string) => Promise<StepAnswer>;
