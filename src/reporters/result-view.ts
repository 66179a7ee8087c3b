/**
 * What of a module result is shown after `=>`, following ansible's
 * `_clean_results` and `_dump_results`: internal keys, `invocation`, `diff`
 * and `exception` are left out; a debug result shows only its message or
 * variable; warnings are printed as their own lines instead.
 */
import type { ModuleResult } from '../model/index.js';
import type { TaskRef } from '../events/index.js';
import { pyJson } from './pyjson.js';

/** Keys a debug `msg:` result keeps (ansible's `_DEBUG_ALLOWED_KEYS`). */
const DEBUG_ALLOWED = new Set(['msg', 'exception', 'warnings', 'deprecations']);
/** Keys a debug `var:` result drops (ansible's `_hide_in_debug`). */
const DEBUG_HIDDEN = ['changed', 'failed', 'skipped', 'invocation', 'skip_reason'];
/**
 * Never on screen at verbosity 0. `failed` and `skipped` are already said by
 * the line itself (ansible's `TaskResult.clean_copy` drops them).
 */
const SCREEN_HIDDEN = ['invocation', 'diff', 'exception', 'failed', 'skipped'];
/** What a no_log result still shows (ansible's `_PRESERVE`). */
const NO_LOG_KEPT = ['attempts', 'changed', 'retries'];
const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

export interface ResultView {
  /** The result as printed after `=>`. */
  body: Record<string, unknown>;
  /** Lines to print before the host line (`[WARNING]: ...`). */
  notes: string[];
  /** True when the result is shown even on `ok` (debug, `_ansible_verbose_always`), pretty-printed. */
  verbose: boolean;
}

/** True for the debug module under any of its names. */
export function isDebug(task: TaskRef): boolean {
  const m = task.module;
  return m === 'debug' || m === 'ansible.builtin.debug' || m === 'ansible.legacy.debug';
}

/**
 * Prepares a result for display. `loop` drops the per-item `results` of a
 * loop's summary, which were already shown item by item.
 */
export function viewResult(task: TaskRef, result: ModuleResult, opts: { loop?: boolean } = {}): ResultView {
  const debug = isDebug(task);
  const verbose = (debug || result._ansible_verbose_always === true) && result._ansible_verbose_override !== true;
  const body = result._ansible_no_log === true ? censored(result) : (stripInternal(result) as Record<string, unknown>);
  for (const k of SCREEN_HIDDEN) delete body[k];
  if (opts.loop) delete body.results;
  if (debug) cleanDebug(body);
  const notes = [
    ...asList(body.warnings).map((w) => `[WARNING]: ${w}`),
    ...asList(body.deprecations).map((d) => `[DEPRECATION WARNING]: ${deprecationText(d)}`),
  ];
  delete body.warnings;
  delete body.deprecations;
  return { body, notes, verbose };
}

/**
 * Each event's result view, made once for every presenter that prints the
 * event (stdout's and run.log's see the same event objects, one after the
 * other): the last event's view is kept. Views are read, never changed.
 */
export class ViewMemo {
  private event: object | undefined;
  private loop = false;
  private view: ResultView | undefined;

  of(e: { task: TaskRef; result: ModuleResult }, loop = false): ResultView {
    if (e !== this.event || loop !== this.loop || !this.view) {
      this.view = viewResult(e.task, e.result, { loop });
      this.event = e;
      this.loop = loop;
    }
    return this.view;
  }
}

/** The JSON after `=>`: one line, or four-space indented when `verbose`. */
export function dumpResult(view: ResultView): string {
  return pyJson(view.body, view.verbose ? 4 : undefined);
}

/** The label shown as `(item=...)`; a no_log result hides it as ansible does. */
export function itemLabel(item: string, result: ModuleResult): string {
  return result._ansible_no_log === true ? '(censored due to no_log)' : item;
}

function censored(result: ModuleResult): Record<string, unknown> {
  const body: Record<string, unknown> = { censored: CENSORED };
  for (const k of NO_LOG_KEPT) if (k in result) body[k] = result[k];
  return body;
}

function cleanDebug(body: Record<string, unknown>): void {
  if ('msg' in body) {
    for (const k of Object.keys(body)) if (!DEBUG_ALLOWED.has(k)) delete body[k];
  } else {
    for (const k of DEBUG_HIDDEN) delete body[k];
  }
}

/**
 * Drops keys starting with `_` at the top (engine-internal) and
 * `_ansible_*` keys at any depth (ansible's `strip_internal_keys`).
 */
function stripInternal(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => stripInternal(v, depth + 1));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('_ansible_') || (depth === 0 && k.startsWith('_'))) continue;
    out[k] = stripInternal(v, depth + 1);
  }
  return out;
}

function asList(v: unknown): unknown[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

function deprecationText(d: unknown): string {
  if (d !== null && typeof d === 'object' && 'msg' in d) return String((d as { msg: unknown }).msg);
  return String(d);
}
