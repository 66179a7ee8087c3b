/**
 * How diff mode reaches modules and views: `--diff` (RunOptions.diff) and
 * the `diff:` keyword (task, block or play; the innermost wins) set
 * `ModuleContext.diff`; a changed result's `diff` is printed above its
 * result line as ansible's default callback does, and a `no_log` task
 * shows none. A probe module stands in for the file modules here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerModule } from '../../src/modules/index.js';
import { runProject } from '../helpers/run.js';

registerModule({
  name: 'diff_probe',
  supportsCheck: true,
  async run(ctx) {
    const result = { changed: true, diff_mode: ctx.diff };
    return ctx.diff ? { ...result, diff: { before: 'old\nsecret-ish\n', after: 'new\nsecret-ish\n', before_header: 'x.conf' } } : result;
  },
});

const INVENTORY = '[all]\nh1 ansible_connection=local\n';

const PLAY = `- hosts: all
  gather_facts: false
  tasks:
    - name: plain
      diff_probe:
    - name: forced on
      diff_probe:
      diff: true
    - name: forced off
      diff_probe:
      diff: "{{ 1 == 2 }}"
    - name: hidden
      diff_probe:
      diff: true
      no_log: true
`;

const DIFF_TEXT = '--- before: x.conf\n+++ after\n@@ -1,2 +1,2 @@\n-old\n+new\n secret-ish\n\nchanged: [h1]';

test('diff: true on a task shows its diff without --diff, diff: false hides it under --diff, and no_log shows none', async () => {
  for (const diff of [false, true]) {
    const run = await runProject({ files: { 'site.yml': PLAY, 'inventory.ini': INVENTORY }, diff });
    const seen = Object.fromEntries(run.of('host.ok').map((e) => [e.task.name, e.result.diff_mode]));
    assert.deepEqual(seen, { plain: diff, 'forced on': true, 'forced off': false, hidden: undefined }, `--diff ${diff}`);
    const section = (name: string) => run.plain.split(`TASK [${name}]`)[1].split('TASK [')[0].split('PLAY RECAP')[0];
    assert.equal(section('plain').includes(DIFF_TEXT), diff);
    assert.ok(section('forced on').includes(DIFF_TEXT));
    assert.doesNotMatch(section('forced off'), /---|\+\+\+/);
    assert.doesNotMatch(section('hidden'), /---|\+\+\+|old|new/);
    assert.equal(run.of('host.ok').find((e) => e.task.name === 'hidden')?.result.diff, undefined);
  }
});
