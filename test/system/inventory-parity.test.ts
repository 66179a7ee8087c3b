/**
 * playwatch's view of inventories as real projects have them (scripts with
 * and without `_meta`, a directory mixing INI, YAML and a script, a
 * `constructed` source, several sources, ansible.cfg's `inventory`) is
 * ansible-core's: the same groups with the same hosts and children, and the
 * same host variables, as `ansible-inventory --list` prints them; and the
 * same hosts per play in `--list-hosts`. Needs ansible-core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inventoryListing, loadInventory } from '../../src/inventory/index.js';
import { inventoryTemplater } from '../../src/cli/inventory-options.js';
import { SOURCES, writeSource } from '../inventory/real-sources.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const ENV = { ...process.env, ANSIBLE_CONFIG: '/nonexistent', ANSIBLE_NOCOLOR: '1', ANSIBLE_INVENTORY_UNPARSED_FAILED: '1', ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: '1' };

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = ENV): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env, timeout: 120_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} (exit ${r.status}): ${r.stderr}`);
  // Any parse warning means ansible-core read less than it was given: the comparison would be void.
  assert.doesNotMatch(r.stderr, /Failed to parse|Unable to parse/, r.stderr);
  return r.stdout;
}

/** `ansible-inventory --list` for the sources, read in `cwd`. */
function ansibleListing(sources: string[], cwd: string): Record<string, unknown> {
  return JSON.parse(run('ansible-inventory', [...sources.flatMap((s) => ['-i', s]), '--list'], cwd));
}

function ourListing(sources: string[], cwd: string): Record<string, unknown> {
  return JSON.parse(JSON.stringify(inventoryListing(loadInventory(sources, { cwd, templater: inventoryTemplater }))));
}

function assertSameInventory(ours: Record<string, unknown>, theirs: Record<string, unknown>): void {
  const groups = (l: Record<string, unknown>) => Object.fromEntries(Object.entries(l).filter(([k]) => k !== '_meta'));
  // Group order in the listing is a dict's order; hosts' and children's order within a group is compared.
  assert.deepEqual(groups(ours), groups(theirs), 'groups, their hosts and children');
  assert.deepEqual(ours._meta, theirs._meta, 'host vars');
}

for (const name of Object.keys(SOURCES)) {
  test(`a ${name}: playwatch sees what ansible-inventory --list sees`, () => {
    const { dir, source } = writeSource(name);
    assertSameInventory(ourListing([source], dir), ansibleListing([source], dir));
  });
}

test('several sources (a script, a directory and a constructed file after them) merge in order as ansible-core merges them', () => {
  const { dir: a, source: script } = writeSource('script with _meta');
  const { source: directory } = writeSource('directory of INI, YAML and a script');
  const constructed = path.join(a, 'late.yml');
  fs.writeFileSync(constructed, 'plugin: constructed\ncompose:\n  where: env | default("none")\nkeyed_groups:\n  - key: where\n    prefix: env\n');
  const sources = [script, directory, constructed];
  assertSameInventory(ourListing(sources, a), ansibleListing(sources, a));
});

test('ansible.cfg naming an inventory directory with a script: playwatch --list-hosts prints what ansible-playbook prints', () => {
  const { dir } = writeSource('directory of INI, YAML and a script');
  fs.writeFileSync(path.join(dir, 'ansible.cfg'), '[defaults]\ninventory = ./inv\n');
  fs.writeFileSync(path.join(dir, 'site.yml'), '- hosts: prod:!db\n  gather_facts: false\n  tasks: [{debug: {msg: hi}}]\n- hosts: lb,db\n  tasks: []\n');
  const env = { ...ENV, ANSIBLE_CONFIG: undefined };
  const theirs = run('ansible-playbook', ['site.yml', '--list-hosts'], dir, env);
  const ours = run(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'run', 'site.yml', '--list-hosts'], dir, env);
  assert.deepEqual(hostsPerPlay(ours), hostsPerPlay(theirs));
  assert.deepEqual(hostsPerPlay(theirs), [['web2'], ['db1', 'lb1', 'web1']], theirs);
});

/**
 * Each play's hosts from `--list-hosts`, sorted: ansible-core 2.14 lists the
 * hosts of a pattern naming several groups in an order that changes from run
 * to run (Python's hash randomisation), so only the set can be compared.
 */
function hostsPerPlay(out: string): string[][] {
  const plays: string[][] = [];
  for (const line of out.split('\n')) {
    if (/^\s+play #/.test(line)) plays.push([]);
    else if (/^\s{6}\S+$/.test(line) && plays.length) plays[plays.length - 1].push(line.trim());
  }
  return plays.map((p) => p.sort());
}

/** `playwatch inventory …` run from source in `cwd`. */
function playwatchInventory(args: string[], cwd: string, env: NodeJS.ProcessEnv = ENV): string {
  return run(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'inventory', ...args], cwd, env);
}

for (const name of Object.keys(SOURCES)) {
  test(`a ${name}: \`playwatch inventory --list\` prints what \`ansible-inventory --list\` prints, byte for byte`, () => {
    const { dir, source } = writeSource(name);
    assert.equal(playwatchInventory(['-i', source, '--list'], dir), run('ansible-inventory', ['-i', source, '--list'], dir));
  });
}

test('seed 002 with its ansible.cfg (inventory directory with a script, vaulted group_vars): `playwatch inventory --list` and `--host` print what ansible-inventory prints', () => {
  const dir = path.join(ROOT, 'fixtures/seed002');
  const env = { ...ENV, ANSIBLE_CONFIG: undefined };
  assert.equal(playwatchInventory(['--list'], dir, env), run('ansible-inventory', ['--list'], dir, env));
  for (const host of ['elh-api1', 'elh-worker2']) {
    assert.equal(playwatchInventory(['--host', host], dir, env), run('ansible-inventory', ['--host', host], dir, env), host);
  }
});
