/**
 * In a watching view (`attach`) Ctrl-C and `q` detach and never stop the
 * run; `a` + confirm drains or kills it as in the run's own view (DESIGN §12).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleKey, initialView, type KeyContext, type ViewState } from '../../src/ui/keys.js';

const ctx: KeyContext = {
  hostCount: 10, pageSize: 4, drillTasks: 3, drillLines: 50, drillPage: 10,
  ended: false, paused: false, draining: false, killed: false, selectedHost: 'web1',
};
const main = initialView();
const confirming: ViewState = { ...main, mode: 'confirm', confirm: 'drain' };
const drilled: ViewState = { ...main, mode: 'drill', drillHost: 'web1' };
const ctrlC = { ctrl: true };
const rows: Array<[string, ViewState, string, object, Partial<KeyContext>, string, string]> = [
  // what, view, input, key, context, watching, own view
  ['Ctrl-C', main, 'c', ctrlC, {}, 'main quit', 'confirm:drain'],
  ['q', main, 'q', {}, {}, 'main quit', 'confirm:drain'],
  ['q in the drill-down', drilled, 'q', {}, {}, 'drill quit', 'confirm:drain'],
  ['Ctrl-C at the abort question', confirming, 'c', ctrlC, {}, 'confirm:drain quit', 'main drain'],
  ['a', main, 'a', {}, {}, 'confirm:drain', 'confirm:drain'],
  ['a while draining', main, 'a', {}, { draining: true }, 'confirm:kill', 'confirm:kill'],
  ['y at the abort question', confirming, 'y', {}, {}, 'main drain', 'main drain'],
  ['K at the abort question', confirming, 'K', {}, {}, 'confirm:kill', 'confirm:kill'],
  ['q at the abort question', confirming, 'q', {}, {}, 'main', 'main'],
  ['p', main, 'p', {}, {}, 'main pause', 'main pause'],
  ['q after the end', main, 'q', {}, { ended: true }, 'main quit', 'main quit'],
];
const shown = (r: ReturnType<typeof handleKey>) => `${r.view.mode}${r.view.confirm ? `:${r.view.confirm}` : ''}${r.command ? ` ${r.command}` : ''}`;
for (const [what, view, input, key, extra, watching, own] of rows) {
  test(`${what}: ${watching} in an attached view, ${own} in the run's own`, () => {
    assert.equal(shown(handleKey(view, input, key, { ...ctx, ...extra, watching: true })), watching);
    assert.equal(shown(handleKey(view, input, key, { ...ctx, ...extra })), own);
  });
}
