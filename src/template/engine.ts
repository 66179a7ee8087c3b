/**
 * The one shared minijinja Environment, and the only place that calls it.
 *
 * A JS filter that throws panics the WASM module and leaves the Environment
 * unusable ("recursive use of an object"). So filters and tests never throw
 * into the engine: `guard()` parks their error, the call finishes, and
 * `call()` rethrows it. If the engine does panic anyway, the next call builds
 * a fresh Environment.
 */
import { createRequire } from 'node:module';
import type { Environment } from 'minijinja-js';

// minijinja compiles its WASM as it loads (~20 ms of CPU): loaded at the
// first render, so a run that renders nothing never pays for it. It is
// CommonJS, so it loads synchronously, as a render needs.
const require = createRequire(import.meta.url);
let Minijinja: typeof import('minijinja-js') | undefined;

/** A filter or test found bad input; the message is for the user. */
export class FilterError extends Error {
  override name = 'FilterError';
}

/**
 * A value printed or passed to `mandatory` was undefined. The caller knows
 * the scope and names the variable.
 */
export class UndefinedSignal extends Error {
  override name = 'UndefinedSignal';
  constructor(readonly mandatory: boolean, readonly customMsg?: string) {
    super('undefined value');
  }
}

type Fn = (...args: any[]) => unknown;

/**
 * One Environment per nesting depth: a lookup (`template`, `vars`) renders
 * while the engine is inside a call, and an Environment cannot be re-entered.
 */
const envs: Array<Environment | undefined> = [];
const globals = new Map<string, Fn>();
let depth = 0;
/** Per depth, the first error a filter, test or global parked there. */
const parked: unknown[] = [];
const filters = new Map<string, Fn>();
const tests = new Map<string, Fn>();

/** Registers a filter for the shared Environment (before or after it exists). */
export function defineFilter(name: string, fn: Fn): void {
  filters.set(name, fn);
  for (const e of envs) e?.addFilter(name, guard(fn));
}

/** Registers a test for the shared Environment. */
export function defineTest(name: string, fn: Fn): void {
  tests.set(name, fn);
  for (const e of envs) e?.addTest(name, guard(fn));
}

/** Registers a global function (`lookup`, `query`) for the shared Environment. */
export function defineGlobal(name: string, fn: Fn): void {
  globals.set(name, fn);
  for (const e of envs) e?.addGlobal(name, guard(fn));
}

/** Names of the global functions playwatch adds. */
export function customGlobalNames(): string[] {
  return [...globals.keys()];
}

/** Names of the filters playwatch adds, for "did you mean" hints. */
export function customFilterNames(): string[] {
  return [...filters.keys()].filter((n) => !n.startsWith('__'));
}

/** Names of the tests playwatch adds. */
export function customTestNames(): string[] {
  return [...tests.keys()];
}

/**
 * Runs one engine call; rethrows what a filter parked, rebuilds the engine
 * after a panic. `chaining`: an attribute or key of an undefined value is
 * undefined rather than an error, as ansible-core's AnsibleUndefined
 * (`nothing.attr | default('x')`); the caller asks for it only where the
 * expression guards against undefined values.
 */
export function call<T>(run: (env: Environment) => T, chaining = false): T {
  const level = depth++;
  parked[level] = undefined;
  let out: T;
  const env = getEnv(level);
  if (chaining) env.undefinedBehavior = 'chainable';
  try {
    out = run(env);
  } catch (e) {
    const p = takeParked(level);
    if (p !== undefined) throw p;
    if (e instanceof Error && e.name === 'RuntimeError') envs[level] = undefined;
    throw e;
  } finally {
    if (chaining) env.undefinedBehavior = 'strict';
    depth = level;
  }
  const p = takeParked(level);
  if (p !== undefined) throw p;
  return out;
}

function takeParked(level: number): unknown {
  const p = parked[level];
  parked[level] = undefined;
  return p;
}

function guard(fn: Fn): Fn {
  return (...args: unknown[]) => {
    try {
      return fn(...args);
    } catch (e) {
      // The call this guard runs inside is the one at depth - 1.
      const level = depth - 1;
      if (parked[level] === undefined) parked[level] = e;
      return undefined;
    }
  };
}

function getEnv(level: number): Environment {
  const have = envs[level];
  if (have) return have;
  Minijinja ??= require('minijinja-js') as typeof import('minijinja-js');
  const e = new Minijinja.Environment();
  e.undefinedBehavior = 'strict';
  e.enablePyCompat();
  e.debug = false;
  // As ansible's Templar: trim_blocks on, trailing newlines kept.
  e.trimBlocks = true;
  e.keepTrailingNewline = true;
  for (const [name, fn] of filters) e.addFilter(name, guard(fn));
  for (const [name, fn] of tests) e.addTest(name, guard(fn));
  for (const [name, fn] of globals) e.addGlobal(name, guard(fn));
  envs[level] = e;
  return e;
}
