/** The settings playwatch reads, where each comes from, and their defaults. */
import os from 'node:os';
import path from 'node:path';
import type { MailConfig } from '../model/index.js';

/** Every setting, after precedence has been applied. Paths are absolute. */
export interface Settings {
  /** Inventory sources (`-i`): paths, or `a,b,` host lists. */
  inventory: string[];
  /** Seconds an inventory script may run (each `--list`/`--host` call) before it is killed. */
  inventoryScriptTimeout: number;
  /** Extensions skipped in inventory directories (ansible-core's INVENTORY_IGNORE_EXTS). */
  inventoryIgnoreExtensions: string[];
  forks: number;
  rolesPath: string[];
  /** Where installed collections live (each holds `ansible_collections/<ns>/<coll>/`). */
  collectionsPath: string[];
  retryFilesEnabled: boolean;
  hostKeyChecking: boolean;
  /** SSH connection timeout in seconds. */
  timeout: number;
  /** How SSH hosts run commands: one long-lived shell session (`shell`) or an exec channel per command (`exec`). */
  sshMode: 'exec' | 'shell';
  remoteUser?: string;
  become: boolean;
  becomeUser: string;
  becomeMethod: string;
  gathering: 'implicit' | 'explicit' | 'smart';
  runsDir: string;
  /** Variable names (or globs) whose values are masked everywhere. */
  secrets: string[];
  /** Names or globs whose values are not secret after all (they match a `secrets` glob but hold nothing secret). */
  secretsIgnore: string[];
  /** The `mail:` section of playwatch.yml, with defaults filled in; unset when there is none. */
  mail?: MailConfig;
  /** Rows in the console's TASKS RECAP (profile_tasks' `task_output_limit`). */
  profileLimit: number;
  /** Order of TASKS RECAP rows (profile_tasks' `sort_order`). */
  profileSort: 'descending' | 'ascending' | 'none';
  /** How many runs the runs directory keeps (directories and archives). */
  runsKeep: number;
  /** A deploy lock older than this many hours counts as stale. */
  lockStaleAfter: number;
  /** How many MiB of runs the runs directory keeps. */
  runsMaxMb: number;
  /** Bytes of streamed output the run record keeps per task and host (DESIGN §12). */
  outputRecordMax: number;
  /** The hang detector's floor, seconds: a host is slower than usual past max(3 x p95, p95 + this). */
  slowFloor: number;
  /** Which engine runs playbooks: playwatch's own (`native`), ansible-core (`ansible`), or `auto` (native when it supports everything the playbook uses). */
  engine: 'native' | 'ansible' | 'auto';
  /** A vault password file (or script) used besides any given on the command line. */
  vaultPasswordFile?: string;
  /** Vault ids (`label@source`) tried before those of the command line. */
  vaultIdentityList: string[];
  /** Print `set_stats` data as CUSTOM STATS after PLAY RECAP (ansible's default callback `show_custom_stats`). */
  showCustomStats: boolean;
  /** The SSH key tried first when a host names none (`--private-key` wins). */
  privateKeyFile?: string;
  /** Callback plugins ansible-core would add; playwatch profiles always, and notes the others it does not run. */
  callbacksEnabled: string[];
  /** ansible-core's console callback; playwatch's own views stand in for it (a note when set). */
  stdoutCallback?: string;
  /** `[ssh_connection] ssh_args`: the `-o` options playwatch honours are ProxyJump, User, Port and IdentityFile. */
  sshArgs?: string;
  /** Ask for the become password before the run (`-K`). */
  becomeAskPass: boolean;
  /** Where retry files go (default: beside the playbook). */
  retryFilesSavePath?: string;
}

/** Where a setting's value came from. */
export type SettingSource = 'cli' | 'playwatch.yml' | 'env' | 'ansible.cfg' | 'default';

/** How a setting's text is turned into a value. */
export type ValueType = 'int' | 'bool' | 'string' | 'pathlist' | 'pathspec' | 'path' | 'choice' | 'list' | 'raw' | 'mail';

/** One setting: its type and its name in each place it can be set. */
export interface SettingSpec {
  type: ValueType;
  /** Key in playwatch.yml. */
  yml: string;
  env?: string;
  /** `[section] key` in ansible.cfg. */
  cfg?: [section: string, key: string];
  choices?: readonly string[];
  /** Older names ansible-core still reads; the current names win over them. */
  oldNames?: { env?: string; cfg?: [section: string, key: string] };
}

