/**
 * A changed file's diff (under --diff) reaches the TUI drill-down from a
 * real run: the engine's copy result, through reduce, into the output pane.
 */
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { render, cleanup } from 'ink-testing-library';
import { initialState, reduce, vecGet, vecToArray } from '../../src/events/index.js';
import { DrillDown, outputLines } from '../../src/ui/DrillDown.js';
import { runProject } from '../helpers/run.js';

afterEach(cleanup);

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

test('the drill-down shows a changed task’s diff, added and removed lines marked, and none without --diff or for a no_log task', async () => {
  const files = {
    'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: first, copy: {content: "port=80\\nname=app\\n", dest: "app.conf"}}
    - {name: change, copy: {content: "port=8080\\nname=app\\n", dest: "app.conf"}}
    - {name: hidden, copy: {content: "token=abc\\n", dest: "app.conf"}, no_log: true}
`,
  };
  const cases: Array<[diff: boolean, task: string, expect: RegExp | null]> = [
    [true, 'change', /-port=80\n\+port=8080/],
    [false, 'change', null],
    [true, 'hidden', null],
  ];
  for (const [diff, task, expect] of cases) {
    const run = await runProject({ files, diff });
    const state = run.events.reduce(reduce, initialState());
    const host = vecGet(state.hosts, 0)!;
    const index = vecToArray(host.tasks).findIndex((t) => t.title === task);
    const lines = outputLines(vecGet(host.tasks, index));
    const text = lines.map((l) => l.text).join('\n');
    if (!expect) {
      assert.doesNotMatch(text, /── diff/, `${task}, diff ${diff}: no diff`);
      continue;
    }
    assert.match(text, expect);
    assert.deepEqual(lines.filter((l) => l.tone === 'add').map((l) => l.text), ['+port=8080']);
    assert.deepEqual(lines.filter((l) => l.tone === 'del').map((l) => l.text), ['-port=80']);
    const frame = strip(render(h(DrillDown, { host, selected: index, scroll: 0, rows: 20, now: 0, width: 100 })).lastFrame() ?? '');
    assert.match(frame, /── diff/);
    assert.match(frame, /\+port=8080/);
  }
});
