/**
 * A full disk during the steps after the run (summary.json, the archive),
 * through the command line: the run still ends, its locks are released, its
 * exit code is its own, and each step that could not write is one warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cli, project, STACK } from './cli.js';

const INVENTORY = '[all]\na ansible_connection=local playwatch_local_root=hosts/a\nb ansible_connection=local playwatch_local_root=hosts/b\n[all:vars]\nplaywatch_lock_path=~/.playwatch/lock\n';
const HOOK = import.meta.resolve('./full-disk.ts');

const cases: Array<{ name: string; task: string; exit: number }> = [
  { name: 'a run that succeeds', task: '{name: x, command: "true"}', exit: 0 },
  { name: 'a run with a failed host', task: '{name: x, command: "test {{ inventory_hostname }} = a"}', exit: 2 },
];

for (const c of cases) {
  test(`a full disk for summary.json and the archive (${c.name}): the run ends with its own exit code ${c.exit}, locks released, one warning each, nothing thrown`, async () => {
    const dir = project({ 'inventory.ini': INVENTORY, 'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n    - ${c.task}\n` });
    const runs = path.join(dir, 'runs');
    const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', '--runs-dir', runs], { node: ['--import', HOOK], env: { PLAYWATCH_TEST_FULL_RUNS: runs } });
    assert.equal(r.code, c.exit, r.out + r.err);
    assert.doesNotMatch(r.err, STACK);
    const all = (r.out + r.err).split('\n');
    const about = (what: RegExp) => all.filter((l) => /WARNING/.test(l) && what.test(l));
    assert.equal(about(/summary\.json|'summary'/).length, 1, r.out + r.err);
    assert.match(about(/summary\.json|'summary'/)[0]!, /ENOSPC/);
    assert.equal(about(/archive/).length, 1, r.out + r.err);
    assert.match(about(/archive/)[0]!, /ENOSPC/);
    assert.doesNotMatch(r.err, /^Archive:/m, 'no archive is named');
    const runDir = path.join(runs, fs.readdirSync(runs).find((n) => !n.startsWith('.') && !n.endsWith('.tar.gz'))!);
    const events = fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; exitCode?: number; message?: string });
    const end = events.findIndex((e) => e.type === 'run.end');
    assert.equal(events[end]?.exitCode, c.exit);
    // summary.json is written when run.end arrives, so the record's last line is the warning that it was not.
    assert.deepEqual(events.slice(end + 1).map((e) => e.type), ['warning']);
    assert.match(events.at(-1)!.message!, /'summary' failed .*ENOSPC/);
    assert.deepEqual(fs.readdirSync(runs).filter((n) => n.includes('.tar.gz')), [], 'no archive and no partial file left');
    for (const h of ['a', 'b']) assert.equal(fs.existsSync(path.join(dir, 'hosts', h, '.playwatch', 'lock')), false, `${h}'s lock released`);
  });
}
