import type { ModuleResult, Task, Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import { evalCond, markUnsafe, pyStr, render } from '../template/index.js';
import type { TaskRef } from '../events/index.js';
import type { Frame, PlayContext } from './context.js';
import { scopeFor, scopeWith } from './scope.js';
import { callModule, isNoLog } from './module-call.js';
import { UnreachableError } from '../transport/types.js';
import { toBool } from '../modules/args.js';
import { sleep } from './sleep.js';
import { noteGathered } from './fact-cache.js';
import { censor, noLogValues } from './secrets.js';
import { loopItems, loopRun, loopVars, warnLoopVarInUse } from './loop.js';
import { addCustomStats, applyInventory } from './flow.js';
import { delegateLabel, delegateOf, stateOf, type DelegateLabel } from './connection.js';

export type Outcome = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface HostOutcome {
  status: Outcome;
  result: ModuleResult;
  /** A failure that `ignore_errors` let pass. */
  ignored: boolean;
  /** Where the module ran when the task was delegated (`[w1 -> lb1]`). */
  delegate?: DelegateLabel;
}

/**
 * Runs one task on one host: loop, when, until/retries, changed_when,
 * failed_when, register, ignore_errors. Emits the per-item and retry events;
 * the caller emits the final one (it knows about rescue).
 */
export async function runTaskOnHost(pc: PlayContext, task: Task, host: string, frame: Frame, ref: TaskRef): Promise<HostOutcome> {
  const scope = scopeFor(pc, host, task, frame);
  // Every event of this task on this host is censored from here on (the guard in run.ts does it).
  const noLog = isNoLog(task, scope);
  pc.masker.hide(ref, host, noLog);
  pc.opts.emit({ type: 'host.start', task: ref, host });
  const delegate = delegateLabel(pc, task, host, scope);
  let result: ModuleResult;
  try {
    result = task.loop ? await runLoop(pc, task, host, scope, ref) : await runSingle(pc, task, host, scope, ref);
  } catch (err) {
    if (err instanceof UnreachableError) {
      return { status: 'unreachable', result: { unreachable: true, changed: false, msg: err.message }, ignored: Boolean(task.ignoreUnreachable), delegate };
    }
    throw err;
  }
  if (task.register) pc.hosts.get(host)!.hostFacts[task.register] = markUnsafe(result);
  const outcome: HostOutcome = { ...classify(task, result, scope), delegate };
  if (outcome.status === 'ok' || outcome.status === 'changed') addCustomStats(pc, task, host, result);
  if (!noLog) return outcome;
  // The registered value stays whole and its output is secret from now on; what is shown is censored.
  for (const v of noLogValues(result)) pc.masker.add(v);
  return { ...outcome, result: censor(result) };
}

function classify(task: Task, result: ModuleResult, scope: Vars): HostOutcome {
  if (result.unreachable) return { status: 'unreachable', result, ignored: Boolean(task.ignoreUnreachable) };
  if (result.failed) {
    const ignored = task.ignoreErrors !== undefined && toBool(render(task.ignoreErrors, scope, task.pos));
    return { status: 'failed', result, ignored };
  }
  if (result.skipped) return { status: 'skipped', result, ignored: false };
  return { status: result.changed ? 'changed' : 'ok', result, ignored: false };
}

async function runSingle(pc: PlayContext, task: Task, host: string, scope: Vars, ref: TaskRef): Promise<ModuleResult> {
  const skip = whenSkip(task, scope);
  if (skip) return skip;
  return runWithRetries(pc, task, host, scope, ref);
}

/** `when:` false → the skipped result ansible-core registers. */
function whenSkip(task: Task, scope: Vars): ModuleResult | undefined {
  for (const cond of task.when) {
    let ok: boolean;
    try {
      ok = evalCond(cond, scope, task.pos);
    } catch (err) {
      return { failed: true, msg: (err as Error).message };
    }
    // ansible-core 2.14 has no `false_condition` yet (2.15 added it).
    if (!ok) return { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
  }
  return undefined;
}

async function runLoop(pc: PlayContext, task: Task, host: string, scope: Vars, ref: TaskRef): Promise<ModuleResult> {
  let run;
  try {
    run = loopRun(task, loopItems(task, scope), scope);
  } catch (err) {
    return { failed: true, msg: (err as Error).message };
  }
  const list = run.items;
  if (list.length === 0) return { changed: false, skipped: true, skipped_reason: 'No items in the list', results: [] };
  warnLoopVarInUse(pc, task, scope);
  const results: ModuleResult[] = [];
  for (let i = 0; i < list.length; i++) {
    if (pc.opts.control.killed) break;
    // ansible-core sleeps before every item but the first.
    if (run.pause > 0 && i > 0) await sleep(run.pause * 1000, pc.opts.control.signalFor(host));
    if (pc.opts.control.killed) break;
    const vars = loopVars(run, i);
    const itemScope = scopeWith(pc, scope, vars);
    const label = itemLabel(run.spec.label, list[i], itemScope, task);
    const r = (whenSkip(task, itemScope) ?? (await runWithRetries(pc, task, host, itemScope, ref))) as ModuleResult;
    Object.assign(r, vars);
    results.push(r);
    emitItem(pc, task, host, ref, r, label, itemScope);
  }
  return aggregate(results);
}

/** `(item=…)` as ansible-core prints it: Python's str() of the item or label (`{'src': 'a.j2'}`, `True`). */
function itemLabel(label: string | undefined, item: unknown, scope: Vars, task: Task): string {
  if (label !== undefined) {
    try {
      return pyStr(render(label, scope, task.pos));
    } catch {
      return label;
    }
  }
  return pyStr(item);
}

function emitItem(pc: PlayContext, task: Task, host: string, ref: TaskRef, raw: ModuleResult, item: string, scope: Vars): void {
  const o = classify(task, raw, scope);
  const r = isNoLog(task, scope) ? censor(raw) : raw;
  const emit = pc.opts.emit;
  const d = delegateLabel(pc, task, host, scope);
  if (o.status === 'failed') emit({ type: 'host.failed', task: ref, host, result: r, ignored: o.ignored, item, ...d });
  else if (o.status === 'skipped') emit({ type: 'host.skipped', task: ref, host, result: r, item, ...d });
  else if (o.status !== 'unreachable') emit({ type: 'host.ok', task: ref, host, changed: o.status === 'changed', result: r, item, ...d });
}

/** A loop's registered summary, keyed as ansible-core 2.14 keys it. */
function aggregate(results: ModuleResult[]): ModuleResult {
  const failed = results.some((r) => r.failed);
  const skipped = results.every((r) => r.skipped);
  const out: ModuleResult = {
    changed: results.some((r) => r.changed),
    results,
    msg: failed ? 'One or more items failed' : skipped ? 'All items skipped' : 'All items completed',
    skipped,
  };
  if (failed) out.failed = true;
  return out;
}

/**
 * The module call with until/retries/delay and changed_when/failed_when,
 * following ansible-core 2.14's attempt loop: `failed` and `changed` are
 * always set, `attempts` is there before changed_when/failed_when see it,
 * and when the retries run out `attempts` is the task's `retries` (one less
 * than the attempts made: ansible-core's count, kept for parity).
 */
async function runWithRetries(pc: PlayContext, task: Task, host: string, scope: Vars, ref: TaskRef): Promise<ModuleResult> {
  const attempts = task.until ? attemptsOf(task, scope) : 1;
  const delayMs = task.until ? Number(render(task.delay ?? 5, scope, task.pos)) * 1000 * (pc.opts.delayScale ?? 1) : 0;
  let result: ModuleResult = {};
  for (let attempt = 1; attempt <= attempts; attempt++) {
    result = applyInventory(pc, task, host, withDefaults(await callModule(pc, task, host, scope, ref)));
    if (task.until && !result.skipped) result.attempts = attempt;
    result = applyOverrides(task, result, scope);
    storeFacts(pc, task, host, result, scope);
    if (attempts === 1 || result.skipped) return result;
    let done: boolean;
    try {
      done = evalCond(task.until!, withRegister(task, scope, result), task.pos);
    } catch (err) {
      return { ...result, failed: true, msg: (err as Error).message };
    }
    if (done) return result;
    if (attempt < attempts) {
      const shown = isNoLog(task, scope) ? censor(result) : result;
      pc.opts.emit({ type: 'host.retry', task: ref, host, attempt, retriesLeft: attempts - attempt, result: shown });
      await sleep(delayMs, pc.opts.control.signalFor(host));
      if (pc.opts.control.killed) break;
    }
  }
  return { ...result, failed: true, attempts: attempts - 1 };
}

/** ansible-core sets `failed` (from `rc` when the module did not) and `changed` on every module result. */
function withDefaults(result: ModuleResult): ModuleResult {
  if (result.skipped || result.unreachable) return result;
  const out = { ...result };
  if (!('failed' in out)) out.failed = 'rc' in out && out.rc !== 0 && (out.rc as unknown) !== '0';
  if (!('changed' in out)) out.changed = false;
  return out;
}

/**
 * Facts a module returns land in the precedence layer its kind belongs to,
 * on the task's host, or with `delegate_facts: true` on the delegated host.
 */
function storeFacts(pc: PlayContext, task: Task, host: string, result: ModuleResult, scope: Vars): void {
  const facts = result.ansible_facts as Vars | undefined;
  if (result.failed || !facts || typeof facts !== 'object') return;
  const onDelegate = task.extra.delegate_facts !== undefined && toBool(render(task.extra.delegate_facts, scope, task.pos));
  const delegate = onDelegate ? delegateOf(task, host, scope) : undefined;
  const st = delegate ? stateOf(pc, delegate)! : pc.hosts.get(host)!;
  if (task.module === 'include_vars') Object.assign(st.includedVars, facts);
  else if (task.module === 'set_fact') Object.assign(st.hostFacts, facts);
  // Gathered facts live in `ansible_facts` without the prefix, as in ansible-core.
  else {
    for (const [k, v] of Object.entries(facts)) st.facts[k.replace(/^ansible_/, '')] = v;
    if (task.extra._gather || task.module === 'gather_facts') noteGathered(st, facts);
  }
}

/** Runs of an `until` task: `retries` + 1 (default 3 + 1); `retries: 0` or less runs once, unchecked. */
function attemptsOf(task: Task, scope: Vars): number {
  if (task.retries === undefined) return 4;
  const n = Number(render(task.retries, scope, task.pos));
  if (!Number.isFinite(n)) throw new UserError(`retries must be a number, got '${task.retries}'`, task.pos);
  return n <= 0 ? 1 : n + 1;
}

function withRegister(task: Task, scope: Vars, result: ModuleResult): Vars {
  return task.register ? { ...scope, [task.register]: markUnsafe(result) } : scope;
}

/** changed_when / failed_when see the result under the register name. */
function applyOverrides(task: Task, result: ModuleResult, scope: Vars): ModuleResult {
  if (result.skipped || result.unreachable || (!task.changedWhen && !task.failedWhen)) return result;
  const s = withRegister(task, scope, result);
  const out = { ...result };
  try {
    if (task.changedWhen) out.changed = evalCond(task.changedWhen, s, task.pos);
    if (task.failedWhen) {
      out.failed = evalCond(task.failedWhen, s, task.pos);
      out.failed_when_result = out.failed;
    }
  } catch (err) {
    return { ...out, failed: true, msg: (err as Error).message };
  }
  return out;
}
