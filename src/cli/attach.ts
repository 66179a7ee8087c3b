/**
 * `playwatch attach <run|@last>`: the live view of a run started elsewhere
 * (another terminal, a run whose terminal closed, a colleague's run under
 * the same account), fed by the run's control socket: its events so far,
 * then the live ones. The keys are the run's own; `a` + confirm drains or
 * kills the run there. Ctrl-C, `q` and a hangup only detach (DESIGN §12).
 * Exit code: the run's own when it ends while attached, 0 on detach, 1 when
 * there is no such live run.
 */
import path from 'node:path';
import type { Reporter } from '../events/index.js';
import { EXIT } from '../engine/index.js';
import { createJsonPresenter } from '../reporters/json.js';
import { createPlainPresenter } from '../reporters/plain.js';
import type { ControlConnection } from './control-client.js';
import { connectTarget, type TargetFlags } from './control-commands.js';
import type { Hello } from './control-protocol.js';
import { uiMode, withResumeLines, type UiMode } from './presenter.js';
import { installHangup } from './signals.js';
import { guardTerminal, muteTerminal } from './terminal.js';
import { loadTui } from './load-tui.js';

export interface AttachFlags extends TargetFlags {
  ui?: UiMode;
}

type Outcome = 'ended' | 'detached' | 'lost' | 'hangup';

/** A view of the remote run: a reporter for its events, and how it lets go of the terminal. */
interface View {
  reporter: Reporter;
  hangup(): void;
  /** Lets go of the screen on a detach that did not come through the view's keys. */
  detach?(): void;
}

export async function attachCommand(arg: string, flags: AttachFlags): Promise<number> {
  const t = await connectTarget(arg, flags);
  if ('exitCode' in t) return t.exitCode;
  const mode = uiMode(flags.ui);
  const followed = await follow(t.conn, mode);
  t.conn.close();
  return leave(followed, t.runId, t.conn.hello.runDir, mode);
}

interface Followed {
  how: Outcome;
  view: View;
  /** The run's exit code, when it ended. */
  exitCode?: number;
  /** Events shown. */
  seen: number;
}

/** Shows the run's events until it ends, the operator detaches or the terminal goes. */
async function follow(conn: ControlConnection, mode: UiMode): Promise<Followed> {
  let settle!: (o: Outcome) => void;
  const outcome = new Promise<Outcome>((r) => (settle = r));
  const view = await attachedView(mode, conn, () => settle('detached'));
  const got: Omit<Followed, 'how'> = { view, seen: 0 };
  conn.onEvent((e) => {
    got.seen++;
    view.reporter.onEvent(e);
    if (e.type === 'run.end') got.exitCode = e.exitCode;
  });
  conn.onClose((code) => {
    got.exitCode ??= code;
    settle(got.exitCode !== undefined ? 'ended' : 'lost');
  });
  const letGo = () => {
    view.hangup();
    muteTerminal();
    settle('hangup');
  };
  installHangup(letGo);
  guardTerminal(letGo);
  // Ctrl-C as a signal (plain and json; the TUI before it reads keys, or without raw mode) detaches too.
  const onInt = () => {
    view.detach?.();
    settle('detached');
  };
  process.on('SIGINT', onInt);
  await conn.ask('watch', 'attach');
  const how = await outcome;
  process.off('SIGINT', onInt);
  return { how, ...got };
}

/** Lets go of the screen, says why, and picks the exit code. */
async function leave(f: Followed, runId: string, runDir: string, mode: UiMode): Promise<number> {
  if (f.how === 'hangup') return EXIT.ok;
  if (f.how === 'detached') {
    if (mode === 'tui') await f.view.reporter.close?.();
    process.stderr.write(`\nDetached from run ${runId}: it goes on. \`playwatch attach ${runId}\` shows it again, \`playwatch abort ${runId}\` stops it.\n`);
    return EXIT.ok;
  }
  // A run that ended as attach connected has nothing to show but how it ended.
  if (f.seen === 0) {
    if (f.view.detach) f.view.detach();
    else f.view.hangup();
  }
  await f.view.reporter.close?.();
  if (f.how === 'lost') {
    process.stderr.write(`playwatch: run ${runId} went away before its end (its record is in ${runDir})\n`);
    return EXIT.error;
  }
  if (f.seen === 0) process.stderr.write(`playwatch: run ${runId} ended (exit ${f.exitCode}) as attach connected; its record is in ${runDir}\n`);
  return f.exitCode ?? EXIT.error;
}

async function attachedView(mode: UiMode, conn: ControlConnection, onDetach: () => void): Promise<View> {
  const hello: Hello = conn.hello;
  const resume = { dir: shown(hello.runDir) };
  if (mode === 'tui') {
    const { createTuiPresenter } = await loadTui();
    const steer = (command: 'pause' | 'resume' | 'drain' | 'kill') => () => void conn.ask(command, 'attach');
    return createTuiPresenter({
      control: { pause: steer('pause'), resume: steer('resume'), drain: steer('drain'), kill: steer('kill') },
      playbook: hello.playbook,
      runDir: shown(hello.runDir),
      hostGroups: hello.groups,
      resume,
      watching: { onDetach },
      // The run's events so far arrive in a burst as attach connects: its clocks
      // run from when each event happened (the run is on this machine), not
      // from when attach read it.
      wallClock: true,
    });
  }
  let gone = false;
  const write = (text: string) => void (gone || process.stdout.write(text));
  const inner = mode === 'json' ? createJsonPresenter({ write }) : createPlainPresenter({ write });
  const reporter = withResumeLines(inner, resume);
  return {
    reporter: { name: reporter.name, onEvent: (e) => void (gone || reporter.onEvent(e)), close: () => (gone ? undefined : reporter.close?.()) },
    hangup: () => void (gone = true),
  };
}

/** A path as the user would type it: relative when under cwd, else absolute. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel;
}
