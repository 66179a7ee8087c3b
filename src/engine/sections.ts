import type { Play, Task, Vars } from '../model/index.js';
import { EMPTY_FRAME, type PlayContext } from './context.js';
import { flushHandlers, runNodes } from './nodes.js';
import { runTask } from './task.js';
import { alreadyGathered } from './fact-cache.js';

/** Facts, then the sections with their handler flushes, over a set of hosts (linear). */
export async function runHosts(pc: PlayContext, hosts: string[]): Promise<void> {
  const { play } = pc;
  if (play.gatherFacts && !pc.opts.control.stopping) {
    const task = gatherTask(play);
    const need = pc.opts.smartGathering ? hosts.filter((h) => !alreadyGathered(pc.hosts.get(h)!, task)) : hosts;
    if (need.length) await runTask(pc, task, need, EMPTY_FRAME, { rescuable: false });
  }
  const flushAfter = new Set(['pre_tasks', 'tasks', 'post_tasks']);
  const sections = play.sections;
  for (let i = 0; i < sections.length; i++) {
    const sec = sections[i];
    await runNodes(pc, sec.tasks, hosts, EMPTY_FRAME, { rescuable: false });
    const last = i === sections.length - 1;
    const nextIsTasks = sections[i + 1]?.name === 'tasks';
    if (flushAfter.has(sec.name) || (sec.name === 'roles' && !nextIsTasks) || last) {
      if (!pc.opts.control.killed) await flushHandlers(pc, hosts);
    }
  }
}

// Play keywords the implicit fact gathering runs under, like every task of the play.
const GATHER_KEYWORDS = ['connection', 'remote_user', 'port', 'become_flags', 'become_exe'];

/** The implicit first task, tagged `always` as in ansible-core, with the play's `gather_subset`, `gather_timeout` and `fact_path`. */
function gatherTask(play: Play): Task {
  const extra: Vars = { _gather: true };
  for (const k of GATHER_KEYWORDS) if (play.keywords[k] !== undefined) extra[k] = play.keywords[k];
  const args: Vars = {};
  for (const k of ['gather_subset', 'gather_timeout', 'fact_path']) if (play.keywords[k] !== undefined) args[k] = play.keywords[k];
  return {
    kind: 'task',
    pos: play.pos,
    name: 'Gathering Facts',
    module: 'setup',
    args,
    when: [],
    tags: ['always'],
    vars: {},
    notify: [],
    listen: [],
    extra,
  };
}
