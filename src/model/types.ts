/** Plain data types shared by every layer. Nothing here does I/O. */

/** A variable scope: names to plain JSON-like values. */
export type Vars = Record<string, unknown>;

/** A place in a user's file, 1-based, as editors count. */
export interface Pos {
  file: string;
  line: number;
  col: number;
}

// ---------------------------------------------------------------- inventory

export interface Host {
  name: string;
  /** Vars written inline on the host line or under the host in YAML. */
  vars: Vars;
  /** Names of the groups the host is directly in (not ancestors). */
  groups: string[];
}

export interface Group {
  name: string;
  /** Vars from `[g:vars]` or the YAML `vars:` key. */
  vars: Vars;
  children: string[];
  /** Hosts directly in the group, in inventory order. */
  hosts: string[];
}

export interface Inventory {
  /** Hosts in the order they first appear across all sources. */
  hosts: Map<string, Host>;
  groups: Map<string, Group>;
  /** Directories of the inventory sources, searched for group_vars/ and host_vars/. */
  sourceDirs: string[];
  /** True when no inventory was given and `localhost` was made up. */
  implicit: boolean;
}

// ----------------------------------------------------------------- playbook

/** A role as loaded from `roles/<name>/`. */
export interface Role {
  name: string;
  dir: string;
  defaults: Vars;
  vars: Vars;
  /** Params from `{role: x, param: 1}`; they rank above set_fact. */
  params: Vars;
  /** Which role this is in the play, to tell two uses of one role apart. */
  uid: number;
}

/** Keywords common to tasks, blocks and includes. */
export interface NodeBase {
  pos: Pos;
  name?: string;
  /** Conditions from this node and every parent, outermost first. */
  when: Array<string | boolean>;
  /** Effective tags: own plus inherited. */
  tags: string[];
  /** Block and task vars, outermost first, already merged (innermost wins). */
  vars: Vars;
  role?: Role;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  ignoreErrors?: boolean | string;
  ignoreUnreachable?: boolean;
  environment?: Vars;
  noLog?: boolean | string;
  checkMode?: boolean | string;
  runOnce?: boolean;
  delegateTo?: string;
  throttle?: number;
  /** Any keyword playwatch accepts but the engine does not act on yet. */
  extra: Vars;
}

export interface LoopSpec {
  /** `loop:` value, or the terms of a `with_<lookup>:` (unrendered). */
  items: unknown;
  /** `with_<lookup>`: the lookup that turns the terms into items (`items` for `with_items`). */
  with?: string;
  label?: string;
  loopVar: string;
  indexVar?: string;
  /** Seconds between items, or a template giving them. */
  pause?: number | string;
  /** `loop_control.extended`: `ansible_loop` in each item's variables. */
  extended?: boolean | string;
  /** `loop_control.extended_allitems` (default true): `ansible_loop.allitems` too. */
  extendedAllitems?: boolean | string;
}

export interface Task extends NodeBase {
  kind: 'task';
  /** Canonical short module name: `ansible.builtin.shell` → `shell`. */
  module: string;
  /** Module args; a free-form string is kept under `_raw_params`. */
  args: Vars;
  register?: string;
  loop?: LoopSpec;
  changedWhen?: Array<string | boolean>;
  failedWhen?: Array<string | boolean>;
  until?: Array<string | boolean>;
  retries?: number | string;
  delay?: number | string;
  notify: string[];
  /** Handlers only: topics from `listen:`. */
  listen: string[];
  async?: number | string;
  poll?: number | string;
  timeout?: number | string;
}

export interface Block extends NodeBase {
  kind: 'block';
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
}

/** A dynamic include, resolved by the engine when it is reached. */
export interface Include extends NodeBase {
  kind: 'include';
  action: 'include_tasks' | 'include_role';
  /** include_tasks: the file (may be templated); include_role: the role name. */
  target: string;
  /** Directory `target` is relative to (include_tasks). */
  baseDir: string;
  /** Other args: `tasks_from`, `apply`, include params. */
  args: Vars;
  loop?: LoopSpec;
  /** An include_tasks handler only: topics from `listen:`. */
  listen?: string[];
  /** `register:`: the include's result (`include`, `include_args`), per item under a loop. */
  register?: string;
}

export type TaskNode = Task | Block | Include;

/**
 * A role brought in by import_role or include_role, as ansible-core's role
 * cache knows it: uses with the same key are one role, which runs again
 * for a host only while `allowDuplicates` (the option's last value) is true.
 * import_role marks its top-level tasks with it (`extra._roleUse`, the last
 * also `extra._roleUseEnd`).
 */
export interface RoleUse {
  /** Role dir, the use's vars and its `*_from` files. */
  key: string;
  allowDuplicates: boolean;
  /** The handlers of the first import: an include_role of the same use shares them. */
  handlers?: Handler[];
}

/** A handler: a task, or an `include_tasks` whose tasks run as the handler (blocks are flattened at load). */
export type Handler = Task | Include;

export interface Play {
  pos: Pos;
  name: string;
  hosts: string;
  vars: Vars;
  /** vars_files entries, unrendered, relative to the playbook dir. */
  varsFiles: Array<string | string[]>;
  gatherFacts: boolean;
  tags: string[];
  become?: boolean;
  becomeUser?: string;
  /** pre_tasks, then roles' tasks, then tasks, then post_tasks, as ansible-core orders them. */
  sections: { name: 'pre_tasks' | 'roles' | 'tasks' | 'post_tasks'; tasks: TaskNode[] }[];
  /** Play handlers and role handlers. */
  handlers: Handler[];
  /** serial, strategy, forks, max_fail_percentage, any_errors_fatal, ... as written. */
  keywords: Vars;
}

export interface Playbook {
  path: string;
  dir: string;
  plays: Play[];
}

// ------------------------------------------------------------------ results

export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

/** What a module hands back: the shape `register` stores. */
export interface ModuleResult {
  changed?: boolean;
  /** `0` in ansible-core's async start result (poll: 0); read it as a truth value. */
  failed?: boolean | 0;
  skipped?: boolean;
  unreachable?: boolean;
  msg?: string;
  rc?: number;
  stdout?: string;
  stderr?: string;
  stdout_lines?: string[];
  stderr_lines?: string[];
  stdout_truncated?: boolean;
  [key: string]: unknown;
}

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
  /** Hosts a group budget cancelled before they started (shown only when > 0). */
  cancelled?: number;
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

/**
 * How a host is reached, as `-vvvv` shows it: the transport describes
 * itself, the `host.command` event carries it. Never holds a password.
 */
export interface ConnectionInfo {
  connection: 'local' | 'ssh';
  /** The login user (ssh) or the user running playwatch (local). */
  user: string;
  /** ssh: the address and port connected to, after ~/.ssh/config. */
  address?: string;
  port?: number;
  /** ssh: jump hosts passed through first, as `user@address:port`. */
  jumps?: string[];
  /** ssh: private key files offered, in order. */
  keys?: string[];
  /** ssh: the known_hosts file the host key is checked against. */
  knownHosts?: string;
  /** local: the directory that plays this host's machine. */
  root?: string;
  /** ssh: how commands ran: a long-lived shell session, or one exec channel each. */
  mode?: 'exec' | 'shell';
}