export const SPECS: { readonly [K in keyof Settings]-?: SettingSpec } = {
  inventory: { type: 'pathlist', yml: 'inventory', env: 'ANSIBLE_INVENTORY', cfg: ['defaults', 'inventory'] },
  inventoryScriptTimeout: { type: 'int', yml: 'inventory_script_timeout', env: 'PLAYWATCH_INVENTORY_SCRIPT_TIMEOUT' },
  inventoryIgnoreExtensions: {
    type: 'list',
    yml: 'inventory_ignore_extensions',
    env: 'ANSIBLE_INVENTORY_IGNORE',
    cfg: ['defaults', 'inventory_ignore_extensions'],
  },
  forks: { type: 'int', yml: 'forks', env: 'ANSIBLE_FORKS', cfg: ['defaults', 'forks'] },
  rolesPath: { type: 'pathspec', yml: 'roles_path', env: 'ANSIBLE_ROLES_PATH', cfg: ['defaults', 'roles_path'] },
  collectionsPath: {
    type: 'pathspec',
    yml: 'collections_path',
    env: 'ANSIBLE_COLLECTIONS_PATH',
    cfg: ['defaults', 'collections_path'],
    oldNames: { env: 'ANSIBLE_COLLECTIONS_PATHS', cfg: ['defaults', 'collections_paths'] },
  },
  retryFilesEnabled: {
    type: 'bool',
    yml: 'retry_files_enabled',
    env: 'ANSIBLE_RETRY_FILES_ENABLED',
    cfg: ['defaults', 'retry_files_enabled'],
  },
  hostKeyChecking: {
    type: 'bool',
    yml: 'host_key_checking',
    env: 'ANSIBLE_HOST_KEY_CHECKING',
    cfg: ['defaults', 'host_key_checking'],
  },
  timeout: { type: 'int', yml: 'timeout', env: 'ANSIBLE_TIMEOUT', cfg: ['defaults', 'timeout'] },
  sshMode: { type: 'choice', yml: 'ssh_mode', env: 'PLAYWATCH_SSH_MODE', choices: ['exec', 'shell'] },
  remoteUser: { type: 'string', yml: 'remote_user', env: 'ANSIBLE_REMOTE_USER', cfg: ['defaults', 'remote_user'] },
  become: { type: 'bool', yml: 'become', env: 'ANSIBLE_BECOME', cfg: ['privilege_escalation', 'become'] },
  becomeUser: {
    type: 'string',
    yml: 'become_user',
    env: 'ANSIBLE_BECOME_USER',
    cfg: ['privilege_escalation', 'become_user'],
  },
  becomeMethod: {
    type: 'string',
    yml: 'become_method',
    env: 'ANSIBLE_BECOME_METHOD',
    cfg: ['privilege_escalation', 'become_method'],
  },
  gathering: {
    type: 'choice',
    yml: 'gathering',
    env: 'ANSIBLE_GATHERING',
    cfg: ['defaults', 'gathering'],
    choices: ['implicit', 'explicit', 'smart'],
  },
  runsDir: { type: 'path', yml: 'runs_dir', env: 'PLAYWATCH_RUNS_DIR' },
  secrets: { type: 'list', yml: 'secrets' },
  secretsIgnore: { type: 'list', yml: 'secrets_ignore' },
  mail: { type: 'mail', yml: 'mail' },
  profileLimit: {
    type: 'int',
    yml: 'profile_limit',
    env: 'ANSIBLE_PROFILE_TASKS_TASK_OUTPUT_LIMIT',
    cfg: ['callback_profile_tasks', 'task_output_limit'],
  },
  profileSort: {
    type: 'choice',
    yml: 'profile_sort',
    env: 'ANSIBLE_PROFILE_TASKS_SORT_ORDER',
    cfg: ['callback_profile_tasks', 'sort_order'],
    choices: ['descending', 'ascending', 'none'],
  },
  runsKeep: { type: 'int', yml: 'runs_keep', env: 'PLAYWATCH_RUNS_KEEP' },
  lockStaleAfter: { type: 'int', yml: 'lock_stale_after', env: 'PLAYWATCH_LOCK_STALE_AFTER' },
  runsMaxMb: { type: 'int', yml: 'runs_max_mb', env: 'PLAYWATCH_RUNS_MAX_MB' },
  outputRecordMax: { type: 'int', yml: 'output_record_max', env: 'PLAYWATCH_OUTPUT_RECORD_MAX' },
  slowFloor: { type: 'int', yml: 'slow_floor', env: 'PLAYWATCH_SLOW_FLOOR' },
  engine: { type: 'choice', yml: 'engine', env: 'PLAYWATCH_ENGINE', choices: ['native', 'ansible', 'auto'] },
  vaultPasswordFile: { type: 'path', yml: 'vault_password_file', env: 'ANSIBLE_VAULT_PASSWORD_FILE', cfg: ['defaults', 'vault_password_file'] },
  vaultIdentityList: { type: 'list', yml: 'vault_identity_list', env: 'ANSIBLE_VAULT_IDENTITY_LIST', cfg: ['defaults', 'vault_identity_list'] },
  showCustomStats: {
    type: 'bool',
    yml: 'show_custom_stats',
    env: 'ANSIBLE_SHOW_CUSTOM_STATS',
    cfg: ['defaults', 'show_custom_stats'],
  },
  privateKeyFile: { type: 'path', yml: 'private_key_file', env: 'ANSIBLE_PRIVATE_KEY_FILE', cfg: ['defaults', 'private_key_file'] },
  callbacksEnabled: { type: 'list', yml: 'callbacks_enabled', env: 'ANSIBLE_CALLBACKS_ENABLED', cfg: ['defaults', 'callbacks_enabled'] },
  stdoutCallback: { type: 'string', yml: 'stdout_callback', env: 'ANSIBLE_STDOUT_CALLBACK', cfg: ['defaults', 'stdout_callback'] },
  sshArgs: { type: 'string', yml: 'ssh_args', env: 'ANSIBLE_SSH_ARGS', cfg: ['ssh_connection', 'ssh_args'] },
  becomeAskPass: {
    type: 'bool',
    yml: 'become_ask_pass',
    env: 'ANSIBLE_BECOME_ASK_PASS',
    cfg: ['privilege_escalation', 'become_ask_pass'],
  },
  retryFilesSavePath: { type: 'path', yml: 'retry_files_save_path', env: 'ANSIBLE_RETRY_FILES_SAVE_PATH', cfg: ['defaults', 'retry_files_save_path'] },
};

