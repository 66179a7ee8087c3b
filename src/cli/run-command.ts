import fs from 'node:fs';
import os from 'node:os';
import type { LockSettings } from '../engine/lock.js';
import path from 'node:path';
import type { Inventory, Playbook, TaskLoader, Vars, Vault } from '../model/index.js';
import { UserError } from '../model/index.js';
import { loadConfig } from '../config/index.js';
import { hostSource, loadInventory, selectHosts, takeInventoryWarnings } from '../inventory/index.js';
import { readPlaybook, takeYamlWarnings, taskLoader } from '../playbook/index.js';
import { moduleInfo } from '../modules/index.js';
import { EventBus, ProfileFeed, type EngineInfo, type NewEvent, type RunEvent } from '../events/index.js';
import { RunControl, runPlaybook, splitTags, EXIT, type StepGate, type TagFilter } from '../engine/index.js';
import { lineGate, StepAnswers } from './step.js';
import { createTransport, connectionSpecFromVars } from '../transport/index.js';
import { createRecorder } from '../reporters/recorder.js';
import { createRunRecord, type RunRecord } from '../reporters/run-record.js';
import { ViewMemo } from '../reporters/result-view.js';
import { parseSshArgs, type Config, type Settings, type SshArgs } from '../config/index.js';
import { parseExtraVars } from './extra-vars.js';
import { inventoryOptions } from './inventory-options.js';
import { listPlaybook } from './list.js';
import { newRunId } from './run-id.js';
import { installHangup, installSignals } from './signals.js';
import { guardTerminal, muteTerminal } from './terminal.js';
import { createResumeWriter } from './resume.js';
import { askSecret } from './prompt.js';
import { createPresenter, uiMode } from './presenter.js';
import { errorLine } from './stderr.js';
import { findIncomplete, incompleteWarning, recordController } from './incomplete.js';
import { startControlServer } from './control-server.js';
import { createHangWatch } from './hang-watch.js';
import { vaultKeyring, type VaultFlags } from './vault-options.js';
import { openEveryVault } from './vault-preflight.js';
import { writeRetryFile } from './retry-file.js';
import { unsupportedReason, withAnsibleHint } from './engine-choice.js';

/** Flags of `playwatch run`, as commander hands them over. */
export interface RunFlags extends VaultFlags {
  inventory?: string[];
  inventoryFile?: string[];
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  extraVars?: string[];
  forks?: number;
  check?: boolean;
  user?: string;
  connection?: string;
  become?: boolean;
  becomeUser?: string;
  ui?: 'tui' | 'plain' | 'json';
  runsDir?: string;
  startAtTask?: string;
  /** `--step`: confirm each task. */
  step?: boolean;
  profileLimit?: number;
  profileSort?: 'descending' | 'ascending' | 'none';
  summaryOnly?: boolean;
  mailTo?: string[];
  /** `--junit FILE`: the run as JUnit XML. */
  junit?: string;
  drainTimeout?: number;
  timeout?: number;
  sshMode?: 'exec' | 'shell';
  acceptNewHostKeys?: boolean;
  privateKey?: string;
  breakLock?: boolean;
  /** `--lock-wait DURATION`: wait for a deploy lock held by another run. */
  lockWait?: string;
  askBecomePass?: boolean;
  askPass?: boolean;
  diff?: boolean;
  syntaxCheck?: boolean;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  verbose?: number;
  /** `--engine`: playwatch's own engine, ansible-core, or `auto` (playwatch.yml `engine:`). */
  engine?: 'native' | 'ansible' | 'auto';
}

/** What a run needs, read from the command line, the config and the files. */
interface Loaded {
  cwd: string;
  settings: Settings;
  inventory: Inventory;
  playbook: Playbook;
  extraVars: Vars;
  tags: TagFilter;
  vault: Vault;
  /** Warnings from reading the files (duplicated YAML keys), shown as ansible-core shows them. */
  warnings: string[];
}

