import type { Reporter, ResumePlan, StepAnswer } from '../events/index.js';
import type { RunControl } from '../engine/index.js';
import type { Settings } from '../config/index.js';
import type { Inventory } from '../model/index.js';
import { createPlainPresenter, type PlainShared } from '../reporters/plain.js';
import { createJsonPresenter } from '../reporters/json.js';
import { resumeLines } from './resume.js';
import type { StepAnswers } from './step.js';
import { errorLine } from './stderr.js';
import { loadTui } from './load-tui.js';
import { flushOut, writeOut } from './stdout.js';

export type UiMode = 'tui' | 'plain' | 'json';

/** `--ui`, or tui on a terminal and plain elsewhere (CI=true counts as elsewhere). */
export function uiMode(flag: UiMode | undefined, env: NodeJS.ProcessEnv = process.env): UiMode {
  if (flag) return flag;
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return process.stdout.isTTY && process.stdin.isTTY && !ci ? 'tui' : 'plain';
}

export interface PresenterOptions {
  mode: UiMode;
  settings: Settings;
  summaryOnly?: boolean;
  /** `-v` count, for plain output (the TUI and json show everything their own way). */
  verbosity?: number;
  control: RunControl;
  playbookArg: string;
  runDir: string;
  inventory: Inventory;
  /** The run directory as typed, for the resume commands (their arguments are run.start's, secrets masked). */
  resume: { dir: string };
  /** `--step` in the TUI: its y/n/c keys answer here. */
  step?: StepAnswers;
  /** Plain mode: the profiler and result views run.log's presenter and summary.json share. */
  shared?: PlainShared;
}

/** The presenter, and how it lets go of a terminal that is gone. */
export interface Presenter extends Reporter {
  /**
   * The terminal is gone (SIGHUP, EIO, EPIPE): from now on the presenter
   * writes nothing; the run and the side reporters go on without it.
   */
  hangup(): void;
}

/** The one presenter that owns the screen. The TUI is loaded only when used. */
export async function createPresenter(o: PresenterOptions): Promise<Presenter> {
  const inner = await innerPresenter(o);
  let gone = false;
  return {
    name: inner.reporter.name,
    onEvent(e) {
      if (!gone) inner.reporter.onEvent(e);
    },
    close() {
      return gone ? undefined : inner.reporter.close?.();
    },
    hangup() {
      if (gone) return;
      gone = true;
      inner.hangup?.();
    },
  };
}

async function innerPresenter(o: PresenterOptions): Promise<{ reporter: Reporter; hangup?: () => void }> {
  // Batched per turn of the event loop (stdout.ts); a prompt goes out at once.
  const write = writeOut;
  if (o.mode === 'json') return { reporter: withResumeLines(createJsonPresenter({ write }), o.resume) };
  if (o.mode === 'plain') {
    const plain = createPlainPresenter({
      write,
      profileLimit: o.settings.profileLimit,
      profileSort: o.settings.profileSort,
      customStats: o.settings.showCustomStats,
      summaryOnly: o.summaryOnly,
      verbosity: o.verbosity,
      ...(o.shared ? { shared: o.shared } : {}),
    });
    return { reporter: withResumeLines(plain, o.resume) };
  }
  const { createTuiPresenter } = await loadTui();
  const hostGroups = Object.fromEntries([...o.inventory.hosts].map(([name, h]) => [name, h.groups]));
  const step = o.step;
  return createTuiPresenter({
    control: step ? steeringWithStep(o.control, step) : o.control,
    playbook: o.playbookArg,
    profileLimit: o.settings.profileLimit,
    customStats: o.settings.showCustomStats,
    runDir: o.runDir,
    hostGroups,
    resume: o.resume,
  });
}

/**
 * Plain and json output end with the resume commands on stderr (stdout may
 * be a pipe to another tool), made from the events: `run.end`'s plan and
 * `run.start`'s arguments (masked by the engine, so no secret is printed).
 */
export function withResumeLines(presenter: Reporter, resume: PresenterOptions['resume']): Reporter {
  let plan: ResumePlan | undefined;
  let argv: readonly string[] = [];
  return {
    name: presenter.name,
    onEvent(e) {
      presenter.onEvent(e);
      if (e.type === 'run.start') argv = e.argv;
      if (e.type === 'run.end') plan = e.resume;
    },
    async close() {
      await presenter.close?.();
      flushOut();
      if (plan) errorLine(`\n${resumeLines(plan, argv, resume.dir).join('\n')}`);
    },
  };
}

/** The run's control plus the answer to `--step`'s question, for the TUI's keys. */
function steeringWithStep(control: RunControl, step: StepAnswers) {
  return {
    pause: (source?: string) => control.pause(source),
    resume: (source?: string) => control.resume(source),
    drain: (source?: string) => control.drain(source),
    kill: (source?: string) => control.kill(source),
    answerStep: (a: StepAnswer) => step.answer(a),
  };
}
