import type { ModuleResult } from '../model/index.js';
import type { TaskRef } from '../events/index.js';
import { fnmatchToRegExp } from '../model/index.js';

export const MASK = '********';
export const NO_LOG_MESSAGE = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** Variable names whose values are secret unless `secrets:` says otherwise (DESIGN §12). */
export const DEFAULT_SECRETS = ['*password*', '*passwd*', '*_pass', '*secret*', '*token*', '*api_key*', '*private_key*', '*credential*'];

/** Keys of a registered result that describe the command, not its output. */
const RESULT_META = new Set(['cmd', 'start', 'end', 'delta', 'msg', 'skip_reason', 'skipped_reason', 'ansible_loop_var', 'censored', 'ansible_job_id', 'results_file', 'invocation']);

/** Secrets shorter than this are not masked: masking "1234" would wreck every line that has it (DESIGN §12). */
export const MIN_SECRET_LENGTH = 6;

export interface SecretNames {
  /** Name globs whose values are secret (case-insensitive). */
  secrets?: readonly string[];
  /** Names or globs taken out again (`secrets_ignore:`). */
  ignore?: readonly string[];
}

/**
 * Knows the run's secret values and masks them by value (DESIGN §11/§12).
 * A value is secret when a key matching the secret globs holds it, at any
 * depth of any variable layer, fact or result the engine shows it (`learn`),
 * or when it came from vault, a prompt or a `no_log` task (`add`). Only
 * strings are secret; one too short to mask gives one warning naming it.
 */
export class SecretMasker {
  private readonly patterns: RegExp[];
  private readonly ignored: RegExp[];
  private readonly nameCache = new Map<string, boolean>();
  private readonly values = new Set<string>();
  /** Secrets by their first character: where a stream's held-back tail may start. */
  private readonly byFirst = new Map<string, string[]>();
  private longest = 0;
  /** The shortest secret: a shorter string cannot hold one (most strings of an event are short). */
  private shortest = Infinity;
  private pattern?: RegExp;
  /** Objects already searched for secret keys (layers are shared between hosts and tasks). */
  private readonly searched = new WeakSet<object>();
  private readonly added = new WeakSet<object>();
  private readonly warned = new Set<string>();
  private readonly warnings: string[] = [];
  /** `task id|host` of the task runs under `no_log`. */
  private readonly hidden = new Set<string>();

  constructor(names: SecretNames | readonly string[] = {}) {
    const n: SecretNames = Array.isArray(names) ? { secrets: names as readonly string[] } : (names as SecretNames);
    this.patterns = globs(n.secrets ?? DEFAULT_SECRETS);
    this.ignored = globs(n.ignore ?? []);
  }

  /** A variable name the globs call secret. */
  isSecretName(name: string): boolean {
    let hit = this.nameCache.get(name);
    if (hit === undefined) {
      hit = this.patterns.some((p) => p.test(name)) && !this.ignored.some((p) => p.test(name));
      this.nameCache.set(name, hit);
    }
    return hit;
  }

  /**
   * Remembers the values under secret-named keys anywhere in `layer`. The
   * layer's own keys are read every time (layers such as set_fact's grow in
   * place); objects below them are searched once.
   */
  learn(layer: unknown): void {
    if (!layer || typeof layer !== 'object') return;
    // Keys, not entries: no [key, value] array per key (every event passes here).
    for (const k of Object.keys(layer)) {
      const v = (layer as Record<string, unknown>)[k];
      if (this.isSecretName(k)) this.addUnder(v, k);
      else if (v && typeof v === 'object') this.search(v);
    }
  }

  private search(v: unknown): void {
    if (!v || typeof v !== 'object' || this.searched.has(v)) return;
    this.searched.add(v);
    if (Array.isArray(v)) v.forEach((x) => this.search(x));
    else this.learn(v);
  }

  /**
   * Every string under a secret-named key is secret, however deep, but for
   * what a registered result says about the command (`register: api_token`
   * makes its output secret, not "non-zero return code" or its timings).
   */
  private addUnder(v: unknown, name: string): void {
    if (typeof v === 'string') this.add(v, `variable '${name}'`);
    else if (Array.isArray(v)) v.forEach((x) => this.addUnder(x, name));
    else if (v && typeof v === 'object' && !this.added.has(v)) {
      this.added.add(v);
      for (const [k, x] of Object.entries(v)) if (!RESULT_META.has(k)) this.addUnder(x, name);
    }
  }

