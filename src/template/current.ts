/**
 * The templating calls in progress, innermost last. `lookup()` runs inside
 * the engine as a global function and needs the scope of the call it is in;
 * the call puts itself here while the engine runs.
 */
import type { Pos, Vars } from '../model/index.js';

export interface ActiveCall {
  readonly scope: Vars;
  readonly where?: Pos;
  /** A variable's templated value; undefined when absent. */
  variable(name: string): unknown;
}

export const active: ActiveCall[] = [];
