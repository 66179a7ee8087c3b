/**
 * stat, file, copy and template, data-driven on the local transport: each
 * row of files-cases.ts sets up a host's own root, runs one task three
 * times through the engine — `--check` first (it must predict the real
 * run's status and change nothing), then for real (status, result keys,
 * the files left), then again (nothing changes: `ok`) — as ansible-core
 * 2.14 behaves. test/system/modules-fleet.test.ts runs the same rows on real sshd hosts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { runIn } from '../helpers/run.js';
import { assertHas, describe, outcome, setUp, snapshot, umask } from './files-helpers.js';
import { fileCases, playbook, writeProject } from './files-cases.js';

for (const c of fileCases({ umask: umask(), uid: os.userInfo().uid, host: 'h1' })) {
  test(`${c.name}: --check predicts it, the run does it, a second run changes nothing`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-test-'));
    writeProject(dir, c, { 'site.yml': playbook(c.task) });
    const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-files-'));
    const root = path.join(hostsDir, 'h1');
    setUp(root, c.setup);
    const before = snapshot(root);

    const check = await runIn(dir, { hostsDir, check: true, diff: true });
    assert.deepEqual(snapshot(root), before, 'check mode changed nothing');
    const real = await runIn(dir, { hostsDir });
    const got = outcome(real, 'h1');
    assert.equal(got.status, c.status, JSON.stringify(got.result));
    assert.equal(outcome(check, 'h1').status, c.checked ?? c.status, `check predicted ${JSON.stringify(outcome(check, 'h1').result)}`);
    if (c.result) assertHas(got.result, c.result, 'result');
    for (const [rel, want] of Object.entries(c.after ?? {})) assert.deepEqual(describe(root, rel), want, rel);

    const again = await runIn(dir, { hostsDir });
    assert.equal(outcome(again, 'h1').status, c.again ?? 'ok', JSON.stringify(outcome(again, 'h1').result));
  });
}
