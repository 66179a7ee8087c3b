import type { ModuleResult, Task, Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import { evalCond, evalExpr, render } from '../template/index.js';
import { getModule, loadModule } from '../modules/index.js';
import { toBool } from '../modules/args.js';
import type { ModuleContext } from '../modules/types.js';
import { UnreachableError, type ExecOptions, type ExecResult } from '../transport/types.js';
import { wrapCommand } from '../transport/command.js';
import type { TaskRef } from '../events/index.js';
import type { PlayContext } from './context.js';
import { dropOmitted } from './scope.js';
import { sleep } from './sleep.js';
import { reportedCommand } from './command-event.js';
import { takeLockWaiting } from './lock.js';
import { asyncSettings, runAsyncJob, type AsyncOutcome, type AsyncSettings } from './async.js';
import { becomeOf, targetOf, type Conn, type HostPrepared, type Target } from './connection.js';
import { jobSeen } from './async-jobs.js';

/**
 * Runs the task's module once on one host with a ready scope and returns
 * its result. Errors in templates and modules become failed results, and
 * so does a deploy lock held by someone else; only an unreachable host
 * escapes, as the transport's UnreachableError.
 */
export async function callModule(pc: PlayContext, task: Task, host: string, scope: Vars, ref: TaskRef): Promise<ModuleResult> {
  // Loaded with the playbook, except the engine's own tasks' (fact gathering's setup).
  const mod = getModule(task.module) ?? (await loadModule(task.module));
  if (!mod) return { failed: true, msg: `module '${task.module}' is not available` };
  const check = task.checkMode === undefined ? pc.opts.check : toBool(render(task.checkMode, scope, task.pos));
  const diff = task.extra.diff === undefined ? Boolean(pc.opts.diff) : toBool(render(task.extra.diff, scope, task.pos));
  let async: AsyncSettings | undefined;
  try {
    async = asyncSettings(task, scope);
  } catch (err) {
    return failedFrom(err);
  }
  if (async && check) return { changed: false, skipped: true, msg: 'check mode and async cannot be used on same task.' };
  if (check && !mod.supportsCheck) {
    return { changed: false, skipped: true, msg: `skipped: module '${mod.name}' does not support check mode` };
  }
  let args: Vars;
  let target: Target;
  try {
    target = targetOf(pc, task, host, scope);
    args = renderArgs(task, scope, mod.rawArgs ?? []);
  } catch (err) {
    return failedFrom(err);
  }
  const call: AsyncCall = {};
  const ctx = moduleContext(pc, task, host, target, scope, ref, args, check, diff, async ? { settings: async, call } : undefined);
  try {
    if (!mod.controllerOnly && !mod.connectsItself) {
      const prepared = await prepareHost(pc, target);
      if (!prepared.ready) return prepared.result;
    }
    return withAsync(await mod.run(ctx), call.outcome);
  } catch (err) {
    if (err instanceof UnreachableError) throw err;
    return failedFrom(err);
  }
}

/** Where the exec wrapper leaves an async job's outcome for the module call. */
interface AsyncCall {
  outcome?: AsyncOutcome;
}

/** The module's result as the async job's outcome makes it. */
function withAsync(result: ModuleResult, outcome?: AsyncOutcome): ModuleResult {
  if (!outcome) return result;
  if (outcome.kind === 'result') return outcome.result;
  return { ...result, ...outcome.fields };
}

/** The task's args over its `module_defaults` for this module, rendered except the module's raw ones. */
function renderArgs(task: Task, scope: Vars, raw: string[]): Vars {
  const toRender: Vars = {};
  const kept: Vars = {};
  const defaults = (task.extra.module_defaults as Record<string, Vars> | undefined)?.[task.module];
  const args = defaults ? { ...defaults, ...task.args } : task.args;
  for (const [k, v] of Object.entries(args)) (raw.includes(k) ? kept : toRender)[k] = v;
  const rendered = render(toRender, scope, task.pos) as Vars;
  return { ...dropOmitted(rendered), ...kept };
}

function failedFrom(err: unknown): ModuleResult {
  if (err instanceof UserError) return { failed: true, msg: err.message };
  const e = err as Error;
  return { failed: true, msg: `MODULE FAILURE: ${e?.message ?? String(err)}` };
}

/** `no_log: true` (or a template that renders true) on the task; a broken template hides too. */
export function isNoLog(task: Task, scope: Vars): boolean {
  if (task.noLog === undefined) return false;
  try {
    return toBool(render(task.noLog, scope, task.pos));
  } catch {
    return true;
  }
}

function moduleContext(pc: PlayContext, task: Task, host: string, target: Target, scope: Vars, ref: TaskRef, args: Vars, check: boolean, diff: boolean, async?: { settings: AsyncSettings; call: AsyncCall }): ModuleContext {
  const control = pc.opts.control;
  const timeoutSec = task.timeout === undefined ? undefined : Number(render(task.timeout, scope, task.pos));
  const env = environmentOf(task, scope);
  const noLog = isNoLog(task, scope);
  let conn: Conn | undefined;
  return {
    host,
    args,
    vars: scope,
    task,
    // Created on first use; modules go through exec, which also connects.
    get transport() {
      conn ??= connectionOf(pc, target);
      return conn.transport;
    },
    check,
    diff,
    vault: pc.opts.vault,
    warn: (message) => pc.opts.emit({ type: 'warning', message }),
    signal: control.signalFor(host),
    render: (v) => render(v, scope, task.pos),
    evalExpr: (e) => evalExpr(e, scope, task.pos),
    evalCond: (c) => evalCond(c, scope, task.pos),
    sleep: (ms) => sleep(ms, control.signalFor(host)),
    exec: async (command: string, opts: ExecOptions = {}) => {
      const wrapped = wrapCommand(command, { ...becomeOf(pc, task, target, scope), env: env ? stringify(env) : undefined, stdin: opts.stdin });
      const report = (run: () => Promise<ExecResult>) =>
        reportedCommand(pc, ref, host, wrapped.command, noLog, run, () => conn?.transport.describe?.());
      if (async && opts.main) {
        // A detached job cannot answer sudo's prompt; a password on its stdin would reach the command when sudo does not ask.
        if (wrapped.escalation) throw new UserError('become with a password cannot be used with async (the job cannot answer sudo\'s prompt)');
        const transport = async () => (conn = await connected(pc, target)).transport;
        const run = { pc, host, ref, settings: async.settings, transport, dropped: () => void (conn && (conn.connected = false)), noLog };
        return report(async () => {
          const outcome = await runAsyncJob(run, wrapped.command, wrapped.stdin);
          async.call.outcome = outcome;
          return outcome.exec;
        });
      }
      const transport = (conn = await connected(pc, target)).transport;
      return report(() => transport.exec(wrapped.command, {
        ...opts,
        stdin: wrapped.stdin,
        escalation: wrapped.escalation,
        signal: control.signalFor(host),
        timeoutMs: opts.timeoutMs ?? (timeoutSec ? timeoutSec * 1000 : undefined),
        onOutput: (stream, chunk) => {
          opts.onOutput?.(stream, chunk);
          if (!noLog && !opts.quiet) pc.opts.emit({ type: 'host.output', task: ref, host, stream, chunk });
        },
      }));
    },
    reconnect: async (timeoutMs: number) => {
      conn = await reconnect(pc, target, timeoutMs);
    },
    jobSeen: (jid, seen) => jobSeen(pc.opts.emit, pc.hosts.get(host)!, ref, jid, seen, { nextPollIn: untilDelay(pc, task, scope), noLog }),
  };
}

/** Seconds until an until-loop's next attempt (what a status read's `nextPollIn` says); 0 without `until`. */
function untilDelay(pc: PlayContext, task: Task, scope: Vars): number {
  if (!task.until) return 0;
  try {
    return Number(render(task.delay ?? 5, scope, task.pos)) * (pc.opts.delayScale ?? 1) || 0;
  } catch {
    return 0;
  }
}

/**
 * `environment:` merged from play to task: a mapping the loader merged, or
 * (when a level gave a template) its layers, outermost first.
 */
function environmentOf(task: Task, scope: Vars): Vars | undefined {
  const kept = task.extra.environment;
  const layers = kept === undefined ? [] : Array.isArray(kept) ? kept : [kept];
  if (task.environment) layers.push(task.environment);
  if (!layers.length) return undefined;
  const out: Vars = {};
  for (const layer of layers) {
    const v = render(layer, scope, task.pos);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new UserError(`'environment' must render to a mapping, got ${JSON.stringify(v)}`, task.pos);
    }
    Object.assign(out, v);
  }
  return out;
}

