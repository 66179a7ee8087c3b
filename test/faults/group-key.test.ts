/**
 * Issue 20, finding 5: the TUI host table printed a budget group's key as
 * it came, and the key is a host's value of `max_concurrent_per`, which
 * can come from target output (a fact, a registered result).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { render } from 'ink-testing-library';
import { initialState, reduce, vecToArray } from '../../src/events/index.js';
import { HostTable } from '../../src/ui/HostTable.js';

test('a budget group key with OSC 52, CSI 2J and C1 in it shows inert in the host table', () => {
  const key = 'web-\x1b]52;c;aGk=\x07a\x1b[2J\x9b2J\x85';
  const base = { at: 0, wall: 0 };
  let s = initialState();
  s = reduce(s, { ...base, type: 'run.start', schema: 2, runId: 'r', playbook: 'p.yml', runDir: '/tmp/r', hosts: ['a1', 'a2'], check: false, argv: [] } as never);
  s = reduce(s, { ...base, type: 'group.update', key, hosts: ['a1', 'a2'], busy: 1, allowed: 1, done: 0, failed: 0, cancelled: 0, waiting: 1 } as never);
  const frame = render(h(HostTable, { hosts: vecToArray(s.hosts), total: 2, scroll: 0, selected: 0, rows: 5, now: 0, width: 140, groups: s.groups })).lastFrame()!;
  // ink's own colours are SGR (ESC [ … m); nothing else may reach the terminal.
  const foreign = frame.replace(/\x1b\[[0-9;]*m/g, '');
  assert.doesNotMatch(foreign, /[\x1b\x07\x80-\x9f]/, JSON.stringify(foreign));
  assert.match(foreign, /a2 +waiting .*group web-a\\x85 1\/1 b/);
});