/** Loads everything, runs the playbook (or lists it) with the engine asked for, and returns the exit code. */
export async function runCommand(playbookArg: string, flags: RunFlags, argv: string[], extra: string[] = []): Promise<number> {
  lockWaitMs(flags.lockWait);
  const cfg = readConfig(flags);
  const engine = flags.engine ?? cfg.config.settings.engine;
  if (flags.step && engine !== 'native') {
    throw new UserError(`--step runs with the native engine: ansible-playbook would ask on a terminal it does not have here (use --engine native)`);
  }
  if (engine === 'ansible') return runUnderAnsible(playbookArg, flags, cfg, extra, argv);
  if (extra.length && engine === 'auto') return runUnderAnsible(playbookArg, flags, cfg, extra, argv, 'ansible-playbook arguments were given after --');
  if (extra.length) throw new UserError(`the arguments after -- (${extra.join(' ')}) are for ansible-playbook: add --engine ansible`);
  let loaded: Loaded;
  try {
    loaded = await load(playbookArg, flags, cfg);
  } catch (err) {
    const reason = err instanceof UserError ? unsupportedReason(err) : undefined;
    if (reason && engine === 'auto') return runUnderAnsible(playbookArg, flags, cfg, extra, argv, reason);
    if (reason) throw withAnsibleHint(err as UserError, argv);
    throw err;
  }
  const { cwd, inventory, playbook, tags } = loaded;
  const loadOnly = flags.syntaxCheck || flags.listHosts || flags.listTasks || flags.listTags;
  // A run records them as warning events right after run.start; a command that only loads prints them.
  if (loadOnly) for (const w of loaded.warnings) errorLine(`[WARNING]: ${w}`);
  if (flags.syntaxCheck) {
    process.stdout.write(`\nplaybook: ${playbookArg}\n`);
    return EXIT.ok;
  }
  if (flags.listHosts || flags.listTasks || flags.listTags) {
    process.stdout.write(listPlaybook(playbook, inventory, { ...flags, tags, cwd, playbookArg }));
    return EXIT.ok;
  }
  if (flags.limit && selectHosts(inventory, flags.limit, { cwd }).length === 0) {
    errorLine(`[WARNING]: Could not match supplied host pattern, ignoring: ${flags.limit}`);
  }
  const chosen = engine === 'auto' ? { name: 'native' as const, reason: "playwatch's engine has everything the playbook uses" } : undefined;
  return execute(loaded, playbookArg, flags, nativeEngine(loaded, flags, argv, playbookArg, chosen));
}

async function runUnderAnsible(playbookArg: string, flags: RunFlags, cfg: ReadConfig, extra: string[], argv: string[], reason?: string): Promise<number> {
  // ansible-core's adapter loads only for the runs it serves.
  const { prepareAnsible } = await import('./ansible-run.js');
  const prepared = await prepareAnsible(playbookArg, flags, cfg, extra, argv, reason);
  if (prepared.kind === 'done') return prepared.exitCode;
  return execute(prepared.setup, playbookArg, flags, prepared.engine);
}

interface ReadConfig {
  cwd: string;
  config: Config;
}

/** The configuration (command line, playwatch.yml, ansible.cfg, environment), read once for either engine. */
function readConfig(flags: RunFlags): ReadConfig {
  const cwd = process.cwd();
  const inventoryFlags = [...(flags.inventory ?? []), ...(flags.inventoryFile ?? [])];
  if (flags.forks !== undefined && !(Number.isInteger(flags.forks) && flags.forks > 0)) {
    throw new UserError(`--forks must be a positive whole number`);
  }
  const config = loadConfig({
    cwd,
    env: process.env,
    cli: {
      ...(inventoryFlags.length ? { inventory: inventoryFlags } : {}),
      ...(flags.forks !== undefined ? { forks: flags.forks } : {}),
      ...(flags.runsDir ? { runsDir: flags.runsDir } : {}),
      ...(flags.user ? { remoteUser: flags.user } : {}),
      ...(flags.become ? { become: true } : {}),
      ...(flags.becomeUser ? { becomeUser: flags.becomeUser } : {}),
      ...(flags.timeout !== undefined ? { timeout: flags.timeout } : {}),
      ...(flags.sshMode ? { sshMode: flags.sshMode } : {}),
      ...(flags.profileLimit !== undefined ? { profileLimit: flags.profileLimit } : {}),
      ...(flags.profileSort ? { profileSort: flags.profileSort } : {}),
    },
  });
  for (const w of config.warnings ?? []) errorLine(`[WARNING]: ${w}`);
  return { cwd, config };
}

