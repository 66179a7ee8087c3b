import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostState, type HostRunStatus } from '../../src/engine/state.js';

type Step = 'touch' | 'fail' | 'rescue' | 'recover' | 'unreach' | 'end' | 'nextPlay' | 'cancel' | 'stop';

// Transitions applied in order → the status after each, and whether the host still takes tasks at the end.
const TABLE: Array<[Step[], HostRunStatus[], boolean]> = [
  [['touch'], ['running'], true],
  [['touch', 'fail', 'rescue', 'recover'], ['running', 'failed', 'rescuing', 'running'], true],
  [['touch', 'fail', 'rescue', 'fail'], ['running', 'failed', 'rescuing', 'failed'], false],
  [['touch', 'unreach', 'fail', 'cancel'], ['running', 'unreachable', 'unreachable', 'unreachable'], false],
  [['touch', 'fail', 'stop', 'end'], ['running', 'failed', 'failed', 'failed'], false],
  [['touch', 'end', 'nextPlay'], ['running', 'ended', 'running'], true],
  [['end', 'nextPlay'], ['ended', 'pending'], true],
  [['cancel', 'fail', 'recover'], ['cancelled', 'cancelled', 'cancelled'], false],
  [['touch', 'stop'], ['running', 'stopped'], false],
];

test('a host changes status only through its named transitions, and failures outrank ends and stops', () => {
  for (const [steps, want, active] of TABLE) {
    const st = new HostState('h');
    assert.equal(st.status, 'pending');
    const seen = steps.map((s) => {
      if (s === 'touch') st.touch('t');
      else st[s]();
      return st.status;
    });
    assert.deepEqual(seen, want, steps.join(' → '));
    assert.equal(st.active, active, steps.join(' → '));
  }
});
