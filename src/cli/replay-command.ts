/**
 * `playwatch replay <run> [--speed N] [--ui tui|plain|json]`: a recorded
 * run through the same presenter a live run uses (the TUI with its
 * timeline and final view, or the plain output), at its recorded pace
 * sped up. `replay --follow <run-dir>` reads a live run's `events.jsonl`
 * as it grows (a CI job's workspace, a directory shared from another
 * machine): read-only, so Ctrl-C and `q` only stop watching.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Reporter, RunEvent } from '../events/index.js';
import { UserError } from '../model/index.js';
import { EXIT } from '../engine/index.js';
import { loadConfig } from '../config/index.js';
import { createPlainPresenter } from '../reporters/plain.js';
import { createJsonPresenter } from '../reporters/json.js';
import { openRun, runDirOf } from '../history/resolve.js';
import { followRecord, replayEvents, type FollowEnd } from '../history/replay.js';
import { EVENTS_FILE } from '../history/load.js';
import { pidAlive } from '../history/runs.js';
import { uiMode, withResumeLines, type UiMode } from './presenter.js';
import { runsDirOf, shown } from './history-command.js';
import { loadTui } from './load-tui.js';

export interface ReplayFlags {
  runsDir?: string;
  speed?: number;
  ui?: UiMode;
  follow?: boolean;
  junit?: string;
}

/** A presenter for recorded events, and the promise that it has let go of the screen. */
interface View {
  reporter: Reporter;
  done(): Promise<void>;
}

type TuiModule = typeof import('./tui.js');

export async function replayCommand(arg: string, flags: ReplayFlags): Promise<number> {
  const cwd = process.cwd();
  const runsDir = runsDirOf(flags.runsDir, cwd);
  const speed = flags.speed ?? 1;
  if (!(speed >= 0)) throw new UserError('--speed must be a number (0: no waiting)');
  const mode = uiMode(flags.ui);
  // Loaded first, so a view can be made the moment run.start is read.
  const tui = mode === 'tui' ? await loadTui() : undefined;
  const stop = new AbortController();
  const onInt = () => stop.abort();
  process.on('SIGINT', onInt);
  try {
    if (flags.follow) return await follow(runDirOf(arg, runsDir), mode, tui, flags, stop, cwd);
    const named = await openRun(arg, runsDir);
    if (named.kind !== 'record') throw new UserError(`${arg}: a summary.json alone has no events to replay`);
    const run = named.run;
    const view = viewFor(mode, tui, run.start.playbook, run.dir, cwd, () => stop.abort());
    const reporters = [view.reporter, ...(await sideReporters(flags))];
    await replayEvents(run.events, (e) => deliver(reporters, e), { speed, signal: stop.signal });
    await closeAll(reporters);
    await view.done();
    if (run.truncated) process.stderr.write(`\nThe record of run ${run.id} ends in a torn line (the run died mid-write): this is as far as it got.\n`);
    return EXIT.ok;
  } finally {
    process.off('SIGINT', onInt);
  }
}

/** Follows a live record until its run.end (then the run's exit code), a detach (0), or its controller dying (1). */
async function follow(dir: string, mode: UiMode, tui: TuiModule | undefined, flags: ReplayFlags, stop: AbortController, cwd: string): Promise<number> {
  if (!fs.existsSync(dir)) throw new UserError(`no run directory ${dir}`);
  let view: View | undefined;
  const reporters: Reporter[] = await sideReporters(flags);
  let exitCode: number | undefined;
  const how: FollowEnd = await followRecord(
    path.join(dir, EVENTS_FILE),
    (e) => {
      if (!view) {
        view = viewFor(mode, tui, e.type === 'run.start' ? e.playbook : '', dir, cwd, () => stop.abort(), true);
        reporters.unshift(view.reporter);
      }
      if (e.type === 'run.end') exitCode = e.exitCode;
      deliver(reporters, e);
    },
    { signal: stop.signal, stillLive: () => controllerAlive(dir) },
  );
  if (how === 'stopped' && mode === 'tui' && view) {
    // A detach lets go of the screen without the final view: the run is not over.
    (view as View & { detach?: () => void }).detach?.();
  } else await closeAll(reporters);
  await view?.done();
  if (how === 'stopped') {
    process.stderr.write(`\nStopped watching ${shown(cwd, dir)}: the run goes on.\n`);
    return EXIT.ok;
  }
  if (how === 'gone') {
    process.stderr.write(`\nThe run's controller is gone and its record has no end: \`playwatch show ${shown(cwd, dir)}\` says how far it got.\n`);
    return EXIT.error;
  }
  return exitCode ?? EXIT.ok;
}

/** The presenter a live run would use, fed from a record; in the TUI, q and Ctrl-C stop watching. */
function viewFor(mode: UiMode, tui: TuiModule | undefined, playbook: string, runDir: string, cwd: string, onStop: () => void, live = false): View & { detach?: () => void } {
  const settings = loadConfig({ cwd, env: process.env, cli: {} }).settings;
  const resume = { dir: shown(cwd, runDir) };
  if (mode === 'tui' && tui) {
    const nothing = () => undefined;
    const t = tui.createTuiPresenter({
      // A record cannot be steered: the keys that would pause or abort a run do nothing here.
      control: { pause: nothing, resume: nothing, drain: nothing, kill: nothing },
      playbook: shown(cwd, playbook),
      profileLimit: settings.profileLimit,
      customStats: settings.showCustomStats,
      runDir: shown(cwd, runDir),
      resume,
      watching: { onDetach: onStop },
      readOnly: true,
      wallClock: live,
    });
    return { reporter: t.reporter, done: () => t.done(), detach: () => t.detach() };
  }
  const write = (s: string) => void process.stdout.write(s);
  const inner =
    mode === 'json'
      ? createJsonPresenter({ write })
      : createPlainPresenter({ write, profileLimit: settings.profileLimit, profileSort: settings.profileSort, customStats: settings.showCustomStats });
  return { reporter: withResumeLines(inner, resume), done: async () => undefined };
}

/** `--junit FILE`. */
async function sideReporters(flags: ReplayFlags): Promise<Reporter[]> {
  if (!flags.junit) return [];
  const { createJunitReporter } = await import('../reporters/junit.js');
  return [createJunitReporter({ file: path.resolve(flags.junit) })];
}

/** A reporter that throws is left out from then on, as the bus does. */
function deliver(reporters: Reporter[], e: RunEvent): void {
  for (const r of [...reporters]) {
    try {
      r.onEvent(e);
    } catch (err) {
      reporters.splice(reporters.indexOf(r), 1);
      process.stderr.write(`[WARNING]: ${r.name} failed and was turned off: ${(err as Error).message}\n`);
    }
  }
}

async function closeAll(reporters: Reporter[]): Promise<void> {
  for (const r of reporters) {
    try {
      await r.close?.();
    } catch (err) {
      process.stderr.write(`[WARNING]: ${r.name} failed while closing: ${(err as Error).message}\n`);
    }
  }
}

/** The run's controller on this machine is alive; a run on another machine is taken to be. */
function controllerAlive(dir: string): boolean {
  try {
    const [pid, host] = fs.readFileSync(path.join(dir, 'controller'), 'utf8').trim().split(' ');
    return host !== os.hostname() || pidAlive(Number(pid));
  } catch {
    return true;
  }
}
