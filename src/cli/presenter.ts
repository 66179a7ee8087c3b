import type { Reporter } from '../events/index.js';
import type { RunControl } from '../engine/index.js';
import type { Settings } from '../config/index.js';
import type { Inventory } from '../model/index.js';
import { createPlainPresenter } from '../reporters/plain.js';
import { createJsonPresenter } from '../reporters/json.js';

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
  resumeLines: () => readonly string[];
}

/** The one presenter that owns the screen. The TUI is loaded only when used. */
export async function createPresenter(o: PresenterOptions): Promise<Reporter> {
  const write = (text: string) => void process.stdout.write(text);
  if (o.mode === 'json') return createJsonPresenter({ write });
  if (o.mode === 'plain') {
    return createPlainPresenter({
      write,
      profileLimit: o.settings.profileLimit,
      profileSort: o.settings.profileSort,
      summaryOnly: o.summaryOnly,
      verbosity: o.verbosity,
    });
  }
  const { createTuiPresenter } = await import('./tui.js');
  const hostGroups = Object.fromEntries([...o.inventory.hosts].map(([name, h]) => [name, h.groups]));
  return createTuiPresenter({
    control: o.control,
    playbook: o.playbookArg,
    profileLimit: o.settings.profileLimit,
    runDir: o.runDir,
    hostGroups,
    resumeLines: o.resumeLines,
  }).reporter;
}
