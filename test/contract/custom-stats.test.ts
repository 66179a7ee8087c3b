import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlainPresenter } from '../../src/reporters/plain.js';
import { finalLines } from '../../src/ui/final.js';
import { views } from './views.js';

/**
 * What ansible-playbook 2.14 printed after PLAY RECAP for
 * fixtures/contract/flow-stats.yml with ANSIBLE_SHOW_CUSTOM_STATS=1
 * (test/system/recap-parity.test.ts compares the values live).
 */
const ANSIBLE_BLOCK = `

CUSTOM STATS: ******************************************************************
\th1: { "mine": "h1", "n": 3, "once": 5}
\th2: { "mine": "h2", "n": 7, "once": 5}
\th3: { "mine": "h3", "n": 3, "once": 5}

\tRUN: { "count": 3, "info": {  "same": true }, "k": "v", "names": [  "x",  "x",  "x" ], "ten": 30}

`;

test('set_stats: the plain output (with show_custom_stats), run.log, the TUI final view and summary.json show the same CUSTOM STATS', async () => {
  const v = await views('flow-stats.yml');
  let plain = '';
  const p = createPlainPresenter({ write: (s) => void (plain += s), customStats: true });
  for (const e of v.run.events) p.onEvent(e);
  const recapEnd = (text: string) => text.slice(text.indexOf('PLAY RECAP'));
  const rows = (text: string) => recapEnd(text).split('\n').slice(1, 4).join('\n');
  assert.ok(recapEnd(plain).startsWith(`PLAY RECAP ${'*'.repeat(69)}\n${rows(plain)}\n${ANSIBLE_BLOCK}`), plain);
  assert.ok(recapEnd(v.runLogText).includes(ANSIBLE_BLOCK), 'run.log');
  assert.ok(finalLines(v.state, { customStats: true }).join('\n').includes(ANSIBLE_BLOCK.trimEnd()), 'TUI final view');
  assert.deepEqual(v.summary.custom, v.run.of('run.end')[0]!.custom);
  assert.deepEqual(v.summary.custom?.h2, { mine: 'h2', n: 7, once: 5 });
});

test('set_stats: without show_custom_stats the console shows no CUSTOM STATS, as ansible-playbook', async () => {
  const v = await views('flow-stats.yml');
  assert.doesNotMatch(v.run.plain, /CUSTOM STATS/);
  assert.doesNotMatch(finalLines(v.state).join('\n'), /CUSTOM STATS/);
});
