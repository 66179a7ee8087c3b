import type { HostStats, Vars } from '../model/index.js';
import type { PlayContext, RunState } from './context.js';
import { HostState, type RunOptions } from './state.js';
import { playHostsOf, runPlay } from './play.js';
import { SecretMasker } from './secrets.js';
import { EventGuard } from './event-guard.js';
import { resumePlan } from './resume.js';
import { watchAborts } from './abort.js';
import { releaseCommand } from './lock.js';
import { ConnectionPool } from './connection.js';
import { TaskIds } from './identity.js';
import { UserError, formatPos } from '../model/index.js';
import { playDirOf } from './scope.js';
import { EVENT_SCHEMA, tallyInto, type NewEvent, type RunEvent, type ResumePlan } from '../events/index.js';

export interface RunOutcome {
  exitCode: number;
  stats: Record<string, HostStats>;
  aborted: boolean;
  /** Set when the run did not finish cleanly. */
  resume?: ResumePlan;
}

/** Exit codes (DESIGN §6). */
export const EXIT = { ok: 0, error: 1, failed: 2, regression: 3, unreachable: 4, aborted: 99, internal: 250 } as const;

/**
 * Runs a whole playbook. Talks to the world only through `opts.emit` and
 * the transports it is given; returns the stats and the exit code.
 */
export async function runPlaybook(given: RunOptions): Promise<RunOutcome> {
  const masker = new SecretMasker({ secrets: given.secrets, ignore: given.secretsIgnore });
  for (const v of given.secretValues ?? []) masker.add(v, 'a password given to playwatch (-k, SMTP)');
  // -e is a layer of every scope, but the command line is shown (run.start) before any scope is built.
  masker.learn(given.extraVars);
  masker.add(given.becomeDefaults?.password, 'become password (-K)');
  // Whatever vault opened (at load time, or later for vars files and modules) is secret (DESIGN §12).
  const unwatchVault = given.vault?.onSecret((v) => masker.add(v));
  // Every event leaves through the guard: reporters never see a secret.
  // The stats are a tally of what left, the same tally every view uses.
  const tallied: Record<string, HostStats> = {};
  const guard = new EventGuard(masker, (e) => {
    const out = given.emit(e);
    tallyInto(tallied, out);
    return out;
  }, given.outputRecordMax);
  // An event the guard keeps back (no_log output, a possible secret's start) is stamped nowhere.
  const emit = (e: NewEvent): RunEvent => guard.emit(e) ?? ({ ...e, at: 0, wall: 0 } as RunEvent);
  const opts: RunOptions = { ...given, emit };
  const hosts = new Map<string, HostState>();
  const invCache = new Map<string, Vars>();
  // Keyed by the play's directory too: playbook-adjacent group_vars/host_vars are the play file's (import_playbook).
  const inventoryVars = (h: string, playDir: string) => {
    const key = `${playDir}\0${h}`;
    let v = invCache.get(key);
    if (!v) invCache.set(key, (v = opts.hosts.varsFor(h, playDir)));
    return v;
  };
  const connections = new ConnectionPool();
  const aborts = watchAborts(opts, hosts, connections);
  const taskIds = new TaskIds();
  const runState: RunState = {
    startAtFound: false,
    connections,
    delegated: new Map<string, HostState>(),
    customStats: {},
    inventoryChanged: () => invCache.clear(),
    statsNow: () => tallied,
    forgiven: new Map(),
  };
  const started = performance.now();
  const planned = opts.playbook.plays.map((p) => playHostsOf(opts, p, hosts));
  const allHosts = planned.flat();
  let reached = 0;
  opts.emit({
    type: 'run.start',
    schema: EVENT_SCHEMA,
    runId: opts.runMeta.runId,
    playbook: opts.playbook.path,
    runDir: opts.runMeta.runDir,
    hosts: [...new Set(allHosts)],
    check: opts.check,
    argv: opts.runMeta.argv,
    ...(opts.runMeta.engine ? { engine: opts.runMeta.engine } : {}),
  });
  let crash: unknown;
  try {
    for (let i = 0; i < opts.playbook.plays.length && !opts.control.stopping; i++) {
      const play = opts.playbook.plays[i];
      const playHosts = playHostsOf(opts, play, hosts);
      // A host so far only delegated to keeps the facts delegate_facts gave it.
      for (const h of playHosts) if (!hosts.has(h)) hosts.set(h, runState.delegated.get(h) ?? new HostState(h));
      for (const h of playHosts) runState.delegated.delete(h);
      opts.emit({ type: 'play.start', index: i, total: opts.playbook.plays.length, name: play.name, hosts: playHosts });
      const playDir = playDirOf(play, opts.playbook.dir);
      const pc: PlayContext = {
        opts,
        play,
        playIndex: i,
        hosts,
        playHosts,
        varsFilesVars: {},
        handlers: [...play.handlers],
        ids: taskIds.forPlay(i),
        inventoryVars: (h: string) => inventoryVars(h, playDir),
        masker,
        run: runState,
      };
      if (playHosts.length) await runPlay(pc);
      // As ansible-core: not an error (a group may be empty in one environment), but never silent.
      else if (planned[i]!.length === 0) opts.emit({ type: 'warning', message: `${formatPos(play.pos)}: no hosts matched the play's pattern '${play.hosts}': skipping it` });
      const breakRun = pc.batch?.breakPlay === true;
      for (const h of playHosts) {
        const st = hosts.get(h)!;
        st.nextPlay();
        st.notified.clear();
      }
      opts.emit({ type: 'play.end', index: i });
      // A play a failed batch broke off did not reach its end: its hosts in later batches never started.
      if (!opts.control.stopping && !breakRun) reached = i + 1;
      if (breakRun) break;
    }
    if (opts.startAtTask && !runState.startAtFound) {
      opts.emit({ type: 'warning', message: `no task matching '${opts.startAtTask}' was found; nothing ran after fact gathering` });
    }
  } catch (err) {
    // A bug in the engine, or an error in the playbook found mid-run: stop the run as a kill
    // does (running commands and this run's async jobs on every host), release the locks,
    // end the record (run.end with exit 250, or 1 for a user error) and rethrow.
    crash = err;
    opts.control.kill(err instanceof UserError ? 'error' : 'internal error');
  } finally {
    await aborts.settle();
    await releaseLocks(opts, connections);
    await Promise.allSettled(connections.all().map((c) => c.transport.close()));
  }
  const stats: Record<string, HostStats> = {};
  // As ansible-core's recap: only hosts something was counted for (a host a failed batch
  // never reached, or one that only ran meta tasks, has no line).
  for (const name of hosts.keys()) if (tallied[name]) stats[name] = tallied[name];
  const aborted = opts.control.stopping && crash === undefined;
  const exitCode = crash === undefined ? exitCodeOf(stats, aborted, runState.forgiven) : crash instanceof UserError ? EXIT.error : EXIT.internal;
  const fatal = crash === undefined ? {} : { fatal: crashMessage(crash) };
  try {
    if (opts.control.stopping) opts.emit({ type: 'abort.done', mode: opts.control.killed ? 'kill' : 'drain' });
    const resume = exitCode === EXIT.ok ? undefined : resumePlan(hosts, planned, reached);
    const custom = Object.keys(runState.customStats).length ? { custom: runState.customStats } : {};
    opts.emit({ type: 'run.end', stats, exitCode, aborted, durationMs: performance.now() - started, ...(resume ? { resume } : {}), ...custom, ...fatal });
    if (crash === undefined) return { exitCode, stats, aborted, resume };
  } catch (err) {
    // The record could not be ended (the crash may be in emitting itself): the first error is the one to tell.
    if (crash === undefined) throw err;
  } finally {
    unwatchVault?.();
  }
  throw crash;
}

