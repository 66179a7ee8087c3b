/**
 * Round trips are what cost on real networks: each row of
 * round-trip-rows.ts costs the commands it states, counted on the module
 * context's exec.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fakeContext, fakeTask, tempDir } from './context.js';
import { prepareRow, ROWS } from './round-trip-rows.js';

for (const row of ROWS) {
  test(`${row.name} costs ${row.trips} round trip${row.trips > 1 ? 's' : ''}`, async () => {
    const root = tempDir();
    const project = tempDir();
    prepareRow(root, project);
    const task = fakeTask(row.module.name, path.join(project, 'site.yml'));
    const ctx = fakeContext(row.module.name, row.args, { root, task, vars: { playbook_dir: project } });
    const result = await row.module.run(ctx);
    assert.equal(result.failed, undefined, JSON.stringify(result));
    assert.equal(result.changed, row.changed);
    assert.equal(ctx.commands.length, row.trips, ctx.commands.join('\n----\n'));
  });
}
