import type { ModuleResult, Pos, Task, Vars, Vault } from '../model/index.js';
import type { ExecOptions, ExecResult, Transport } from '../transport/types.js';
import type { JobStatus } from '../transport/async-job.js';

/** What `async_status` read of a job (`status`), or that it removed the job's files (`cleanup`). */
export type JobSeen = { mode: 'status'; status: JobStatus } | { mode: 'cleanup' };

/** What a module gets to do its work on one host. */
export interface ModuleContext {
  host: string;
  /** Args, already rendered (except the module's `rawArgs`). */
  args: Vars;
  /** The task's whole variable scope for this host (read-only). */
  vars: Vars;
  task: Task;
  transport: Transport;
  check: boolean;
  /** Diff mode (`--diff` or the task's `diff:`): put a `diff` (model/diff.ts) in the result. */
  diff: boolean;
  /** Runs a command under the task's become/environment/timeout settings. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Renders `{{ }}` in a value with the task's scope. */
  render(value: unknown): unknown;
  /** Evaluates a bare Jinja expression (`debug: var=`). */
  evalExpr(expr: string): unknown;
  /** Evaluates a condition (`assert: that`). */
  evalCond(expr: string | boolean): boolean;
  /** Aborted when the operator hard-stops the run. */
  signal: AbortSignal;
  /** Sleeps, returning early if aborted. */
  sleep(ms: number): Promise<void>;
  /** `async_status` tells the engine what it saw of a job, so every view follows jobs started with `poll: 0`. */
  jobSeen?(jid: string, seen: JobSeen): void;
  /** Opens vault-encrypted files on the controller (copy and template sources, include_vars). */
  vault?: Vault;
  /** A warning for the operator (`[WARNING]: …`). */
  warn?(message: string): void;
  /**
   * Drops the target's connection and opens a new one (wait_for_connection,
   * reboot); rejects when that fails or takes over `timeoutMs`.
   */
  reconnect?(timeoutMs: number): Promise<void>;
}

export interface Module {
  /** Short name: `command`. `ansible.builtin.command` resolves to it. */
  name: string;
  /** Args the engine must not render; the module evaluates them itself. */
  rawArgs?: string[];
  /** Runs on the controller alone (debug, set_fact…): the engine neither connects to the host nor locks it for it. */
  controllerOnly?: boolean;
  /** Connects by itself (ctx.reconnect): the engine does not connect or lock the host before it runs, so a host still down is not unreachable yet. */
  connectsItself?: boolean;
  /** Whether the module can run in check mode; if not, it is skipped there. */
  supportsCheck: boolean;
  /** Whether a free-form string (`command: ls -l`) is accepted. */
  freeForm?: boolean;
  /** Throws UserError (with `pos`) for bad args at load time. */
  validate?(args: Vars, pos: Pos): void;
  run(ctx: ModuleContext): Promise<ModuleResult>;
}
