/**
 * `--step` in the TUI: while the engine asks (`step.ask`), y, n and c answer
 * (ansible-core's yes, No, continue) in the main view and the drill-down;
 * the abort question and the filter keep their keys, and without a question
 * (or in a view that cannot answer) the keys do what they always do.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handleKey, initialView, type KeyContext, type ViewState } from '../../src/ui/keys.js';

const ctx: KeyContext = {
  hostCount: 10, pageSize: 4, drillTasks: 3, drillLines: 50, drillPage: 10,
  ended: false, paused: false, draining: false, killed: false, selectedHost: 'web1',
};
const main = initialView();
const drilled: ViewState = { ...main, mode: 'drill', drillHost: 'web1' };
const confirming: ViewState = { ...main, mode: 'confirm', confirm: 'drain' };
const filtering: ViewState = { ...main, mode: 'filter' };

const rows: Array<[string, ViewState, string, Partial<KeyContext>, string]> = [
  // what, view, input, context, the mode and command that follow
  ['y while asked', main, 'y', { stepAsking: true }, 'main step-yes'],
  ['n while asked', main, 'n', { stepAsking: true }, 'main step-no'],
  ['c while asked', main, 'c', { stepAsking: true }, 'main step-continue'],
  ['Y (shift) while asked', main, 'Y', { stepAsking: true }, 'main step-yes'],
  ['y in the drill-down while asked', drilled, 'y', { stepAsking: true }, 'drill step-yes'],
  ['y at the abort question while asked: the abort wins', confirming, 'y', { stepAsking: true }, 'main drain'],
  ['y in the filter while asked: it is text', filtering, 'y', { stepAsking: true }, 'filter'],
  ['a while asked still aborts', main, 'a', { stepAsking: true }, 'confirm'],
  ['y with no question', main, 'y', {}, 'main'],
  ['c with no question', main, 'c', {}, 'main'],
  ['y after the end', main, 'y', { stepAsking: true, ended: true }, 'main'],
];

for (const [what, view, input, extra, expected] of rows) {
  test(`${what}: ${expected}`, () => {
    const r = handleKey(view, input, {}, { ...ctx, ...extra });
    assert.equal([r.view.mode, r.command].filter(Boolean).join(' '), expected);
  });
}