  /**
   * A secret value (strings only; a template is not the value yet). `what`
   * names it in the warning when it is too short to mask; without a name a
   * short value is dropped quietly.
   */
  add(v: unknown, what?: string): void {
    if (typeof v !== 'string' || v.includes('{{') || this.values.has(v)) return;
    if (v.length < MIN_SECRET_LENGTH) {
      if (what && v.length > 0 && !this.warned.has(what)) {
        this.warned.add(what);
        this.warnings.push(`the value of ${what} is too short to mask (under ${MIN_SECRET_LENGTH} characters): it is shown in clear`);
      }
      return;
    }
    this.values.add(v);
    const group = this.byFirst.get(v[0]);
    if (group) group.push(v);
    else this.byFirst.set(v[0], [v]);
    this.longest = Math.max(this.longest, v.length);
    this.shortest = Math.min(this.shortest, v.length);
    this.pattern = undefined;
  }

  /** Marks whether `no_log` is on for this task on this host (set before its first event). */
  hide(task: TaskRef, host: string, on: boolean): void {
    const key = `${task.id}|${host}`;
    if (on) this.hidden.add(key);
    else this.hidden.delete(key);
  }

  /** Whether the events of this task on this host are censored (`no_log`). */
  isHidden(task: TaskRef, host: string): boolean {
    return this.hidden.has(`${task.id}|${host}`);
  }

  /** Warnings gathered since the last call (each named secret warns once per run). */
  takeWarnings(): string[] {
    return this.warnings.splice(0);
  }

  get empty(): boolean {
    return this.values.size === 0;
  }

  /** A copy of `value` with every secret replaced by the mask. */
  mask<T>(value: T): T {
    if (this.empty) return value;
    return this.walk(value) as T;
  }

  /** `text` with every secret masked. */
  maskText(text: string): string {
    if (text.length < this.shortest) return text;
    this.pattern ??= new RegExp([...this.values].sort((a, b) => b.length - a.length).map(escape).join('|'), 'g');
    return text.replace(this.pattern, MASK);
  }

  /**
   * How many characters at the end of `text` could be the start of a secret
   * that the next chunk completes: a stream holds them back.
   */
  heldTail(text: string): number {
    for (let p = Math.max(0, text.length - this.longest + 1); p < text.length; p++) {
      const group = this.byFirst.get(text[p]);
      if (group?.some((secret) => startsWithRest(secret, text, p))) return text.length - p;
    }
    return 0;
  }

  /**
   * Copy-on-write: a value with nothing to mask comes back as itself (every
   * event passes here, and almost none holds a secret), so only the path
   * down to a masked string is copied.
   */
  private walk(v: unknown): unknown {
    if (typeof v === 'string') return this.maskText(v);
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const x = this.walk(v[i]);
        if (x !== v[i]) (out ??= v.slice())[i] = x;
      }
      return out ?? v;
    }
    if (v && typeof v === 'object') {
      let out: Record<string, unknown> | undefined;
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        const x0 = (v as Record<string, unknown>)[k];
        const x = this.walk(x0);
        if (x !== x0) (out ??= { ...(v as Record<string, unknown>) })[k] = x;
      }
      return out ?? v;
    }
    return v;
  }
}

/** What a `no_log` task shows: the outcome, never the output. */
export function censor(result: ModuleResult): ModuleResult {
  if (result._ansible_no_log === true && 'censored' in result) return result;
  const out: ModuleResult = { censored: NO_LOG_MESSAGE, _ansible_no_log: true, changed: Boolean(result.changed) };
  if (result.failed) out.failed = true;
  if (result.skipped) out.skipped = true;
  if (result.unreachable) out.unreachable = true;
  return out;
}

/**
 * What a `no_log` task's output makes secret: its output and the facts it
 * set (the whole strings; a token read with `cat` is its trimmed stdout).
 */
export function noLogValues(result: ModuleResult): string[] {
  const out: string[] = [];
  const take = (r: ModuleResult) => {
    for (const k of ['stdout', 'stderr'] as const) if (typeof r[k] === 'string') out.push((r[k] as string).trim());
    strings(r.ansible_facts, out);
  };
  take(result);
  if (Array.isArray(result.results)) for (const r of result.results) if (r && typeof r === 'object') take(r as ModuleResult);
  return out;
}

function strings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => strings(x, out));
}

/** Whether `secret` starts with `text` from `at` to its end, and goes on past it. */
function startsWithRest(secret: string, text: string, at: number): boolean {
  const n = text.length - at;
  if (secret.length <= n) return false;
  for (let i = 0; i < n; i++) if (secret.charCodeAt(i) !== text.charCodeAt(at + i)) return false;
  return true;
}

function globs(list: readonly string[]): RegExp[] {
  // Names match case-insensitively (`DB_PASSWORD` is a password too).
  return list.map((g) => new RegExp(fnmatchToRegExp(g).source, 'is'));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
