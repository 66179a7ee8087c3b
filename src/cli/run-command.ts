import fs from 'node:fs';
import os from 'node:os';
import type { LockSettings } from '../engine/lock.js';
import path from 'node:path';
import type { Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import { loadConfig } from '../config/index.js';
import { loadInventory, selectHosts } from '../inventory/index.js';
import { loadPlaybook } from '../playbook/index.js';
import { EventBus } from '../events/index.js';
import { RunControl, runPlaybook, splitTags, EXIT } from '../engine/index.js';
import { createTransport, connectionSpecFromVars } from '../transport/index.js';
import { createRecorder } from '../reporters/recorder.js';
import { createRunRecord } from '../reporters/run-record.js';
import type { Settings } from '../config/index.js';
import { parseExtraVars } from './extra-vars.js';
import { listPlaybook } from './list.js';
import { newRunId } from './run-id.js';
import { installSignals } from './signals.js';
import { createResumeWriter } from './resume.js';
import { askSecret } from './prompt.js';
import { createPresenter, uiMode } from './presenter.js';

/** Flags of `playwatch run`, as commander hands them over. */
export interface RunFlags {
  inventory?: string[];
  inventoryFile?: string[];
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  extraVars?: string[];
  forks?: number;
  check?: boolean;
  user?: string;
  become?: boolean;
  becomeUser?: string;
  ui?: 'tui' | 'plain' | 'json';
  runsDir?: string;
  startAtTask?: string;
  profileLimit?: number;
  profileSort?: 'descending' | 'ascending' | 'none';
  summaryOnly?: boolean;
  mailTo?: string[];
  drainTimeout?: number;
  timeout?: number;
  acceptNewHostKeys?: boolean;
  privateKey?: string;
  breakLock?: boolean;
  askBecomePass?: boolean;
  askPass?: boolean;
  diff?: boolean;
  syntaxCheck?: boolean;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  verbose?: number;
}

/** Loads everything, runs the playbook, and returns the exit code. */
export async function runCommand(playbookArg: string, flags: RunFlags, argv: string[]): Promise<number> {
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
      ...(flags.profileLimit !== undefined ? { profileLimit: flags.profileLimit } : {}),
      ...(flags.profileSort ? { profileSort: flags.profileSort } : {}),
    },
  });
  const s = config.settings;
  for (const w of config.warnings ?? []) process.stderr.write(`[WARNING]: ${w}\n`);
  const playbookPath = path.resolve(cwd, playbookArg);
  if (!fs.existsSync(playbookPath)) throw new UserError(`the playbook: ${playbookArg} could not be found`);
  const extraVars: Vars = {};
  for (const e of flags.extraVars ?? []) Object.assign(extraVars, parseExtraVars(e, cwd));
  const inventory = loadInventory(s.inventory, { cwd });
  const playbook = loadPlaybook(playbookPath, { rolesPath: s.rolesPath, gatherDefault: s.gathering !== 'explicit' });
  const tags = { only: splitTags(flags.tags), skip: splitTags(flags.skipTags) };

  if (flags.syntaxCheck) {
    process.stdout.write(`\nplaybook: ${playbookArg}\n`);
    return EXIT.ok;
  }
  if (flags.listHosts || flags.listTasks || flags.listTags) {
    process.stdout.write(listPlaybook(playbook, inventory, { ...flags, tags, cwd, playbookArg }));
    return EXIT.ok;
  }
  if (flags.limit && selectHosts(inventory, flags.limit, { cwd }).length === 0) {
    process.stderr.write(`[WARNING]: Could not match supplied host pattern, ignoring: ${flags.limit}\n`);
  }

  // Asked before anything is drawn or run, so the prompt has the terminal to itself.
  const becomePassword = flags.askBecomePass ? await askSecret('BECOME password: ') : undefined;
  const sshPassword = flags.askPass ? await askSecret('SSH password: ') : undefined;
  const runId = newRunId();
  const runsDir = path.resolve(cwd, s.runsDir);
  const runDir = path.join(runsDir, runId);
  fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(runDir, 0o700);

  const record = createRunRecord({ runDir, runsDir, settings: s, mailTo: flags.mailTo });
  const control = new RunControl();
  const mode = uiMode(flags.ui);
  const resume = createResumeWriter(runDir, argv, shown(cwd, runDir));
  const bus = new EventBus();
  bus.add(resume);
  bus.add(await createPresenter({ mode, settings: s, summaryOnly: flags.summaryOnly, control, playbookArg, runDir, inventory, resumeLines: () => resume.lines() }));
  bus.add(createRecorder({ runDir }));
  for (const r of record.reporters) bus.add(r);
  // While ink draws, stray stderr writes would tear its frame: keep warnings for the end.
  const late: string[] = [];
  const say = (line: string) => (mode === 'tui' ? late.push(line) : process.stderr.write(`${line}\n`));
  bus.onWarning = (m) => say(`[WARNING]: ${m}`);
  if (!s.hostKeyChecking) say('[WARNING]: host key checking is OFF: any machine answering at these addresses will be trusted');
  let exitCode: number = EXIT.internal;
  const drainMs = flags.drainTimeout !== undefined ? flags.drainTimeout * 1000 : undefined;
  const uninstall = installSignals(control, { termBudgetMs: drainMs, sigint: mode !== 'tui' });
  const sshOptions = { hostKeyChecking: s.hostKeyChecking, acceptNewHostKeys: Boolean(flags.acceptNewHostKeys), connectTimeoutMs: s.timeout * 1000 };
  try {
    const outcome = await runPlaybook({
      playbook,
      inventory,
      limit: flags.limit,
      tags,
      extraVars,
      forks: s.forks,
      check: Boolean(flags.check),
      gatherDefault: s.gathering !== 'explicit',
      emit: (e) => bus.emit(e),
      transportFor: (host, vars) => {
        const spec = connectionSpecFromVars(host, vars, inventory.sourceDirs[0] ?? cwd);
        if (flags.privateKey && !spec.privateKeyFile) spec.privateKeyFile = path.resolve(cwd, flags.privateKey);
        if (flags.user && !vars.ansible_user) spec.user = flags.user;
        if (sshPassword !== undefined && spec.password === undefined) spec.password = sshPassword;
        return createTransport(spec, sshOptions);
      },
      control,
      cwd,
      rolesPath: s.rolesPath,
      secrets: s.secrets,
      secretValues: [...mailSecrets(s), ...(sshPassword ? [sshPassword] : [])],
      becomeDefaults: { become: s.become || undefined, becomeUser: s.becomeUser, password: becomePassword },
      startAtTask: flags.startAtTask,
      drainTimeoutMs: drainMs,
      // A check run changes nothing, so it does not keep others from deploying.
      lock: flags.check ? undefined : lockSettings(runId, playbookArg, s, Boolean(flags.breakLock)),
      runMeta: { runId, runDir, argv },
    });
    exitCode = outcome.exitCode;
    return exitCode;
  } finally {
    uninstall();
    // The log must be final before it is archived and mailed.
    await bus.close();
    for (const line of late) process.stderr.write(`${line}\n`);
    if (mode !== 'tui' && resume.lines().length) process.stderr.write('\n' + resume.lines().join('\n') + '\n');
    const done = await record.finish({ exitCode, aborted: control.stopping });
    for (const w of done.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
    process.stderr.write(`\nRun log: ${shown(cwd, done.runLogPath)}\n`);
    // The TUI's final view already names the run record.
    if (mode !== 'tui') process.stderr.write(`Run record: ${shown(cwd, path.join(runDir, 'events.jsonl'))}\n`);
    if (done.archivePath) process.stderr.write(`Archive: ${shown(cwd, done.archivePath)}\n`);
  }
}

/** A path as the user would type it: relative when under cwd, else absolute. */
function shown(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  return rel.startsWith('..') ? p : rel;
}

function lockSettings(run: string, playbook: string, s: Settings, breakStale: boolean): LockSettings {
  return {
    holder: { user: os.userInfo().username, controller: os.hostname(), pid: process.pid, run, playbook, started: Math.floor(Date.now() / 1000) },
    breakStale,
    staleAfterSec: s.lockStaleAfter * 3600,
  };
}

/** The SMTP password is masked in events too, in case a target prints it. */
function mailSecrets(s: Settings): string[] {
  const pw = s.mail?.password ?? (s.mail?.passwordEnv ? process.env[s.mail.passwordEnv] : undefined);
  return pw ? [pw] : [];
}
