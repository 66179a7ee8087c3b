/** The terminal resized mid-run: the live view redraws to the new size, never wider than the terminal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEvents, mountApp, settle } from '../ui/helpers.js';

const widest = (frame: string) => Math.max(...frame.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => [...l].length));

test('the terminal resized mid-run (120 → 60 columns, 30 → 15 rows, and back): each frame fits the terminal it is drawn on', async () => {
  const events = demoEvents();
  const app = mountApp(events.slice(0, Math.floor(events.length / 2)), { columns: undefined, rows: undefined });
  const out = app.ui.stdout as unknown as NodeJS.EventEmitter & { columns: number; rows: number };
  const size = { columns: 120, rows: 30 };
  Object.defineProperty(out, 'columns', { get: () => size.columns, configurable: true });
  Object.defineProperty(out, 'rows', { get: () => size.rows, configurable: true });
  for (const [columns, rows] of [[120, 30], [60, 15], [120, 30]] as const) {
    size.columns = columns;
    size.rows = rows;
    out.emit('resize');
    await settle();
    app.store.publish();
    await settle();
    const frame = app.frame();
    assert.ok(widest(frame) <= columns, `${columns} columns: widest line ${widest(frame)}`);
    assert.ok(frame.split('\n').length <= rows, `${rows} rows: ${frame.split('\n').length} lines`);
    assert.match(frame, /playwatch/);
  }
});
