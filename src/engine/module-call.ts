import type { ModuleResult, Task, Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import { evalCond, evalExpr, render } from '../template/index.js';
import { getModule } from '../modules/index.js';
import { toBool } from '../modules/args.js';
import type { ModuleContext } from '../modules/types.js';
import { UnreachableError, type ExecOptions, type ExecResult, type Transport } from '../transport/types.js';
import { wrapCommand } from '../transport/command.js';
import type { TaskRef } from '../events/index.js';
import type { PlayContext } from './context.js';
import { dropOmitted } from './scope.js';
import { sleep } from './sleep.js';
import { reportedCommand } from './command-event.js';
import { takeLock } from './lock.js';
import { asyncSettings, runAsyncJob, type AsyncOutcome, type AsyncSettings } from './async.js';

/**
 * Runs the task's module once on one host with a ready scope and returns
 * its result. Errors in templates and modules become failed results, and
 * so does a deploy lock held by someone else; only an unreachable host
 * escapes, as the transport's UnreachableError.
 */
export async function callModule(pc: PlayContext, task: Task, host: string, scope: Vars, ref: TaskRef): Promise<ModuleResult> {
  const mod = getModule(task.module);
  if (!mod) return { failed: true, msg: `module '${task.module}' is not available` };
  const check = task.checkMode === undefined ? pc.opts.check : toBool(render(task.checkMode, scope, task.pos));
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
  try {
    args = renderArgs(task, scope, mod.rawArgs ?? []);
  } catch (err) {
    return failedFrom(err);
  }
  const call: AsyncCall = {};
  const ctx = moduleContext(pc, task, host, scope, ref, args, check, async ? { settings: async, call } : undefined);
  try {
    if (!mod.controllerOnly) {
      const prepared = await prepareHost(pc, host);
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

function renderArgs(task: Task, scope: Vars, raw: string[]): Vars {
  const toRender: Vars = {};
  const kept: Vars = {};
  for (const [k, v] of Object.entries(task.args)) (raw.includes(k) ? kept : toRender)[k] = v;
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

function moduleContext(pc: PlayContext, task: Task, host: string, scope: Vars, ref: TaskRef, args: Vars, check: boolean, async?: { settings: AsyncSettings; call: AsyncCall }): ModuleContext {
  const st = pc.hosts.get(host)!;
  const control = pc.opts.control;
  const timeoutSec = task.timeout === undefined ? undefined : Number(render(task.timeout, scope, task.pos));
  const env = task.environment ? (render(task.environment, scope, task.pos) as Vars) : undefined;
  const become = task.become ?? pc.play.become ?? pc.opts.becomeDefaults?.become;
  const becomeUser = task.becomeUser ?? pc.play.becomeUser ?? pc.opts.becomeDefaults?.becomeUser;
  // Goes to sudo on stdin, never on the command line.
  const becomePassword = (scope.ansible_become_password ?? scope.ansible_become_pass ?? pc.opts.becomeDefaults?.password) as string | undefined;
  const noLog = isNoLog(task, scope);
  return {
    host,
    args,
    vars: scope,
    task,
    // Created on first use; modules go through exec, which also connects.
    get transport() {
      if (!st.transport) st.transport = pc.opts.transportFor(host, pc.inventoryVars(host));
      return st.transport;
    },
    check,
    signal: control.signalFor(host),
    render: (v) => render(v, scope, task.pos),
    evalExpr: (e) => evalExpr(e, scope, task.pos),
    evalCond: (c) => evalCond(c, scope, task.pos),
    sleep: (ms) => sleep(ms, control.signalFor(host)),
    exec: async (command: string, opts: ExecOptions = {}) => {
      const wrapped = wrapCommand(command, {
        become: become === undefined ? undefined : toBool(render(become, scope, task.pos)),
        becomeUser: becomeUser === undefined ? undefined : String(render(becomeUser, scope, task.pos)),
        env: env ? stringify(env) : undefined,
        becomePassword: becomePassword === undefined ? undefined : String(render(becomePassword, scope, task.pos)),
        stdin: opts.stdin,
      });
      const report = (run: () => Promise<ExecResult>) => reportedCommand(pc, ref, host, wrapped.command, noLog, run);
      if (async && opts.main) {
        const run = { pc, host, ref, settings: async.settings, transport: () => connected(pc, host), dropped: () => void (st.connected = false) };
        return report(async () => {
          const outcome = await runAsyncJob(run, wrapped.command);
          async.call.outcome = outcome;
          return outcome.exec;
        });
      }
      const transport = await connected(pc, host);
      return report(() => transport.exec(wrapped.command, {
        ...opts,
        stdin: wrapped.stdin,
        signal: control.signalFor(host),
        timeoutMs: opts.timeoutMs ?? (timeoutSec ? timeoutSec * 1000 : undefined),
        onOutput: (stream, chunk) => {
          opts.onOutput?.(stream, chunk);
          if (!noLog) pc.opts.emit({ type: 'host.output', task: ref, host, stream, chunk });
        },
      }));
    },
  };
}

function stringify(env: Vars): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/** A host ready for its modules, or the result that says why not. */
export type HostPrepared = { ready: true; transport: Transport } | { ready: false; result: ModuleResult };

/**
 * Readies a host before the first module that runs there: connects it and
 * takes its deploy lock (once a run). A lock held by someone else is the
 * task's failed result; an unreachable host throws UnreachableError.
 */
export async function prepareHost(pc: PlayContext, host: string): Promise<HostPrepared> {
  const transport = await connected(pc, host);
  const st = pc.hosts.get(host)!;
  if (!pc.opts.lock || st.lockTaken) return { ready: true, transport };
  const lock = await takeLock(transport, pc.opts.lock);
  if (!lock.taken) return { ready: false, result: { failed: true, changed: false, locked: true, msg: lock.message } };
  st.lockTaken = true;
  if (lock.warning) pc.opts.emit({ type: 'warning', message: `${host}: ${lock.warning}` });
  return { ready: true, transport };
}

/**
 * The host's transport, connected on first use and again after a drop.
 * Any failure to connect is an UnreachableError.
 */
export async function connected(pc: PlayContext, host: string): Promise<Transport> {
  const st = pc.hosts.get(host)!;
  if (!st.transport) st.transport = pc.opts.transportFor(host, pc.inventoryVars(host));
  if (!st.connected) {
    try {
      await st.transport.connect();
    } catch (err) {
      throw err instanceof UnreachableError ? err : new UnreachableError((err as Error).message);
    }
    st.connected = true;
  }
  return st.transport;
}
