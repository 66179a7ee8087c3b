import fs from 'node:fs';
import path from 'node:path';
import type { Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import { loadConfig } from '../config/index.js';
import { loadInventory, selectHosts } from '../inventory/index.js';
import { loadPlaybook } from '../playbook/index.js';
import { EventBus, type Reporter } from '../events/index.js';
import { RunControl, runPlaybook, splitTags, EXIT } from '../engine/index.js';
import { createTransport, connectionSpecFromVars } from '../transport/index.js';
import { createPlainPresenter } from '../reporters/plain.js';
import { createJsonPresenter } from '../reporters/json.js';
import { createRecorder } from '../reporters/recorder.js';
import { createRunRecord } from '../reporters/run-record.js';
import type { Settings } from '../config/index.js';
import { parseExtraVars } from './extra-vars.js';
import { listPlaybook } from './list.js';
import { newRunId } from './run-id.js';
import { installSignals } from './signals.js';
import { writeResume } from './resume.js';

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

  const runId = newRunId();
  const runsDir = path.resolve(cwd, s.runsDir);
  const runDir = path.join(runsDir, runId);
  fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(runDir, 0o700);

  const record = createRunRecord({ runDir, runsDir, settings: s, mailTo: flags.mailTo });
  const bus = new EventBus();
  bus.add(presenter(flags, s));
  bus.add(createRecorder({ runDir }));
  for (const r of record.reporters) bus.add(r);
  let exitCode: number = EXIT.internal;
  const control = new RunControl();
  const uninstall = installSignals(control, flags.drainTimeout !== undefined ? flags.drainTimeout * 1000 : undefined);
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
      transportFor: (host, vars) => createTransport(connectionSpecFromVars(host, vars, inventory.sourceDirs[0] ?? cwd)),
      control,
      cwd,
      rolesPath: s.rolesPath,
      secrets: s.secrets,
      secretValues: mailSecrets(s),
      startAtTask: flags.startAtTask,
      drainTimeoutMs: flags.drainTimeout !== undefined ? flags.drainTimeout * 1000 : undefined,
      runMeta: { runId, runDir, argv },
    });
    exitCode = outcome.exitCode;
    if (outcome.resume) process.stderr.write('\n' + writeResume(outcome.resume, runDir, argv, shown(cwd, runDir)).join('\n') + '\n');
    return exitCode;
  } finally {
    uninstall();
    // The log must be final before it is archived and mailed.
    await bus.close();
    const done = await record.finish({ exitCode, aborted: control.stopping });
    for (const w of done.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
    process.stderr.write(`\nRun log: ${shown(cwd, done.runLogPath)}\nRun record: ${shown(cwd, path.join(runDir, 'events.jsonl'))}\n`);
    if (done.archivePath) process.stderr.write(`Archive: ${shown(cwd, done.archivePath)}\n`);
  }
}

/** A path as the user would type it: relative when under cwd, else absolute. */
function shown(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  return rel.startsWith('..') ? p : rel;
}

function presenter(flags: RunFlags, s: Settings): Reporter {
  const write = (text: string) => void process.stdout.write(text);
  if (flags.ui === 'json') return createJsonPresenter({ write });
  if (flags.ui === 'tui') process.stderr.write('[WARNING]: the live TUI is not built yet; showing plain output\n');
  return createPlainPresenter({ write, profileLimit: s.profileLimit, profileSort: s.profileSort, summaryOnly: flags.summaryOnly });
}

/** The SMTP password is masked in events too, in case a target prints it. */
function mailSecrets(s: Settings): string[] {
  const pw = s.mail?.password ?? (s.mail?.passwordEnv ? process.env[s.mail.passwordEnv] : undefined);
  return pw ? [pw] : [];
}