async function load(playbookArg: string, flags: RunFlags, { cwd, config }: ReadConfig): Promise<Loaded> {
  connectionFlag(flags.connection);
  const settings = config.settings;
  const playbookPath = path.resolve(cwd, playbookArg);
  if (!fs.existsSync(playbookPath)) throw new UserError(`the playbook: ${playbookArg} could not be found`);
  // Vault passwords are read (and asked for) first: any file read from here on may be encrypted.
  const vault = await vaultKeyring(flags, config, cwd);
  const extraVars: Vars = {};
  for (const e of flags.extraVars ?? []) Object.assign(extraVars, parseExtraVars(e, cwd, vault));
  const inventory = loadInventory(settings.inventory, inventoryOptions(settings, cwd, vault));
  const playbook = await readPlaybook(playbookPath, { rolesPath: settings.rolesPath, collectionsPath: settings.collectionsPath, gatherDefault: settings.gathering !== 'explicit', modules: moduleInfo, vault });
  const loaded = { cwd, settings, inventory, playbook, extraVars, tags: { only: splitTags(flags.tags), skip: splitTags(flags.skipTags) }, vault, warnings: [] as string[] };
  // A wrong vault password is one error before anything runs, not a failure halfway through.
  openEveryVault({ playbook, limit: flags.limit }, hostSources(loaded), taskLoaders(loaded));
  loaded.warnings = [...takeInventoryWarnings(), ...takeYamlWarnings()];
  return loaded;
}

function hostSources(l: Pick<Loaded, 'cwd' | 'inventory' | 'playbook' | 'vault' | 'settings'>) {
  const reload = () => loadInventory(l.settings.inventory, inventoryOptions(l.settings, l.cwd, l.vault));
  return hostSource(l.inventory, { cwd: l.cwd, playbookDir: l.playbook.dir, vault: l.vault, reload });
}

function taskLoaders(l: Pick<Loaded, 'settings' | 'playbook' | 'vault'>) {
  return taskLoader({ playbookDir: l.playbook.dir, rolesPath: l.settings.rolesPath, collectionsPath: l.settings.collectionsPath, modules: moduleInfo, vault: l.vault });
}

/**
 * The task loader, saying what reading a file at run time found (an
 * include's duplicated keys) as a warning; each warning once per run, as
 * ansible-core's display shows it once.
 */
function warnOnLoad(loader: TaskLoader, shown: string[], warn: (message: string) => void): TaskLoader {
  const seen = new Set(shown);
  const flush = () => {
    for (const w of takeYamlWarnings()) if (!seen.has(w)) (seen.add(w), warn(w));
  };
  const after = <T>(read: () => T): T => {
    try {
      return read();
    } finally {
      flush();
    }
  };
  return {
    varsFile: (file) => after(() => loader.varsFile(file)),
    includeTasks: (inc, file, handlers) => loader.includeTasks(inc, file, handlers).finally(flush),
    includeRole: (inc, name, handlers) => loader.includeRole(inc, name, handlers).finally(flush),
  };
}

/** What any engine needs from the run's controller. */
export interface EngineStart {
  emit: (e: NewEvent) => RunEvent;
  note: (e: NewEvent) => void;
  control: RunControl;
  runId: string;
  runDir: string;
  drainMs?: number;
  verbosity: number;
  becomePassword?: string;
  sshPassword?: string;
  /** A line for the terminal once the run's view is gone. */
  late: (line: string) => void;
  /** `--step`: where the operator's answers come from. */
  step?: StepGate;
}

/** What a run's controller needs, whichever engine runs it. */
export interface RunSetup {
  cwd: string;
  settings: Settings;
  /** For the views' `/` filter by group. */
  inventory: Inventory;
  /** Warnings from reading the files, recorded right after run.start. */
  warnings: string[];
}

