/**
 * Configuration, read once into one typed object. Precedence, highest first:
 * command line > playwatch.yml (in the working directory) > environment
 * (`ANSIBLE_*`, `PLAYWATCH_*`) > ansible.cfg (found as ansible-core finds it)
 * > defaults.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pos } from '../model/index.js';
import { UserError } from '../model/index.js';
import { findAnsibleCfg, isWorldWritable, readAnsibleCfg, worldWritableWarning } from './ansible-cfg.js';
import { readPlaywatchYml } from './playwatch-yml.js';
import { defaultSettings, SETTING_KEYS, SPECS, type Settings, type SettingSource } from './settings.js';
import { convert, resolveInventoryEntry, resolvePath, type Bases } from './values.js';
import { settingNotes } from './notes.js';

export { SETTING_KEYS, SPECS, defaultSettings, type Settings, type SettingSource } from './settings.js';
export { defaultMailSettings, parseMail, MAIL_TRIGGERS, type MailSettings, type MailTrigger } from './mail.js';
export { parseBool } from './bool.js';
export { findAnsibleCfg, parseAnsibleCfg } from './ansible-cfg.js';
export { parseSshArgs, type SshArgs } from './ssh-args.js';

/** The settings, where each came from, and which files were read. */
export interface Config {
  settings: Settings;
  sources: Record<keyof Settings, SettingSource>;
  files: { playwatchYml?: string; ansibleCfg?: string };
  /** Things worth telling the user that are not errors (e.g. an ignored ansible.cfg). */
  warnings: string[];
}

/** Where to read configuration from. */
export interface ConfigOptions {
  cwd: string;
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default: os.homedir(). */
  home?: string;
  /** Values from the command line; relative paths resolve against `cwd`. */
  cli?: Partial<Settings>;
  /** Default `/etc/ansible/ansible.cfg`; tests point it elsewhere. */
  systemConfig?: string;
}

/** Read every configuration layer and merge them. Bad values are UserErrors naming the file position or the variable. */
export function loadConfig(opts: ConfigOptions): Config {
  const cwd = path.resolve(opts.cwd);
  const env = opts.env ?? process.env;
  const home = opts.home ?? os.homedir();
  const warnings: string[] = [];
  const settings = defaultSettings(cwd, home) as unknown as Record<string, unknown>;
  const sources = Object.fromEntries(SETTING_KEYS.map((k) => [k, 'default'])) as Record<keyof Settings, SettingSource>;
  const files: Config['files'] = {};
  const set = (key: keyof Settings, value: unknown, source: SettingSource): void => {
    settings[key] = value;
    sources[key] = source;
  };

  const cfgFile = findAnsibleCfg({ cwd, env, home, systemConfig: opts.systemConfig }, warnings);
  if (cfgFile) {
    files.ansibleCfg = cfgFile;
    const cfg = readAnsibleCfg(cfgFile);
    const bases = { dir: path.dirname(cfgFile), home };
    for (const key of SETTING_KEYS) {
      // The older name first, so the current one wins when both are set (as in ansible-core).
      for (const where of [SPECS[key].oldNames?.cfg, SPECS[key].cfg]) {
        const entry = where && cfg.get(where[0])?.get(where[1]);
        if (!entry) continue;
        set(key, check(key, convert(SPECS[key], entry.value, bases, true), where[1], entry.pos), 'ansible.cfg');
      }
    }
  }

  for (const key of SETTING_KEYS) {
    for (const name of [SPECS[key].oldNames?.env, SPECS[key].env]) {
      const raw = name ? env[name] : undefined;
      if (raw === undefined || raw === '') continue;
      set(key, check(key, convert(SPECS[key], raw, { dir: cwd, home }, true), `environment variable ${name}`), 'env');
    }
  }

  const ymlFile = path.join(cwd, 'playwatch.yml');
  const ymlTrusted = !isWorldWritable(cwd);
  if (!ymlTrusted && fs.existsSync(ymlFile)) warnings.push(worldWritableWarning(cwd, 'a playwatch.yml'));
  if (ymlTrusted && fs.existsSync(ymlFile)) {
    files.playwatchYml = ymlFile;
    const yml = readPlaywatchYml(ymlFile, SETTING_KEYS.map((k) => SPECS[k].yml));
    for (const key of SETTING_KEYS) {
      const entry = yml.get(SPECS[key].yml);
      if (!entry || entry.value === null) continue;
      const value = check(key, convert(SPECS[key], entry.value, { dir: cwd, home }, false), SPECS[key].yml, entry.pos);
      // `secrets:` adds to the default names (DESIGN §12); `secrets_ignore:` takes names out.
      set(key, key === 'secrets' ? [...new Set([...(settings.secrets as string[]), ...(value as string[])])] : value, 'playwatch.yml');
    }
  }

  for (const [key, value] of Object.entries(opts.cli ?? {}) as Array<[keyof Settings, unknown]>) {
    if (value === undefined) continue;
    set(key, fromCli(key, value, { dir: cwd, home }), 'cli');
  }
  warnings.push(...settingNotes(settings as unknown as Settings));

  return { settings: settings as unknown as Settings, sources, files, warnings };
}

/** The converted value, or a UserError saying which setting is wrong and where. */
function check(key: keyof Settings, result: { value: unknown } | { error: string }, name: string, pos?: Pos): unknown {
  if ('error' in result) throw new UserError(`${name}: ${result.error}`, pos);
  if ((key === 'secrets' || key === 'secretsIgnore') && (result.value as string[]).some((s) => s === '')) {
    throw new UserError(`${name}: secret names must not be empty`, pos);
  }
  return result.value;
}

/** Command-line values are already typed; only paths need resolving. */
function fromCli(key: keyof Settings, value: unknown, bases: Bases): unknown {
  if (key === 'inventory') return (value as string[]).map((e) => resolveInventoryEntry(e, bases));
  if (key === 'rolesPath' || key === 'collectionsPath') return (value as string[]).map((p) => resolvePath(p, bases));
  if (key === 'runsDir' || key === 'privateKeyFile') return resolvePath(value as string, bases);
  return value;
}
