/**
 * The TUI presenter: feeds events into the ink app and, when the run ends,
 * replaces the live view with the final view in plain text (it stays in the
 * scrollback). In TUI mode Ctrl-C is a key (raw mode), handled by the app.
 */
// Load it with loadTui (load-tui.ts): React picks its build when it is loaded.
import { createElement } from 'react';
import { render } from 'ink';
import type { Reporter, ResumePlan, RunEvent } from '../events/index.js';
import { App, type RunSteering } from '../ui/App.js';
import { finalLines } from '../ui/final.js';
import { RunStore } from '../ui/store.js';
import { oneLine } from '../ui/text.js';
import { resumeLines } from './resume.js';
import { silence } from './terminal.js';

/** Options of `createTuiPresenter`. */
export interface TuiOptions {
  /** The run's `RunControl`, or the control socket of a run started elsewhere. */
  control: RunSteering;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** The playbook as the operator named it. */
  playbook: string;
  /** Rows of the slowest-task list in the final view (default 10). */
  profileLimit?: number;
  /** CUSTOM STATS under PLAY RECAP (`show_custom_stats`). */
  customStats?: boolean;
  /** The run directory, printed at the end. */
  runDir?: string;
  /** Host name → groups, so `/` can filter by group. */
  hostGroups?: Readonly<Record<string, readonly string[]>>;
  /**
   * How resume commands are phrased: the run directory as the operator
   * would type it. The commands themselves come from the events: the
   * arguments as `run.start` carries them (secrets masked), the plan from
   * `run.end` (printed under the abort summary).
   */
  resume?: { dir: string };
  /** Keep the screen after the run ends until `q` (replay); by default it closes at `run.end`. */
  holdAtEnd?: boolean;
  /** Shortest time between frames, ms (default 100). */
  frameMs?: number;
  /**
   * A view of a run started elsewhere (`attach`): Ctrl-C and `q` detach;
   * the screen is cleared, nothing more is printed and `onDetach` is called.
   */
  watching?: { onDetach: () => void };
  /** A view of a record (`replay`): nothing to steer, so no `a` or `p`. */
  readOnly?: boolean;
  /** The run's clock follows the events' wall times (`replay --follow` and `attach` read events after they happened). */
  wallClock?: boolean;
}

/** The presenter: a reporter for the bus, and `done()` for the final view. */
export interface TuiPresenter {
  reporter: Reporter;
  /** Resolves once the final view is printed and ink has let go of the terminal. */
  done(): Promise<void>;
  /** The terminal is gone: unmount without writing a byte more; later events are not shown. */
  hangup(): void;
  /** A watching view lets go of the screen without the final view (Ctrl-C as a signal before the keys were read). */
  detach(): void;
}

const SHOW_CURSOR = '\x1b[?25h';

/** Starts the ink app at once (it shows "starting" until `run.start`). */
export function createTuiPresenter(opts: TuiOptions): TuiPresenter {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const store = new RunStore({ frameMs: opts.frameMs, wallClock: opts.wallClock });
  // Warnings are events too; while ink draws they would tear its frame, so they follow the final view.
  const warnings: string[] = [];
  let plan: ResumePlan | undefined;
  let argv: readonly string[] = [];
  let finishing: Promise<void> | undefined;
  let resolveDone!: () => void;
  const donePromise = new Promise<void>((r) => (resolveDone = r));

  // Whatever happens (crash, process.exit), the cursor comes back.
  const restoreCursor = () => {
    try {
      stdout.write(SHOW_CURSOR);
    } catch {
      // the stream is gone: nothing to restore
    }
  };
  process.on('exit', restoreCursor);
  // Without raw mode Ctrl-C is a signal, not a key: route it to the same question.
  const rawMode = Boolean(stdin.isTTY && typeof stdin.setRawMode === 'function');
  const onSigint = () => store.interrupt();
  if (!rawMode) process.on('SIGINT', onSigint);

  const finish = (): Promise<void> => {
    finishing ??= (async () => {
      store.close();
      // Let ink draw the empty frame (erasing the live view), then let go of the terminal.
      await new Promise((r) => setImmediate(r));
      instance.unmount();
      await exited.catch(() => undefined);
      const resume = plan && opts.resume ? resumeLines(plan, argv, opts.resume.dir) : undefined;
      const lines = finalLines(store.state, { profileLimit: opts.profileLimit, runDir: opts.runDir, resumeLines: resume, customStats: opts.customStats });
      const warned = warnings.map((w) => `[WARNING]: ${w}`);
      stdout.write(`${[...lines, ...(warned.length ? ['', ...warned] : [])].join('\n')}\n${SHOW_CURSOR}`);
      if (!rawMode) process.off('SIGINT', onSigint);
      process.off('exit', restoreCursor);
      resolveDone();
    })();
    return finishing;
  };

  const instance = render(
    createElement(App, {
      store,
      control: opts.control,
      playbook: opts.playbook,
      groups: opts.hostGroups,
      onQuit: () => void (opts.watching && !store.state.end ? detach() : finish()),
      watching: opts.watching !== undefined,
      readOnly: opts.readOnly === true,
    }),
    {
      stdout,
      stdin,
      exitOnCtrlC: false,
      patchConsole: true,
      maxFps: 10,
      // ink times its own part of a frame; React's part is about as much again.
      onRender: ({ renderTime }) => store.noteFrameCost(renderTime * 2),
    },
  );
  const exited = instance.waitUntilExit();

  const reporter: Reporter = {
    name: 'tui',
    onEvent(event: RunEvent) {
      store.dispatch(event);
      if (event.type === 'warning') warnings.push(oneLine(event.message));
      if (event.type === 'run.start') argv = event.argv;
      if (event.type === 'run.end') plan = event.resume;
      if (event.type === 'run.end' && !opts.holdAtEnd) void finish();
    },
    close() {
      // With holdAtEnd the operator closes the screen with q; otherwise close now.
      if (opts.holdAtEnd && store.state.end) return donePromise;
      return finish();
    },
  };
  /** Lets go of the screen without the final view: `quiet` when the terminal is gone and nothing may be written. */
  const leave = (quiet: boolean, then?: () => void) => {
    if (finishing) return;
    finishing = (async () => {
      if (quiet) silence(stdout);
      store.close();
      await new Promise((r) => setImmediate(r));
      instance.unmount();
      await exited.catch(() => undefined);
      if (!quiet) restoreCursor();
      if (!rawMode) process.off('SIGINT', onSigint);
      process.off('exit', restoreCursor);
      resolveDone();
      then?.();
    })();
  };
  const hangup = () => leave(true);
  const detach = () => leave(false, opts.watching?.onDetach);
  return { reporter, done: () => donePromise, hangup, detach };
}