/** The native engine over the loaded playbook. */
function nativeEngine(l: Loaded, flags: RunFlags, argv: string[], playbookArg: string, engine?: EngineInfo) {
  return async (x: EngineStart): Promise<number> => {
    const s = l.settings;
    const outcome = await runPlaybook({
      playbook: l.playbook,
      hosts: hostSources(l),
      loader: warnOnLoad(taskLoaders(l), l.warnings, (message) => x.note({ type: 'warning', message })),
      vault: l.vault,
      limit: flags.limit,
      tags: l.tags,
      extraVars: l.extraVars,
      forks: s.forks,
      check: Boolean(flags.check),
      diff: Boolean(flags.diff),
      gatherDefault: s.gathering !== 'explicit',
      smartGathering: s.gathering === 'smart',
      emit: x.emit,
      transportFor: transports(l, flags, x.sshPassword),
      control: x.control,
      secrets: s.secrets,
      secretsIgnore: s.secretsIgnore,
      secretValues: [...mailSecrets(s), ...(x.sshPassword ? [x.sshPassword] : [])],
      connectionDefaults: { connection: connectionFlag(flags.connection), user: s.remoteUser },
      becomeDefaults: { become: s.become || undefined, becomeUser: s.becomeUser, becomeMethod: s.becomeMethod, password: x.becomePassword },
      startAtTask: flags.startAtTask,
      step: x.step,
      drainTimeoutMs: x.drainMs,
      outputRecordMax: s.outputRecordMax,
      verbosity: x.verbosity,
      // A check run changes nothing, so it does not keep others from deploying.
      lock: flags.check ? undefined : lockSettings(x.runId, playbookArg, s, Boolean(flags.breakLock), lockWaitMs(flags.lockWait)),
      runMeta: { runId: x.runId, runDir: x.runDir, argv, ...(engine ? { engine } : {}) },
    });
    const retry = s.retryFilesEnabled ? writeRetryFile(l.playbook.path, outcome.stats, s.retryFilesSavePath) : undefined;
    if (retry) x.late(retry);
    return outcome.exitCode;
  };
}

