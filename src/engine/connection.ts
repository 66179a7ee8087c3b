/**
 * Where a task's module runs and how the engine connects there: the task's
 * host or its `delegate_to` target, with the connection settings ansible-core
 * would use, and one shared connection per target and settings.
 */
import type { ModuleResult, Task, Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import { render } from '../template/index.js';
import { CONNECTION_VARS, LOCAL_NAMES } from '../transport/index.js';
import type { Transport } from '../transport/types.js';
import type { WrapOptions } from '../transport/command.js';
import type { PlayContext } from './context.js';
import { HostState } from './state.js';
import { playbookDirOf } from './scope.js';

/** Where one run of a task's module goes. */
export interface Target {
  /** The machine's inventory name, or the address as written when it is not in the inventory. */
  name: string;
  /** Set when the task is delegated to another machine than its host. */
  delegate?: string;
  /** The delegated host's address when it differs from its name (`lb1(10.0.0.5)`). */
  address?: string;
  /** The vars connection and become settings come from: the host's own, or the delegated host's. */
  vars: Vars;
  /** What the transport is built from. */
  conn: Vars;
}

/** One open (or not yet opened) connection. */
export interface Conn {
  target: string;
  transport: Transport;
  /** Makes a new transport for this target (`meta: reset_connection` replaces a closed one: a closed transport stays closed). */
  make: () => Transport;
  connected: boolean;
  /** This run holds the deploy lock over this connection. */
  lockTaken: boolean;
  /** The machine's `playwatch_lock_path`, when it sets one (the release goes there too). */
  lockPlace?: string;
  /** Connecting, while under way. */
  opening?: Promise<void>;
  /** Taking the deploy lock, while under way. */
  locking?: Promise<HostPrepared>;
}

/** A connection ready for its modules, or the result that says why not (a lock held elsewhere). */
export type HostPrepared = { ready: true; transport: Transport } | { ready: false; result: ModuleResult };

/**
 * Run-wide connections, one per target and connection settings: a host's
 * own tasks and every task delegated to it share it.
 */
export class ConnectionPool {
  private readonly byKey = new Map<string, Conn>();

  get(target: Target, make: () => Transport): Conn {
    const key = JSON.stringify([target.name, Object.entries(target.conn).sort(([a], [b]) => a.localeCompare(b))]);
    let c = this.byKey.get(key);
    if (!c) this.byKey.set(key, (c = { target: target.name, transport: make(), make, connected: false, lockTaken: false }));
    return c;
  }

  all(): Conn[] {
    return [...this.byKey.values()];
  }
}

const set = (v: unknown) => v !== undefined && v !== null && v !== '';

/** The rendered `delegate_to`, or undefined when the task runs on its own host. */
export function delegateOf(task: Task, host: string, scope: Vars): string | undefined {
  if (task.delegateTo === undefined) return undefined;
  const name = String(render(task.delegateTo, scope, task.pos)).trim();
  if (!name) throw new UserError("'delegate_to' rendered to an empty name", task.pos);
  return name === host ? undefined : name;
}

/** The task's own keyword, rendered (keywords come inherited: task > block > role > play). */
function keyword(task: Task, name: string, scope: Vars): string | undefined {
  const v = task.extra[name];
  return set(v) ? String(render(v, scope, task.pos)) : undefined;
}

/**
 * Where the task's module runs on `host` and how to connect there, in
 * ansible-core's order: a connection var (`ansible_connection`,
 * `ansible_user`, `ansible_port` from inventory, play, task or extra vars)
 * wins over the keyword (`connection`, `remote_user`, `port`), which wins
 * over the command line (`-c`, `-u`). A delegated task connects with the
 * delegated host's vars; a name not in the inventory is its own address.
 */
export function targetOf(pc: PlayContext, task: Task, host: string, scope: Vars): Target {
  const defaults = pc.opts.connectionDefaults ?? {};
  const connection = keyword(task, 'connection', scope) ?? defaults.connection;
  const user = keyword(task, 'remote_user', scope) ?? defaults.user;
  const delegate = delegateOf(task, host, scope);
  if (!delegate) {
    const conn = pick(scope);
    if (!set(conn.ansible_connection) && connection) conn.ansible_connection = connection;
    if (!set(conn.ansible_user) && user) conn.ansible_user = user;
    const port = keyword(task, 'port', scope);
    if (!set(conn.ansible_port) && port) conn.ansible_port = port;
    inPlayDir(pc, host, conn);
    return { name: host, vars: scope, conn };
  }
  const { name, vars } = delegatedVars(pc, task, delegate);
  const conn = pick(vars);
  // `connection: local` means the play's hosts are this machine, not the delegated one.
  if (!set(conn.ansible_connection) && connection && connection !== 'local') conn.ansible_connection = connection;
  if (!set(conn.ansible_user) && user) conn.ansible_user = user;
  // The port keyword is the play hosts' port: a delegated host keeps its own (ansible-core resets it).
  const address = set(vars.ansible_host) && String(vars.ansible_host) !== delegate ? String(vars.ansible_host) : undefined;
  inPlayDir(pc, name, conn);
  return { name, delegate, ...(address ? { address } : {}), vars, conn };
}

/**
 * A delegated host's vars as ansible-core sees them for the connection:
 * its inventory vars (found by name, else by address), the play's and the
 * task's vars, its facts, and extra vars. A name the inventory lacks is
 * reached at that name.
 */
function delegatedVars(pc: PlayContext, task: Task, delegate: string): { name: string; vars: Vars } {
  const names = pc.opts.hosts.names();
  let name: string | undefined = names.includes(delegate) ? delegate : undefined;
  if (!name) {
    for (const h of names) {
      if (String(pc.inventoryVars(h).ansible_host ?? '') === delegate) {
        name = h;
        break;
      }
    }
  }
  // ansible-core's implicit localhost is on the local connection whatever the keywords say.
  const own = name ? pc.inventoryVars(name) : LOCAL_NAMES.has(delegate) ? { ansible_host: delegate, ansible_connection: 'local' } : { ansible_host: delegate };
  const st = stateOf(pc, name ?? delegate, false);
  const vars: Vars = {
    ...own,
    ...pc.play.vars,
    ...pc.varsFilesVars,
    ...task.vars,
    ...st?.includedVars,
    ...st?.hostFacts,
    ...pc.opts.extraVars,
  };
  return { name: name ?? delegate, vars };
}

/**
 * ansible-core runs a local connection's commands in the play's playbook
 * directory (the imported file's under import_playbook): the transport is
 * told where, and a play from another directory gets its own.
 */
function inPlayDir(pc: PlayContext, name: string, conn: Vars): void {
  const c = conn.ansible_connection;
  const local = set(c) ? String(c) === 'local' : LOCAL_NAMES.has(name);
  if (local) conn.playwatch_play_dir = playbookDirOf(pc);
}

function pick(vars: Vars): Vars {
  const out: Vars = {};
  for (const k of CONNECTION_VARS) if (set(vars[k])) out[k] = vars[k];
  return out;
}

/**
 * The state of any host, also one no play has targeted yet (a delegated
 * host): its facts live there until a play takes it in.
 */
export function stateOf(pc: PlayContext, name: string, create = true): HostState | undefined {
  const st = pc.hosts.get(name) ?? pc.run.delegated.get(name);
  if (st || !create) return st;
  const made = new HostState(name);
  pc.run.delegated.set(name, made);
  return made;
}

const truthy = (v: unknown) => v === true || ['yes', 'true', 'on', '1', 'y'].includes(String(v).trim().toLowerCase());

/**
 * become settings for one module run: a become var of the target
 * (`ansible_become`, `ansible_become_user`, … from the delegated host's
 * vars when delegated) wins over the keyword (task > block > role > play),
 * which wins over `-b`/`--become-user`/config. Only sudo is supported.
 */
export function becomeOf(pc: PlayContext, task: Task, target: Target, scope: Vars): WrapBecome {
  const v = target.vars;
  const defaults = pc.opts.becomeDefaults ?? {};
  const r = (x: unknown) => (x === undefined ? undefined : render(x, scope, task.pos));
  const pickOne = (...xs: unknown[]) => xs.find((x) => x !== undefined && x !== null);
  const become = r(pickOne(v.ansible_become, task.become, pc.play.become, defaults.become));
  const out: WrapBecome = { become: become === undefined ? undefined : truthy(become) };
  if (!out.become) return out;
  const method = r(pickOne(v.ansible_become_method, task.becomeMethod, defaults.becomeMethod));
  if (method !== undefined && String(method) !== 'sudo') {
    throw new UserError(`become_method '${String(method)}' is not supported: playwatch becomes another user with sudo only`, task.pos);
  }
  const user = r(pickOne(v.ansible_become_user, task.becomeUser, pc.play.becomeUser, defaults.becomeUser));
  const flags = r(pickOne(v.ansible_become_flags, task.extra.become_flags));
  const exe = r(pickOne(v.ansible_become_exe, task.extra.become_exe));
  // Goes to sudo on stdin after sudo's own prompt, never on the command line.
  const password = r(pickOne(v.ansible_become_password, v.ansible_become_pass, defaults.password));
  if (user !== undefined) out.becomeUser = String(user);
  if (flags !== undefined) out.becomeFlags = String(flags);
  if (exe !== undefined) out.becomeExe = String(exe);
  if (password !== undefined) out.becomePassword = String(password);
  return out;
}

export type WrapBecome = Pick<WrapOptions, 'become' | 'becomeUser' | 'becomeFlags' | 'becomeExe' | 'becomePassword'>;

/** The delegated host as result events carry it (`w1 -> lb1(10.0.0.5)`). */
export interface DelegateLabel {
  delegate: string;
  delegateAddress?: string;
}

/**
 * The label part for a delegated task, or nothing. A `delegate_to` that
 * does not render names nothing here: the module call reports that error.
 */
export function delegateLabel(pc: PlayContext, task: Task, host: string, scope: Vars): DelegateLabel | undefined {
  if (task.delegateTo === undefined) return undefined;
  try {
    const t = targetOf(pc, task, host, scope);
    if (!t.delegate) return undefined;
    return t.address ? { delegate: t.delegate, delegateAddress: t.address } : { delegate: t.delegate };
  } catch {
    return undefined;
  }
}
