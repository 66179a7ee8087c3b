/**
 * Loaded with `node --import` before the CLI: makes the engine throw (a
 * TypeError, as a bug would) when a host starts the task named in
 * PLAYWATCH_TEST_ENGINE_FAULT. No hook in playwatch itself: the class's
 * method is replaced on its prototype, the one the CLI's engine uses.
 */
import { HostState } from '../../src/engine/state.js';

const at = process.env.PLAYWATCH_TEST_ENGINE_FAULT;
const touch = HostState.prototype.touch;
HostState.prototype.touch = function (this: HostState, task: string) {
  if (at !== undefined && task === at) throw new TypeError(`injected engine fault at '${task}' on ${this.name}`);
  return touch.call(this, task);
};
