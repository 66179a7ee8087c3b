import path from 'node:path';
import fs from 'node:fs';
import type { Play, Task, TaskNode, Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import { render } from '../template/index.js';
import type { PlayContext } from './context.js';
import { playbookDirOf } from './scope.js';
import type { HostState, RunOptions } from './state.js';
import { checkNotifies } from './handlers.js';
import { runHosts } from './sections.js';
import { serialBatches } from './batches.js';
import { runBudgeted } from './budget.js';
import { bypassesHostLoop } from './flow.js';
import pLimit from 'p-limit';

/** Hosts a play targets: its pattern, narrowed by --limit, minus hosts already out. */
export function playHostsOf(opts: RunOptions, play: Play, hosts: Map<string, HostState>): string[] {
  let names = opts.hosts.select(hostPattern(opts, play));
  if (opts.limit) {
    const allowed = new Set(opts.hosts.select(opts.limit));
    names = names.filter((h) => allowed.has(h));
  }
  names = names.filter((h) => {
    const st = hosts.get(h);
    return !st || (!st.failed && !st.unreachable && !st.cancelled);
  });
  return ordered(names, play);
}

/**
 * The play's `hosts:` with its templates rendered, as ansible-core does with
 * the play's vars and extra vars (`hosts: "{{ target }}"` with `-e target=web`).
 * An undefined name is an error at the play, before anything runs: taken as
 * a literal pattern it would match nothing and the run would do nothing, quietly.
 */
function hostPattern(opts: RunOptions, play: Play): string {
  const v = render(play.hosts, { ...play.vars, ...opts.extraVars }, play.pos);
  return Array.isArray(v) ? v.map(String).join(',') : String(v);
}

/** The play's `order:` of its hosts (checked at load). */
function ordered(names: string[], play: Play): string[] {
  switch (play.keywords.order) {
    case 'reverse_inventory':
      return [...names].reverse();
    case 'sorted':
      return [...names].sort();
    case 'reverse_sorted':
      return [...names].sort().reverse();
    case 'shuffle':
      return names.map((n) => [Math.random(), n] as const).sort((a, b) => a[0] - b[0]).map(([, n]) => n);
    default:
      return names;
  }
}

/** Runs one play: vars_files, then each `serial` batch under the play's strategy. */
export async function runPlay(pc: PlayContext): Promise<void> {
  const { play } = pc;
  pc.varsFilesVars = loadVarsFiles(pc);
  checkNotifies(pc, allTasks(play.sections.flatMap((s) => s.tasks)));
  const playScope = { ...play.vars, ...pc.varsFilesVars, ...pc.opts.extraVars };
  const serial = play.keywords.serial === undefined ? undefined : render(play.keywords.serial, playScope, play.pos);
  const batches = serialBatches(pc.playHosts, serial, play.pos);
  const strategy = String(render(play.keywords.strategy ?? 'linear', playScope, play.pos));
  if (strategy !== 'linear' && strategy !== 'free') {
    throw new UserError(`unknown strategy '${strategy}' (playwatch has 'linear' and 'free')`, play.pos);
  }
  if (strategy === 'free') refuseHostLoopBypass(play);
  for (let i = 0; i < batches.length; i++) {
    await pc.opts.control.waitWhilePaused();
    if (pc.opts.control.stopping) return;
    const batch = batches[i];
    pc.batch = { hosts: batch, failed: new Set() };
    pc.ids.newBatch();
    pc.opts.emit({ type: 'batch.start', index: i, total: batches.length, hosts: batch });
    if (play.keywords.max_concurrent_per !== undefined) await runBudgeted(pc, batch);
    else if (strategy === 'free') await runFree(pc, batch);
    else await runHosts(pc, batch);
    if (pc.batch.breakPlay || pc.batch.endPlay) return;
    // A batch in which every host failed stops the play, as in ansible-core (hosts a meta ended did not fail).
    if (batch.every((h) => !pc.hosts.get(h)!.active && !pc.hosts.get(h)!.ended)) {
      pc.batch.breakPlay = true;
      return;
    }
  }
}

/** `strategy: free`: every host goes through the play on its own, `forks` at a time. */
async function runFree(pc: PlayContext, hosts: string[]): Promise<void> {
  const limit = pLimit(Math.max(1, pc.opts.forks));
  await Promise.all(hosts.map((h) => limit(() => runHosts(pc, [h]))));
}

/** ansible-core refuses `add_host` under `strategy: free` (it would run once per host); so does playwatch, before the play starts. */
function refuseHostLoopBypass(play: Play): void {
  const t = [...allTasks(play.sections.flatMap((s) => s.tasks))].find(bypassesHostLoop);
  if (t) throw new UserError(`the '${t.module}' module bypasses the host loop, which the free strategy does not support`, t.pos);
}

/** Every task in a tree, for static checks. */
export function* allTasks(nodes: TaskNode[]): Generator<Task> {
  for (const n of nodes) {
    if (n.kind === 'task') yield n;
    else if (n.kind === 'block') {
      yield* allTasks(n.block);
      yield* allTasks(n.rescue);
      yield* allTasks(n.always);
    }
  }
}

/**
 * vars_files: rendered with play vars and extra vars; an entry that is a
 * list takes the first file that exists (ansible-core's fallback form).
 */
function loadVarsFiles(pc: PlayContext): Vars {
  const scope = { ...pc.play.vars, ...pc.opts.extraVars, playbook_dir: playbookDirOf(pc) };
  const out: Vars = {};
  for (const entry of pc.play.varsFiles) {
    const options = (Array.isArray(entry) ? entry : [entry]).map((f) => resolve(pc, String(render(f, scope, pc.play.pos))));
    const found = options.find((f) => fs.existsSync(f));
    if (!found) throw new UserError(`vars file not found: ${options.join(', ')}`, pc.play.pos);
    Object.assign(out, pc.opts.loader.varsFile(found));
  }
  return out;
}

function resolve(pc: PlayContext, file: string): string {
  return path.isAbsolute(file) ? file : path.resolve(pc.opts.playbook.dir, file);
}
