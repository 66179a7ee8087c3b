import type { ModuleResult } from '../model/index.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `wait_for_connection` options. */
export const SPEC: ArgSpec = {
  options: {
    connect_timeout: { type: 'int', default: 5 },
    delay: { type: 'int', default: 0 },
    sleep: { type: 'int', default: 1 },
    timeout: { type: 'int', default: 600 },
  },
};

export interface ConnectionWait {
  /** Seconds before the first try, between tries, and in all. */
  delay: number;
  sleep: number;
  timeout: number;
  connectTimeout: number;
  /** The trivial command that must answer. */
  command: string;
}

/**
 * Drops the host's connection and connects again until `command` answers
 * (rc 0), as ansible-core's action plugin resets the connection and runs
 * `ping` until it answers. Returns the last error on timeout.
 */
export async function untilAnswers(ctx: ModuleContext, w: ConnectionWait): Promise<{ ok: true } | { ok: false; error: string }> {
  const end = Date.now() + w.timeout * 1000;
  let error = 'no attempt made';
  while (Date.now() < end && !ctx.signal.aborted) {
    try {
      await ctx.reconnect!(w.connectTimeout * 1000);
      const res = await ctx.exec(w.command, { timeoutMs: w.connectTimeout * 1000, quiet: true });
      if (res.rc === 0) return { ok: true };
      error = res.timedOut ? 'the test command timed out' : `the test command failed: rc=${res.rc} ${res.stderr.trim()}`;
    } catch (err) {
      error = (err as Error).message;
    }
    await ctx.sleep(w.sleep * 1000);
  }
  return { ok: false, error };
}

/**
 * `wait_for_connection`: the engine does not connect first (a host still
 * down is not unreachable here), then the host's connection is dropped and
 * opened again until a trivial command answers. Skipped in check mode, as
 * ansible-core does.
 */
export const waitForConnectionModule: Module = {
  name: 'wait_for_connection',
  supportsCheck: false,
  connectsItself: true,
  validate: specValidator('wait_for_connection', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('wait_for_connection', SPEC, ctx.args);
    if (!ctx.reconnect) return { failed: true, changed: false, msg: 'wait_for_connection needs the engine to reconnect the host' };
    const start = Date.now();
    if ((a.delay as number) > 0) await ctx.sleep((a.delay as number) * 1000);
    const w = { delay: 0, sleep: a.sleep as number, timeout: a.timeout as number, connectTimeout: a.connect_timeout as number, command: 'echo pong' };
    // As ansible-core, the timeout counts from after the delay; elapsed from the start.
    const r = await untilAnswers(ctx, w);
    const elapsed = Math.floor((Date.now() - start) / 1000);
    if (!r.ok) return { failed: true, changed: false, msg: `timed out waiting for ping module test: ${r.error}`, elapsed };
    return { changed: false, elapsed };
  },
};