/** An error's first line: what the run record keeps of a crash (the stack goes to stderr). */
function crashMessage(err: unknown): string {
  const e = err as Error;
  const text = e instanceof UserError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(err);
  return text.split('\n')[0];
}

/** Gives back every deploy lock this run took, delegated hosts' too (also after an abort). */
async function releaseLocks(opts: RunOptions, pool: ConnectionPool): Promise<void> {
  if (!opts.lock) return;
  await Promise.allSettled(
    pool
      .all()
      .filter((c) => c.lockTaken && c.connected)
      .map(async (c) => {
        const res = await c.transport.exec(releaseCommand(opts.lock!.holder, c.lockPlace), { timeoutMs: 10_000 });
        if (res.rc !== 0) opts.emit({ type: 'warning', message: `${c.target}: could not release the deploy lock: ${res.stderr.trim()}` });
      }),
  );
}

/**
 * The exit code from the counts. A host whose errors `meta: clear_host_errors`
 * cleared counts only what it failed after that, as ansible-core forgets it.
 */
export function exitCodeOf(stats: Record<string, HostStats>, aborted: boolean, forgiven?: ReadonlyMap<string, HostStats>): number {
  if (aborted) return EXIT.aborted;
  const all = Object.entries(stats).map(([h, s]) => {
    const f = forgiven?.get(h);
    return f ? { unreachable: s.unreachable - f.unreachable, failed: s.failed - f.failed } : s;
  });
  if (all.some((s) => s.unreachable > 0)) return EXIT.unreachable;
  if (all.some((s) => s.failed > 0)) return EXIT.failed;
  return EXIT.ok;
}