export const SETTING_KEYS = Object.keys(SPECS) as Array<keyof Settings>;

/** Defaults, with relative paths resolved against `cwd` and `~` against `home`. */
export function defaultSettings(cwd: string, home: string = os.homedir()): Settings {
  return {
    inventory: [],
    inventoryScriptTimeout: 30,
    // ansible-core's INVENTORY_IGNORE_EXTS: REJECT_EXTS + .orig, .ini, .cfg, .retry
    inventoryIgnoreExtensions: ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'],
    forks: 5,
    // ansible-core's DEFAULT_ROLES_PATH
    rolesPath: [path.join(home, '.ansible/roles'), '/usr/share/ansible/roles', '/etc/ansible/roles'],
    // ansible-core's COLLECTIONS_PATHS
    collectionsPath: [path.join(home, '.ansible/collections'), '/usr/share/ansible/collections'],
    retryFilesEnabled: false,
    hostKeyChecking: true,
    timeout: 10,
    sshMode: 'shell',
    become: false,
    becomeUser: 'root',
    becomeMethod: 'sudo',
    gathering: 'implicit',
    runsDir: path.resolve(cwd, '.playwatch/runs'),
    // DESIGN §12; `secrets:` in playwatch.yml adds to these.
    secrets: ['*password*', '*passwd*', '*_pass', '*secret*', '*token*', '*api_key*', '*private_key*', '*credential*'],
    secretsIgnore: [],
    profileLimit: 10,
    profileSort: 'descending',
    runsKeep: 100,
    lockStaleAfter: 6,
    runsMaxMb: 1024,
    outputRecordMax: 8 * 1024 * 1024,
    slowFloor: 30,
    vaultIdentityList: [],
    showCustomStats: false,
    callbacksEnabled: [],
    becomeAskPass: false,
    engine: 'native',
  };
}
