import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HostStats } from '../model/index.js';
import { EVENT_SCHEMA, tallyInto, zeroStats, type NewEvent, type RunEvent, type TaskRef } from '../events/index.js';
import { CallbackAdapter } from './adapter.js';
import { startAnsible, type AnsibleProcess } from './process.js';
import type { CallbackRecord } from './records.js';
import { killAsyncJobs, type CleanupSpec } from './cleanup.js';
import { exitCodeFor, fatalLine, statsDisagree, type Fatal } from './outcome.js';

/**
 * No line from the plugin this long after ansible-playbook started: it did
 * not load. The plugin says hello once ansible-core has read the playbook
 * (inventory scripts and a large playbook come first).
 */
export const HELLO_TIMEOUT_MS = 30_000;

/** The run control as this runner uses it (the engine's `RunControl` fits). */
export interface Steering {
  onAbort?: (mode: 'drain' | 'kill', source: string) => void;
  onPause?: (paused: boolean, source: string) => void;
  readonly stopping: boolean;
  readonly killed: boolean;
  kill(source?: string): void;
}

export interface AnsibleRunOptions {
  /** The playbook as the operator named it (run.start). */
  playbook: string;
  /** ansible-playbook's arguments, the playbook among them. */
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  program?: string;
  /** The folder holding playwatch.py (the package's `ansible/callback`). */
  pluginDir: string;
  version: string;
  /** Why `--engine auto` chose ansible-core. */
  reason?: string;
  /** The event sink (the CLI's masking guard and bus); returns the event as sent, or nothing when held back. */
  emit: (e: NewEvent) => RunEvent | undefined;
  /** A `no_log` task on a host. */
  hide?: (task: TaskRef, host: string) => void;
  control: Steering;
  runMeta: { runId: string; runDir: string; argv: string[] };
  check: boolean;
  /** No record from the plugin within this time: it did not load (default 30 s). */
  helloTimeoutMs?: number;
  /** A drain that takes longer becomes a kill (default 60 s). */
  drainTimeoutMs?: number;
  /** Between SIGINT, SIGTERM and SIGKILL to the group (default 3 s). */
  killGraceMs?: number;
  /** How to reach the hosts to stop the run's async jobs after a kill (ad-hoc `ansible`). */
  cleanup?: Omit<CleanupSpec, 'cwd' | 'env'>;
}

export interface AnsibleRunOutcome {
  exitCode: number;
  stats: Record<string, HostStats>;
  aborted: boolean;
}

/**
 * Runs ansible-playbook with our callback plugin and turns its records into
 * the run's events, from run.start to run.end, as the native engine would
 * send them. Pause and drain reach the plugin through a control file it
 * reads at each task start; a kill signals ansible-playbook's process group
 * and then stops the async jobs the run started.
 */
export async function runAnsible(o: AnsibleRunOptions): Promise<AnsibleRunOutcome> {
  const started = performance.now();
  const controlDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-ansible-'));
  const controlFile = path.join(controlDir, 'control');
  fs.writeFileSync(controlFile, 'run', { mode: 0o600 });
  const say = (word: string) => fs.writeFileSync(controlFile, word);

  const stats: Record<string, HostStats> = {};
  let runHosts: string[] = [];
  let runStarted = false;
  const emit = (e: NewEvent) => {
    const out = o.emit(e);
    if (out) tallyInto(stats, out);
  };
  const startRun = (hosts: string[]) => {
    if (runStarted) return;
    runStarted = true;
    runHosts = hosts;
    emit({
      type: 'run.start',
      schema: EVENT_SCHEMA,
      runId: o.runMeta.runId,
      playbook: o.playbook,
      runDir: o.runMeta.runDir,
      hosts,
      check: o.check,
      argv: o.runMeta.argv,
      engine: { name: 'ansible', version: o.version, ...(o.reason ? { reason: o.reason } : {}) },
    });
  };
  const adapter = new CallbackAdapter({ emit, hide: o.hide, onPlaybookStart: startRun });

  // ansible-core's warnings, once each, as the native engine's warnings show (the rest stays in ansible-playbook.log).
  const warned = new Set<string>();
  const onStderrLine = (line: string) => {
    const m = /^\[(?:DEPRECATION )?WARNING\]: (.*\S)/.exec(line);
    if (!m || warned.has(m[1]!) || !runStarted) return;
    warned.add(m[1]!);
    emit({ type: 'warning', message: `ansible-core: ${m[1]}` });
  };
  let hello = false;
  let helloFailed = false;
  const proc: AnsibleProcess = startAnsible({
    program: o.program ?? 'ansible-playbook',
    args: o.args,
    cwd: o.cwd,
    env: ansibleEnv(o.env ?? process.env, o.pluginDir, controlFile),
    logPath: path.join(o.runMeta.runDir, 'ansible-playbook.log'),
    onStderrLine,
    onRecord: (r: CallbackRecord) => {
      if (r.type === 'hello') {
        hello = true;
        clearTimeout(helloTimer);
      }
      adapter.push(r);
    },
  });
  const helloTimer = setTimeout(() => {
    if (hello || !proc.alive) return;
    helloFailed = true;
    proc.signal('SIGTERM');
    setTimeout(() => proc.signal('SIGKILL'), 2000).unref();
  }, o.helloTimeoutMs ?? HELLO_TIMEOUT_MS);

  const aborts = steer(o, proc, say, emit);
  const code = await proc.exited;
  clearTimeout(helloTimer);
  aborts.stop();
  if (o.control.killed) await stopJobs(o, adapter, emit);
  fs.rmSync(controlDir, { recursive: true, force: true });
  startRun([]);
  adapter.close();

  const fatal = o.control.stopping
    ? undefined
    : fatalLine({ code, hello, helloFailed, gotStats: adapter.stats !== undefined, tail: proc.tail(), pluginDir: o.pluginDir, helloTimeoutMs: o.helloTimeoutMs ?? HELLO_TIMEOUT_MS });
  const all: Record<string, HostStats> = {};
  for (const h of [...runHosts, ...Object.keys(stats)]) all[h] = stats[h] ?? zeroStats();
  return endRun(o, { adapter, emit, code, fatal, stats: all, started });
}

