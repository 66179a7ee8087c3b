/**
 * `playwatch abort`, `pause` and `resume`: one command to a live run over
 * its control socket, no view. Exit 0 once the run has acknowledged, 1 when
 * there is no such live run (or it could not do what was asked).
 */
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { EXIT } from '../engine/index.js';
import { connectControl, type ControlConnection } from './control-client.js';
import { controlDir, findRun } from './control-path.js';
import type { ControlSource } from './control-protocol.js';

/** Flags every control command takes. */
export interface TargetFlags {
  runsDir?: string;
}

/**
 * Connects to the run `arg` names (`<run-id>`, a run directory or `@last`).
 * On failure the reason is printed and the exit code returned.
 */
export async function connectTarget(arg: string, flags: TargetFlags): Promise<{ conn: ControlConnection; runId: string } | { exitCode: number }> {
  const cwd = process.cwd();
  const runsDir = flags.runsDir
    ? path.resolve(cwd, flags.runsDir)
    : loadConfig({ cwd, env: process.env, cli: {} }).settings.runsDir;
  const found = findRun(arg, { runsDir, socketDir: controlDir() });
  if (!found.ok) return refuse(found.message);
  const c = await connectControl(found.socket, found.runId);
  if (!c.ok) return refuse(c.message);
  return { conn: c.conn, runId: found.runId };
}

function refuse(message: string): { exitCode: number } {
  process.stderr.write(`playwatch: ${message}\n`);
  return { exitCode: EXIT.error };
}

type Action = 'drain' | 'kill' | 'pause' | 'resume';

const SOURCE: Record<Action, ControlSource> = { drain: 'playwatch abort', kill: 'playwatch abort', pause: 'playwatch pause', resume: 'playwatch resume' };

/** Sends one action and says what the run answered. */
export async function controlCommand(action: Action, arg: string, flags: TargetFlags): Promise<number> {
  const t = await connectTarget(arg, flags);
  if ('exitCode' in t) return t.exitCode;
  const { conn, runId } = t;
  const answer = await conn.ask(action, SOURCE[action]);
  conn.close();
  if (!answer) return refuse(`run ${runId} went away before it answered`).exitCode;
  if (answer.kind !== 'ack' || !answer.ok) return refuse(`run ${runId} refused: ${'error' in answer ? answer.error : 'no answer'}`).exitCode;
  const st = answer.state;
  if (action === 'pause' && !st.paused) return refuse(`run ${runId} was not paused: ${st.ended ? 'it has ended' : 'it is stopping (drain or kill)'}`).exitCode;
  const pid = conn.hello.pid;
  const said: Record<Action, string> = {
    drain: `run ${runId} (pid ${pid}) is draining: running tasks finish, nothing new starts`,
    kill: `run ${runId} (pid ${pid}) is being killed: running commands and its async jobs are stopped, nothing new starts`,
    pause: `run ${runId} (pid ${pid}) is paused: running tasks finish, nothing new starts until \`playwatch resume ${runId}\``,
    resume: `run ${runId} (pid ${pid}) goes on`,
  };
  process.stdout.write(`${said[action]}\n`);
  return EXIT.ok;
}
