import type { HostStats, Play, Handler, Vars } from '../model/index.js';
import type { HostState, RunOptions } from './state.js';
import type { SecretMasker } from './secrets.js';
import type { ConnectionPool } from './connection.js';
import type { PlayTaskIds } from './identity.js';

/** What every part of the engine needs while a play runs. */
export interface PlayContext {
  opts: RunOptions;
  play: Play;
  playIndex: number;
  /** Every host of the run, by name. */
  hosts: Map<string, HostState>;
  /** Hosts of this play, in inventory order. */
  playHosts: string[];
  /** vars_files of the play, loaded once. */
  varsFilesVars: Vars;
  handlers: Handler[];
  /** Static task ids of this play (one per task occurrence, shared by every host). */
  ids: PlayTaskIds;
  /** Inventory vars per host, computed once per run. */
  inventoryVars: (host: string) => Vars;
  masker: SecretMasker;
  /** State that lives across plays. */
  run: RunState;
  /** The `serial` batch running now. */
  batch?: BatchState;
  /** Hosts `add_host` created during this play: `ansible_play_hosts_all` lists them, as in ansible-core. */
  addedHosts?: string[];
}

/** What lives across the plays of a run. */
export interface RunState {
  startAtFound: boolean;
  /** Every connection the run opened, its hosts' and delegated ones. */
  connections: ConnectionPool;
  /** Hosts that tasks were delegated to before any play targeted them (their facts wait here). */
  delegated: Map<string, HostState>;
  /** `set_stats` so far: per host, and the run's under `_run` (ansible-core's `stats.custom`). */
  customStats: Record<string, Vars>;
  /** `add_host`/`group_by`/`refresh_inventory` changed the inventory: cached inventory vars are stale. */
  inventoryChanged(): void;
  /** Each host's counts so far (the tally of emitted events). */
  statsNow(): Record<string, HostStats>;
  /** `meta: clear_host_errors`: each cleared host's counts then; failures up to them no longer set the exit code. */
  forgiven: Map<string, HostStats>;
}

export interface BatchState {
  hosts: string[];
  /** Hosts that failed for good (not rescued) or became unreachable in this batch. */
  failed: Set<string>;
  /** max_fail_percentage or any_errors_fatal ended the play. */
  breakPlay?: boolean;
  /** `meta: end_play`: no more batches of this play; the run goes on with the next play. */
  endPlay?: boolean;
}

/**
 * Per-host vars that an enclosing include adds (its params and loop item),
 * keyed by host name. Empty at the top of a section.
 */
export type Frame = ReadonlyMap<string, Vars>;

export const EMPTY_FRAME: Frame = new Map();
