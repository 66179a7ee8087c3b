/**
 * Mode, owner and group of an existing path: what must change, the
 * commands that change it (for `changeAndRead` or a bigger script), and
 * the before/after views ansible-core's file diff shows.
 */
import type { AttrView } from './file-diff.js';
import { resolveMode } from './mode.js';
import { chmodCommand, chownCommand, ownerMatches, type FileState } from './remote-file.js';

export interface AttrWant {
  mode?: string | number;
  owner?: string;
  group?: string;
}

export interface AttrPlan {
  /** Commands on the shell word `word` (default `"$p"`); empty when nothing changes. */
  commands: string[];
  changed: boolean;
  /** The mode the path will have (undefined when unknown: no mode asked and the path is new). */
  mode?: number;
  before: AttrView;
  after: AttrView;
}

/**
 * Plans the attribute changes for `state` (an existing path, or one about
 * to be created with `created` as its mode). A bad symbolic mode throws.
 */
export function planAttrs(path: string, state: FileState, want: AttrWant, opts: { word?: string; created?: number } = {}): AttrPlan {
  const word = opts.word ?? '"$p"';
  const current = state.exists ? state.mode ?? 0 : opts.created ?? 0o666 & ~state.umask;
  const isDir = state.exists ? state.type === 'directory' : false;
  const before: AttrView = { path };
  const after: AttrView = { path };
  const commands: string[] = [];
  let mode = state.exists || opts.created !== undefined ? current : undefined;
  if (want.mode !== undefined) {
    const wanted = resolveMode(want.mode, { current, isDir, umask: state.umask });
    if (wanted !== current || !state.exists) {
      if (wanted !== current) {
        before.mode = current;
        after.mode = wanted;
      }
      commands.push(chmodCommand(word, wanted));
    }
    mode = wanted;
  }
  const same = state.exists ? ownerMatches(state, want) : { owner: want.owner === undefined, group: want.group === undefined };
  const chown = { owner: same.owner ? undefined : want.owner, group: same.group ? undefined : want.group };
  if (!same.owner) {
    before.owner = state.owner;
    after.owner = want.owner;
  }
  if (!same.group) {
    before.group = state.group;
    after.group = want.group;
  }
  const cmd = chownCommand(word, chown);
  if (cmd) commands.push(cmd);
  const changed = before.mode !== undefined || !same.owner || !same.group;
  return { commands: state.exists && !changed ? [] : commands, changed, ...(mode !== undefined ? { mode } : {}), before, after };
}
