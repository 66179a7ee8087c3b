/**
 * The run's vault keyring, from the command line and the configuration, in
 * ansible-core's order. Prompts are asked here, before anything runs or is
 * drawn; a password source that gives nothing is an error (exit 1).
 */
import type { Config } from '../config/index.js';
import { loadPasswords, passwordSources, VaultKeyring } from '../vault/index.js';
import { askSecret } from './prompt.js';

/** The vault flags ansible-playbook and ansible-vault share. */
export interface VaultFlags {
  vaultId?: string[];
  vaultPasswordFile?: string[];
  /** `--vault-pass-file`, ansible's other spelling. */
  vaultPassFile?: string[];
  askVaultPass?: boolean;
  /** `--ask-vault-password`, ansible's other spelling. */
  askVaultPassword?: boolean;
}

/**
 * Loads every vault password. `prompt` adds `--ask-vault-pass` when no
 * source is given at all (ansible-vault does; ansible-playbook does not);
 * `create` asks twice for a new password.
 */
export async function vaultKeyring(flags: VaultFlags, config: Pick<Config, 'settings' | 'sources' | 'files'>, cwd: string, opts: { prompt?: boolean; create?: boolean } = {}): Promise<VaultKeyring> {
  const s = config.settings;
  const configFile = s.vaultPasswordFile ? { path: s.vaultPasswordFile, from: configuredBy(config) } : undefined;
  const passwordFiles = [...(flags.vaultPasswordFile ?? []), ...(flags.vaultPassFile ?? [])];
  const given = Boolean(flags.vaultId?.length || passwordFiles.length || configFile || s.vaultIdentityList.length);
  const sources = passwordSources({
    identityList: s.vaultIdentityList,
    vaultIds: flags.vaultId,
    passwordFiles,
    configFile,
    ask: flags.askVaultPass || flags.askVaultPassword || (opts.prompt && !given),
  });
  return new VaultKeyring(await loadPasswords(sources, { cwd, ask: (q) => askSecret(q), create: opts.create }));
}

function configuredBy(config: Pick<Config, 'sources' | 'files'>): string {
  const source = config.sources.vaultPasswordFile;
  if (source === 'env') return 'ANSIBLE_VAULT_PASSWORD_FILE';
  if (source === 'ansible.cfg') return `vault_password_file in ${config.files.ansibleCfg}`;
  if (source === 'playwatch.yml') return 'vault_password_file in playwatch.yml';
  return 'vault_password_file';
}
