/** The options of `playwatch run` that ansible-playbook takes too, with the same meaning. */
export interface PlaybookFlags {
  inventory?: string[];
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  extraVars?: string[];
  forks?: number;
  check?: boolean;
  diff?: boolean;
  user?: string;
  connection?: string;
  privateKey?: string;
  timeout?: number;
  become?: boolean;
  becomeUser?: string;
  startAtTask?: string;
  verbose?: number;
  vaultId?: string[];
  vaultPasswordFile?: string[];
  /** Files playwatch wrote with what it asked for (-K, -k, --ask-vault-pass): ansible-playbook cannot ask, it has no terminal. */
  becomePasswordFile?: string;
  connectionPasswordFile?: string;
  syntaxCheck?: boolean;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
}

/**
 * ansible-playbook's command line for a playwatch run: each option as
 * ansible-playbook spells it, the playbook, then whatever came after `--`.
 */
export function playbookArgs(playbook: string, f: PlaybookFlags, extra: readonly string[] = []): string[] {
  const out: string[] = [];
  const each = (flag: string, values: readonly string[] | undefined) => {
    for (const v of values ?? []) out.push(flag, v);
  };
  const one = (flag: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '') out.push(flag, String(v));
  };
  const on = (flag: string, v: boolean | undefined) => {
    if (v) out.push(flag);
  };
  each('-i', f.inventory);
  one('-l', f.limit);
  each('-t', f.tags);
  each('--skip-tags', f.skipTags);
  each('-e', f.extraVars);
  one('-f', f.forks);
  on('--check', f.check);
  on('--diff', f.diff);
  one('-u', f.user);
  one('-c', f.connection);
  one('--private-key', f.privateKey);
  one('-T', f.timeout);
  on('--become', f.become);
  one('--become-user', f.becomeUser);
  one('--start-at-task', f.startAtTask);
  each('--vault-id', f.vaultId);
  each('--vault-password-file', f.vaultPasswordFile);
  one('--become-password-file', f.becomePasswordFile);
  one('--connection-password-file', f.connectionPasswordFile);
  on('--syntax-check', f.syntaxCheck);
  on('--list-hosts', f.listHosts);
  on('--list-tasks', f.listTasks);
  on('--list-tags', f.listTags);
  if (f.verbose) out.push(`-${'v'.repeat(Math.min(f.verbose, 6))}`);
  out.push(playbook, ...extra);
  return out;
}

/** The arguments that say how to reach the hosts, for the ad-hoc `ansible` that cleans up after a kill. */
export function connectionArgs(f: PlaybookFlags): string[] {
  const all = playbookArgs('x', {
    inventory: f.inventory,
    extraVars: f.extraVars,
    user: f.user,
    connection: f.connection,
    privateKey: f.privateKey,
    timeout: f.timeout,
    become: f.become,
    becomeUser: f.becomeUser,
    vaultId: f.vaultId,
    vaultPasswordFile: f.vaultPasswordFile,
    becomePasswordFile: f.becomePasswordFile,
    connectionPasswordFile: f.connectionPasswordFile,
  });
  return all.slice(0, -1);
}