/** The async jobs the run started and did not see end, stopped on their hosts after a kill. */
async function stopJobs(o: AnsibleRunOptions, adapter: CallbackAdapter, emit: (e: NewEvent) => void): Promise<void> {
  const open = adapter.openJobs();
  if (!o.cleanup || !open.length) return;
  const warnings = await killAsyncJobs({ ...o.cleanup, cwd: o.cwd, env: o.env ?? process.env }, open);
  for (const w of warnings) emit({ type: 'warning', message: w });
  adapter.killedJobs(open.filter((j) => !warnings.some((w) => w.startsWith(`${j.host}:`))));
}

/** abort.done and run.end, with the exit code from the stats (DESIGN §11), the resume plan and the fatal line. */
function endRun(
  o: AnsibleRunOptions,
  r: { adapter: CallbackAdapter; emit: (e: NewEvent) => void; code: number; fatal?: Fatal; stats: Record<string, HostStats>; started: number },
): AnsibleRunOutcome {
  const { adapter, emit, fatal, stats } = r;
  const aborted = o.control.stopping;
  if (adapter.stats && !aborted) {
    const diff = statsDisagree(stats, adapter.stats);
    if (diff) emit({ type: 'warning', message: `the events and ansible-core's PLAY RECAP disagree (${diff}): please report this` });
  }
  const exitCode = exitCodeFor({ aborted, fatal, ansibleCode: r.code, stats });
  if (aborted) emit({ type: 'abort.done', mode: o.control.killed ? 'kill' : 'drain' });
  const hosts = Object.keys(stats);
  const resume = exitCode === 0 || hosts.length === 0 ? {} : { resume: adapter.resumePlan(hosts, aborted || fatal !== undefined) };
  const custom = adapter.custom ? { custom: adapter.custom as Record<string, never> } : {};
  emit({ type: 'run.end', stats, exitCode, aborted, durationMs: performance.now() - r.started, ...resume, ...(fatal ? { fatal: fatal.message } : {}), ...custom });
  return { exitCode, stats, aborted };
}

/** ansible-playbook's environment: our plugin enabled besides the project's, the control file, no colour in the log. */
export function ansibleEnv(env: NodeJS.ProcessEnv, pluginDir: string, controlFile: string): NodeJS.ProcessEnv {
  const join = (a: string | undefined, b: string, sep: string) => (a ? `${b}${sep}${a}` : b);
  const out: NodeJS.ProcessEnv = {
    ...env,
    ANSIBLE_CALLBACK_PLUGINS: join(env.ANSIBLE_CALLBACK_PLUGINS, pluginDir, ':'),
    ANSIBLE_CALLBACKS_ENABLED: join(env.ANSIBLE_CALLBACKS_ENABLED, 'playwatch', ','),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    PYTHONUNBUFFERED: '1',
    PLAYWATCH_CONTROL: controlFile,
  };
  delete out.PLAYWATCH_CALLBACK_OUT;
  return out;
}

/** The operator's pause, drain and kill, as events and as words in the control file or signals to the group. */
function steer(o: AnsibleRunOptions, proc: AnsibleProcess, say: (word: string) => void, emit: (e: NewEvent) => void): { stop(): void } {
  const timers: NodeJS.Timeout[] = [];
  const later = (ms: number, f: () => void) => {
    const t = setTimeout(f, ms);
    t.unref();
    timers.push(t);
  };
  const grace = o.killGraceMs ?? 3000;
  o.control.onPause = (paused, source) => {
    // A drain ends a pause first: the word must not say 'run' in between.
    say(paused ? 'pause' : o.control.stopping ? 'drain' : 'run');
    emit(paused ? { type: 'run.paused', source } : { type: 'run.resumed', source });
  };
  o.control.onAbort = (mode, source) => {
    emit({ type: 'abort.requested', mode, source });
    if (mode === 'drain') {
      say('drain');
      later(o.drainTimeoutMs ?? 60_000, () => o.control.kill('drain timeout'));
      return;
    }
    say('kill');
    // ansible-playbook stops its workers on SIGINT ("User interrupted execution"); SIGTERM, then SIGKILL, if it does not.
    proc.signal('SIGINT');
    later(grace, () => proc.signal('SIGTERM'));
    later(2 * grace, () => proc.signal('SIGKILL'));
  };
  return {
    stop() {
      for (const t of timers) clearTimeout(t);
      o.control.onPause = undefined;
      o.control.onAbort = undefined;
    },
  };
}
