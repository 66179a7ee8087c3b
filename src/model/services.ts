import type { Handler, Include, TaskNode, Vars } from './types.js';

/** Names ansible-core treats as the local machine (implicit localhost, delegation to it). */
export const LOCALHOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/**
 * The inventory as a run sees it. `inventory/` builds one and the CLI hands
 * it to the engine, so the engine never reads inventories itself.
 */
export interface HostSource {
  /** Every host the inventory names, in inventory order. */
  names(): string[];
  /** Hosts matching a pattern (`web:&prod:!web3`, `@file.retry`), in inventory order. */
  select(pattern: string): string[];
  /**
   * A host's inventory variables (inventory files, `group_vars/`, `host_vars/`).
   * `playbookDir`, when given, is the directory of the playbook file the play
   * is written in (an imported playbook's own): its `group_vars/`/`host_vars/`
   * are read instead of the top playbook's, as ansible-core does.
   */
  varsFor(host: string, playbookDir?: string): Vars;
  /** `groups`: every group's hosts. */
  groups(): Record<string, string[]>;
  /** `group_names` of one host. */
  groupNames(host: string): string[];
  /** `inventory_dir`: the first inventory source's directory. */
  dir?: string;
  /**
   * `add_host`: creates the host if new, merges `vars` into its own vars and
   * puts it in `groups` (created if new). True when the inventory changed.
   */
  addHost(name: string, groups: string[], vars: Vars): boolean;
  /** `group_by`: puts `host` in `group`, a child of each of `parents`. True when the inventory changed. */
  groupBy(host: string, group: string, parents: string[]): boolean;
  /** `meta: refresh_inventory`: reads the sources again, keeping what add_host and group_by did. */
  refresh(): void;
}

/**
 * What the engine loads while a play runs. `playbook/` builds one and the
 * CLI hands it to the engine, so the engine never parses YAML itself.
 */
export interface TaskLoader {
  /** A `vars_files` entry (an absolute path). */
  varsFile(file: string): Vars;
  /**
   * `include_tasks`: the tasks of `file` as `inc` brings them in. Handlers
   * of roles the file imports (`import_role`) are appended to `handlers`.
   */
  includeTasks(inc: Include, file: string, handlers: Handler[]): Promise<TaskNode[]>;
  /**
   * `include_role`: the role's tasks and handlers as `inc` brings them in (`handlers` as above),
   * and its role cache key (see RoleUse).
   */
  includeRole(inc: Include, name: string, handlers: Handler[]): Promise<{ tasks: TaskNode[]; handlers: Handler[]; useKey?: string }>;
}
