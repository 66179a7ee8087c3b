/**
 * `--engine ansible`: the run's controller (bus, views, records, control
 * socket, signals) around ansible-playbook instead of the native engine.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/index.js';
import type { Inventory } from '../model/index.js';
import { UserError } from '../model/index.js';
import { loadInventory, takeInventoryWarnings } from '../inventory/index.js';
import { SecretMasker } from '../engine/secrets.js';
import { EventGuard } from '../engine/event-guard.js';
import { ansibleVersion, runAnsible } from '../ansible/index.js';
import { connectionArgs, playbookArgs, type PlaybookFlags } from '../ansible/args.js';
import { checkPlaywatchKeywords } from '../ansible/keywords.js';
import { parseExtraVars } from './extra-vars.js';
import { inventoryOptions } from './inventory-options.js';
import { askSecret } from './prompt.js';
import type { EngineStart, RunFlags, RunSetup } from './run-command.js';

/** The package's callback plugin folder (from dist/cli or src/cli alike). */
export const PLUGIN_DIR = fileURLToPath(new URL('../../ansible/callback', import.meta.url));

/** ansible-playbook as tests may replace it (a missing or old one). */
const PROGRAM = () => process.env.PLAYWATCH_ANSIBLE_PLAYBOOK ?? 'ansible-playbook';

export type AnsiblePrepared = { kind: 'done'; exitCode: number } | { kind: 'run'; setup: RunSetup; engine: (x: EngineStart) => Promise<number> };

/**
 * Everything before the run: ansible-core's version, playwatch's own
 * keywords, the vault prompt; the listing options run ansible-playbook on
 * the terminal at once.
 */
export async function prepareAnsible(
  playbookArg: string,
  flags: RunFlags,
  cfg: { cwd: string; config: Config },
  extra: readonly string[],
  argv: string[],
  reason?: string,
): Promise<AnsiblePrepared> {
  const { cwd, config } = cfg;
  const s = config.settings;
  const program = PROGRAM();
  const version = ansibleVersion(program);
  const playbookPath = path.resolve(cwd, playbookArg);
  if (!fs.existsSync(playbookPath)) throw new UserError(`the playbook: ${playbookArg} could not be found`);
  checkPlaywatchKeywords(playbookPath);
  const secretsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-secrets-'));
  const secretFile = (name: string, value: string) => {
    const file = path.join(secretsDir, name);
    fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
    return file;
  };
  const vaultPassword = flags.askVaultPass || flags.askVaultPassword ? await askSecret('Vault password: ') : undefined;
  // What only playwatch.yml says reaches ansible-playbook as an option; ansible.cfg and ANSIBLE_* it reads itself.
  const fromYml = <K extends keyof typeof s>(k: K) => (config.sources[k] === 'playwatch.yml' ? s[k] : undefined);
  const base: PlaybookFlags = {
    ...flags,
    inventory: s.inventory,
    forks: flags.forks ?? fromYml('forks'),
    user: flags.user ?? fromYml('remoteUser'),
    become: flags.become || fromYml('become') || undefined,
    becomeUser: flags.becomeUser ?? fromYml('becomeUser'),
    vaultPasswordFile: [...(flags.vaultPasswordFile ?? []), ...(flags.vaultPassFile ?? []), ...(vaultPassword !== undefined ? [secretFile('vault', vaultPassword)] : [])],
  };
  if (flags.syntaxCheck || flags.listHosts || flags.listTasks || flags.listTags) {
    const r = spawnSync(program, playbookArgs(playbookArg, base, extra), { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    fs.rmSync(secretsDir, { recursive: true, force: true });
    return { kind: 'done', exitCode: r.status ?? 1 };
  }
  const unused = [
    flags.breakLock ? '--break-lock: there is no deploy lock under ansible-core' : '',
    flags.acceptNewHostKeys ? "--accept-new-host-keys: ansible-core checks host keys its own way (host_key_checking)" : '',
  ].filter(Boolean);
  const inventory = inventoryFor(s.inventory, cwd, config);
  // playwatch read the inventory only for the views' group filter: ansible-core reads it, and says what it finds.
  takeInventoryWarnings();
  const setup: RunSetup = { cwd, settings: s, inventory, warnings: unused.map((u) => `not used under --engine ansible: ${u}`) };
  const engine = async (x: EngineStart): Promise<number> => {
    const f: PlaybookFlags = {
      ...base,
      ...(x.becomePassword !== undefined ? { becomePasswordFile: secretFile('become', x.becomePassword) } : {}),
      ...(x.sshPassword !== undefined ? { connectionPasswordFile: secretFile('ssh', x.sshPassword) } : {}),
    };
    const masker = new SecretMasker({ secrets: s.secrets, ignore: s.secretsIgnore });
    for (const v of [x.becomePassword, x.sshPassword, vaultPassword, ...mailSecrets(config)]) masker.add(v);
    for (const e of flags.extraVars ?? []) masker.learn(extraVarsOf(e, cwd));
    const guard = new EventGuard(masker, (e) => x.emit(e), s.outputRecordMax);
    try {
      const outcome = await runAnsible({
        playbook: playbookArg,
        args: playbookArgs(playbookArg, f, extra),
        cwd,
        program,
        pluginDir: PLUGIN_DIR,
        version,
        reason,
        emit: (e) => guard.emit(e),
        hide: (task, host) => masker.hide(task, host, true),
        control: x.control,
        runMeta: { runId: x.runId, runDir: x.runDir, argv },
        check: Boolean(flags.check),
        drainTimeoutMs: x.drainMs,
        helloTimeoutMs: numberEnv('PLAYWATCH_ANSIBLE_HELLO_TIMEOUT_MS'),
        killGraceMs: numberEnv('PLAYWATCH_ANSIBLE_KILL_GRACE_MS'),
        cleanup: { program: program.replace(/ansible-playbook$/, 'ansible'), args: connectionArgs(f) },
      });
      return outcome.exitCode;
    } finally {
      fs.rmSync(secretsDir, { recursive: true, force: true });
    }
  };
  return { kind: 'run', setup, engine };
}

/** The inventory for the views' group filter, when playwatch can read it; ansible-core reads its own. */
function inventoryFor(sources: string[], cwd: string, config: Config): Inventory {
  try {
    return loadInventory(sources, inventoryOptions(config.settings, cwd));
  } catch {
    return { hosts: new Map(), groups: new Map(), sourceDirs: [], implicit: sources.length === 0 };
  }
}

/** -e values, to learn secret-named ones; one playwatch cannot read is left to ansible-core. */
function extraVarsOf(e: string, cwd: string): unknown {
  try {
    return parseExtraVars(e, cwd);
  } catch {
    return {};
  }
}

function mailSecrets(config: Config): string[] {
  const m = config.settings.mail;
  const pw = m?.password ?? (m?.passwordEnv ? process.env[m.passwordEnv] : undefined);
  return pw ? [pw] : [];
}

function numberEnv(name: string): number | undefined {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}