/** The run itself: its directory, the bus and its reporters, signals, then the post-run steps; `engine` runs the playbook. */
export async function execute(l: RunSetup, playbookArg: string, flags: RunFlags, engine: (x: EngineStart) => Promise<number>): Promise<number> {
  const { cwd, settings: s } = l;
  // Asked before anything is drawn or run, so the prompt has the terminal to itself.
  const becomePassword = flags.askBecomePass || s.becomeAskPass ? await askSecret('BECOME password: ') : undefined;
  const sshPassword = flags.askPass ? await askSecret('SSH password: ') : undefined;
  const runId = newRunId();
  const runsDir = path.resolve(cwd, s.runsDir);
  const runDir = path.join(runsDir, runId);
  fs.mkdirSync(runsDir, { recursive: true, mode: 0o700 });
  // Made here, or the run does not start: a directory or link planted at this name is not ours to write in.
  fs.mkdirSync(runDir, { mode: 0o700 });
  fs.chmodSync(runDir, 0o700);
  recordController(runDir);
  const unfinished = findIncomplete(runsDir, runDir);

  const verbosity = flags.verbose ?? 0;
  // One profiler and one result view per event for stdout, run.log and summary.json.
  const shared = { profile: new ProfileFeed(), views: new ViewMemo() };
  const record = createRunRecord({ runDir, runsDir, settings: s, mailTo: flags.mailTo, verbosity, shared });
  const control = new RunControl();
  const mode = uiMode(flags.ui);
  const resumeWith = { dir: shown(cwd, runDir) };
  const bus = new EventBus();
  // --step: the TUI answers with keys; plain and json read a line of stdin per question, as ansible-core does.
  const tuiStep = flags.step && mode === 'tui' ? new StepAnswers() : undefined;
  const presenter = await createPresenter({ mode, settings: s, summaryOnly: flags.summaryOnly, verbosity, control, playbookArg, runDir, inventory: l.inventory, resume: resumeWith, step: tuiStep, shared });
  bus.add(presenter);
  // A lost terminal is not a reason to stop: let go of it, record why, and go on (DESIGN §12).
  let hungUp = false;
  let attachHint = '';
  const { emit, note } = startGate(bus);
  // Earlier runs killed outright: what they may have left and the command that cleans it, right after run.start.
  for (const run of unfinished) note({ type: 'warning', message: incompleteWarning(run, shown(cwd, run.runDir)) });
  for (const w of l.warnings) note({ type: 'warning', message: w });
  const letGo = (why: string) => {
    if (hungUp) return;
    hungUp = true;
    presenter.hangup();
    muteTerminal();
    note({ type: 'warning', message: `the terminal is gone (${why}): the run goes on to its end without it; its record is in ${runDir}${attachHint}` });
  };
  installHangup(() => letGo('SIGHUP'));
  guardTerminal(letGo);
  bus.add(createResumeWriter(runDir));
  const recorder = createRecorder({ runDir });
  bus.add(recorder);
  for (const r of record.reporters) bus.add(r);
  // The hang detector reads earlier runs of this playbook and says when a host is slower than usual.
  bus.add(createHangWatch({ runsDir, runDir, floorS: s.slowFloor, emit: note, elapsed: () => bus.elapsed() }));
  if (flags.junit) {
    const { createJunitReporter } = await import('../reporters/junit.js');
    bus.add(createJunitReporter({ file: path.resolve(cwd, flags.junit) }));
  }
  // While ink draws, stray stderr writes would tear its frame: keep warnings for the end.
  const late: string[] = [];
  const say = (line: string) => (mode === 'tui' ? late.push(line) : errorLine(line));
  // attach, abort, pause and resume reach the run here, from any terminal of its owner (DESIGN §12).
  const served = await startControlServer({ runId, runDir, playbook: playbookArg, groups: hostGroups(l.inventory), control, record: recorder });
  if (served.ok) {
    bus.add(served.server);
    attachHint = `; \`playwatch attach ${runId}\` shows it again`;
  } else say(`[WARNING]: this run has no control socket (attach, abort, pause and resume cannot reach it): ${served.message}`);
  if (!s.hostKeyChecking || sshArgsOf(s).hostKeyChecking === false) say('[WARNING]: host key checking is OFF: any machine answering at these addresses will be trusted');
  let exitCode: number = EXIT.internal;
  const drainMs = flags.drainTimeout !== undefined ? flags.drainTimeout * 1000 : undefined;
  const uninstall = installSignals(control, { termBudgetMs: drainMs, sigint: mode !== 'tui' });
  const lines = flags.step && !tuiStep ? lineGate(process.stdin, (label) => {
    note({ type: 'warning', message: `--step: standard input ended with no answer for '${label}': the run drains` });
    control.drain('step');
  }) : undefined;
  try {
    const step = tuiStep?.gate ?? lines?.gate;
    exitCode = await engine({ emit, note, control, runId, runDir, drainMs, verbosity, becomePassword, sshPassword, late: (line) => late.push(line), step });
    return exitCode;
  } finally {
    uninstall();
    lines?.close();
    if (served.ok) served.server.close();
    // The log must be final before it is archived and mailed.
    for (const w of await bus.close()) late.push(`[WARNING]: ${w}`);
    for (const line of late) errorLine(line);
    await finish(record, { exitCode, aborted: control.stopping }, cwd, runDir, mode);
  }
}

/**
 * The engine's `emit`, and `note` for the controller's own events. A record
 * begins with run.start: a note from before it (a hangup while the playbook
 * loads) waits for it.
 */
export function startGate(bus: EventBus): { emit: (e: NewEvent) => RunEvent; note: (e: NewEvent) => void } {
  let started = false;
  const waiting: NewEvent[] = [];
  return {
    emit(e) {
      const event = bus.emit(e);
      if (e.type === 'run.start') {
        started = true;
        for (const w of waiting.splice(0)) bus.emit(w);
      }
      return event;
    },
    note: (e) => void (started ? bus.emit(e) : waiting.push(e)),
  };
}

/** Host name → its groups, for the views' `/` filter. */
function hostGroups(inventory: Inventory): Record<string, readonly string[]> {
  return Object.fromEntries([...inventory.hosts].map(([name, h]) => [name, h.groups]));
}