function stringify(env: Vars): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/**
 * A new connection to the target in place of its current one (as
 * `meta: reset_connection` does), opened now: an UnreachableError when it
 * fails or takes longer than `timeoutMs` (the transport is then closed).
 */
async function reconnect(pc: PlayContext, target: Target, timeoutMs: number): Promise<Conn> {
  const c = connectionOf(pc, target);
  const old = c.transport;
  c.connected = false;
  c.opening = undefined;
  c.transport = c.make();
  // A dead connection may take long to close: do not wait for it.
  void old.close().catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnreachableError(`timed out connecting after ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([connected(pc, target), late]);
  } catch (err) {
    void c.transport.close().catch(() => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** The target's shared connection: one per machine and settings, a host's own and delegated tasks alike. */
function connectionOf(pc: PlayContext, target: Target): Conn {
  return pc.run.connections.get(target, () => pc.opts.transportFor(target.name, target.conn));
}

/**
 * Readies the machine a module runs on (the task's host or its delegated
 * host, which is touched too) before the first module that runs there:
 * connects it and takes its deploy lock (once a run per connection). A lock
 * held by someone else is the task's failed result; an unreachable machine
 * throws UnreachableError. Hosts delegating to one target at once share
 * its preparation.
 */
export async function prepareHost(pc: PlayContext, target: Target): Promise<HostPrepared> {
  const conn = await connected(pc, target);
  if (!pc.opts.lock || conn.lockTaken) return { ready: true, transport: conn.transport };
  conn.locking ??= lockConn(pc, conn, target).finally(() => (conn.locking = undefined));
  return conn.locking;
}

async function lockConn(pc: PlayContext, conn: Conn, target: Target): Promise<HostPrepared> {
  // The machine's own `playwatch_lock_path`, if set (the release goes there too).
  const place = target.vars.playwatch_lock_path;
  if (typeof place === 'string' && place !== '') conn.lockPlace = String(render(place, target.vars));
  const say = (message: string) => pc.opts.emit({ type: 'warning', message: `${conn.target}: ${message}` });
  const lock = await takeLockWaiting(conn.transport, pc.opts.lock!, conn.lockPlace, { say, signal: pc.opts.control.signal, stopping: () => pc.opts.control.stopping });
  if (!lock.taken) return { ready: false, result: { failed: true, changed: false, locked: true, msg: lock.message } };
  conn.lockTaken = true;
  if (lock.warning) pc.opts.emit({ type: 'warning', message: `${conn.target}: ${lock.warning}` });
  return { ready: true, transport: conn.transport };
}

/**
 * The target's connection, opened on first use and again after a drop.
 * Any failure to connect is an UnreachableError.
 */
export async function connected(pc: PlayContext, target: Target): Promise<Conn> {
  const conn = connectionOf(pc, target);
  if (!conn.connected) {
    conn.opening ??= open(conn).finally(() => (conn.opening = undefined));
    await conn.opening;
  }
  return conn;
}

async function open(conn: Conn): Promise<void> {
  try {
    await conn.transport.connect();
  } catch (err) {
    throw err instanceof UnreachableError ? err : new UnreachableError((err as Error).message);
  }
  conn.connected = true;
}