/** Each host's transport, from its vars and the connection flags. */
function transports(l: Loaded, flags: RunFlags, sshPassword: string | undefined) {
  const s = l.settings;
  const args = sshArgsOf(s);
  const sshOptions = {
    hostKeyChecking: args.hostKeyChecking ?? s.hostKeyChecking,
    acceptNewHostKeys: Boolean(flags.acceptNewHostKeys),
    connectTimeoutMs: (args.connectTimeout ?? s.timeout) * 1000,
    mode: s.sshMode,
    ...(args.knownHostsFile !== undefined ? { knownHostsFile: resolvePath(args.knownHostsFile, os.homedir()) } : {}),
  };
  return (host: string, vars: Vars) => {
    const spec = connectionSpecFromVars(host, vars, l.inventory.sourceDirs[0] ?? l.cwd);
    // ssh_args come first on ansible-core's ssh command line, and OpenSSH keeps an option's first value.
    if (args.user !== undefined) spec.user = args.user;
    if (args.port !== undefined) spec.port = args.port;
    if (args.proxyJump !== undefined) spec.proxyJump = args.proxyJump;
    const key = args.identityFile ?? (flags.privateKey ? path.resolve(l.cwd, flags.privateKey) : s.privateKeyFile);
    if (key !== undefined && (!spec.privateKeyFile || args.identityFile !== undefined)) spec.privateKeyFile = key;
    if (sshPassword !== undefined && spec.password === undefined) spec.password = sshPassword;
    return createTransport(spec, sshOptions);
  };
}

/** `~/x` and relative paths of ssh_args, as ssh reads them (relative to the working directory). */
function resolvePath(p: string, home: string): string {
  return path.resolve(p === '~' || p.startsWith('~/') ? path.join(home, p.slice(1)) : p);
}

/** What `[ssh_connection] ssh_args` sets that playwatch honours. */
function sshArgsOf(s: Settings): SshArgs {
  return s.sshArgs !== undefined ? parseSshArgs(s.sshArgs) : { ignored: [] };
}

/** `-c`: a default below play keywords and `ansible_connection`, as in ansible-playbook. */
function connectionFlag(v: string | undefined): 'local' | 'ssh' | undefined {
  if (v === undefined) return undefined;
  if (v === 'local') return 'local';
  if (v === 'ssh' || v === 'smart' || v === 'paramiko') return 'ssh';
  throw new UserError(`-c/--connection '${v}' is not supported: playwatch connects with 'local' or 'ssh'`);
}

/** Archive, prune and mail, then say where everything is. */
async function finish(record: RunRecord, outcome: { exitCode: number; aborted: boolean }, cwd: string, runDir: string, mode: string) {
  const done = await record.finish(outcome);
  for (const w of done.warnings) errorLine(`[WARNING]: ${w}`);
  errorLine(`\nRun log: ${shown(cwd, done.runLogPath)}`);
  // The TUI's final view already names the run record.
  if (mode !== 'tui') errorLine(`Run record: ${shown(cwd, path.join(runDir, 'events.jsonl'))}`);
  if (done.archivePath) errorLine(`Archive: ${shown(cwd, done.archivePath)}`);
}

/** A path as the user would type it: relative when under cwd, else absolute. */
function shown(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  return rel.startsWith('..') ? p : rel;
}

function lockSettings(run: string, playbook: string, s: Settings, breakStale: boolean, waitMs: number): LockSettings {
  return {
    holder: { user: os.userInfo().username, controller: os.hostname(), pid: process.pid, run, playbook, started: Math.floor(Date.now() / 1000) },
    breakStale,
    staleAfterSec: s.lockStaleAfter * 3600,
    ...(waitMs > 0 ? { waitMs } : {}),
  };
}

/** `--lock-wait`: `30s`, `5m`, `1h`, or seconds. */
export function lockWaitMs(text: string | undefined): number {
  if (text === undefined) return 0;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new UserError(`--lock-wait '${text}': give a duration such as 30s, 5m or 1h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

/** The SMTP password is masked in events too, in case a target prints it. */
function mailSecrets(s: Settings): string[] {
  const pw = s.mail?.password ?? (s.mail?.passwordEnv ? process.env[s.mail.passwordEnv] : undefined);
  return pw ? [pw] : [];
}
