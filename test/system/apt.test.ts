/**
 * apt and package on a fleet host (one host: they change the machine's
 * dpkg database), offline: a tiny .deb the test builds and a local file
 * repository that is apt's only source (APT_CONFIG, test/helpers/deb-repo.ts).
 * The same playbooks through ansible-playbook: check mode, the real run
 * and a second run give the same recap, and the package ends in the same
 * state. The test package is purged before and after.
 * Needs root, the fleet (PLAYWATCH_FLEET_DIR), dpkg-deb and ansible-core.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fleetHosts } from '../fleet/helpers.js';
import { installedVersion, makeDebRepo, purgeTestPkg, TEST_FILE, TEST_PKG, type DebRepo } from '../helpers/deb-repo.js';
import { runOn, statuses, type EngineRun } from './oracle.js';

const HOST = fleetHosts()[0]!.name;
let repo: DebRepo;

before(() => {
  purgeTestPkg();
  repo = makeDebRepo(['1.0', '1.1'], ['1.1']);
});

after(() => {
  purgeTestPkg();
  fs.rmSync(repo.dir, { recursive: true, force: true });
});

const play = (tasks: string) => `
- hosts: all
  gather_facts: false
  environment: {APT_CONFIG: "{{ apt_config }}"}
  tasks:
${tasks}`;

const INSTALL = play(`
    - name: installed from the repository after a cache update
      apt: {name: ${TEST_PKG}, state: present, update_cache: true}
    - name: already the latest
      apt: {name: [${TEST_PKG}], state: latest, install_recommends: false}
    - name: the same version from its .deb
      apt: {deb: "{{ deb_11 }}"}
    - name: pinned to the version it has
      package: {name: "${TEST_PKG}=1.1", state: present}
`);

const REMOVE = play(`
    - name: removed and purged
      apt: {name: ${TEST_PKG}, state: absent, purge: true}
`);

interface Passes {
  check: EngineRun;
  run: EngineRun;
  again: EngineRun;
  version?: string;
}

async function passes(engine: 'ansible' | 'playwatch', site: string): Promise<Passes> {
  const vars = { apt_config: repo.aptConfig, deb_11: repo.debs['1.1'], deb_10: repo.debs['1.0'] };
  const go = (check: boolean) => runOn(engine, site, HOST, { extraVars: vars, check });
  const before = installedVersion();
  const check = await go(true);
  assert.equal(installedVersion(), before, `${engine}: check mode changed nothing`);
  const run = await go(false);
  const again = await go(false);
  return { check, run, again, version: installedVersion() };
}

function sameAsAnsible(p: Passes, a: Passes): void {
  for (const pass of ['check', 'run', 'again'] as const) {
    assert.deepEqual(statuses(p[pass]), statuses(a[pass]), `${pass}: playwatch ${p[pass].log}\nansible-core ${a[pass].log}`);
    assert.deepEqual(p[pass].recap, a[pass].recap, pass);
  }
  assert.equal(p.version, a.version);
}

test('apt installs from a local repository, is unchanged the second time, and --check predicts it; ansible-core agrees', async () => {
  purgeTestPkg();
  const p = await passes('playwatch', INSTALL);
  assert.deepEqual(statuses(p.check), {
    'installed from the repository after a cache update': 'changed', 'already the latest': 'changed',
    'the same version from its .deb': 'changed', 'pinned to the version it has': 'changed',
  }, p.check.log);
  assert.deepEqual(Object.values(statuses(p.run)), ['changed', 'ok', 'ok', 'ok'], p.run.log);
  assert.equal(p.again.recap[HOST]!.changed, 0, p.again.log);
  assert.equal(p.version, '1.1');
  assert.equal(fs.readFileSync(TEST_FILE, 'utf8'), 'playwatch test package 1.1\n');
  const first = p.run.tasks.get('installed from the repository after a cache update')!.result;
  assert.equal(first.cache_updated, false, 'the machine\'s own cache (/var/lib/apt/lists) did not move');
  assert.equal(typeof first.cache_update_time, 'number');
  assert.match(first.stdout, /Unpacking playwatch-test-pkg \(1\.1\)/);
  assert.equal(typeof first.stderr, 'string');
  const check = p.check.tasks.get('installed from the repository after a cache update')!.result;
  assert.equal(check.cache_updated, true, 'check mode says the cache would be updated');
  assert.match(check.stdout, /^Inst playwatch-test-pkg \(1\.1 /m);

  purgeTestPkg();
  const a = await passes('ansible', INSTALL);
  sameAsAnsible(p, a);
});

test('apt state=absent purge=true removes the package and its file, then is unchanged; ansible-core agrees', async () => {
  const p = await passes('playwatch', REMOVE);
  assert.deepEqual([statuses(p.check), statuses(p.run), statuses(p.again)].map((s) => s['removed and purged']), ['changed', 'changed', 'ok']);
  assert.equal(p.version, undefined);
  assert.equal(fs.existsSync(TEST_FILE), false);
  // ansible-core from the same starting point: installed.
  await runOn('playwatch', INSTALL, HOST, { extraVars: { apt_config: repo.aptConfig, deb_11: repo.debs['1.1'] } });
  assert.equal(installedVersion(), '1.1');
  const a = await passes('ansible', REMOVE);
  sameAsAnsible(p, a);
});

test('apt: an older .deb, then latest upgrades it from the repository; a .deb by URL; a missing package fails with apt\'s words', async () => {
  purgeTestPkg();
  const server = http.createServer((req, res) => {
    if (req.url === '/pkg_1.0.deb') res.end(fs.readFileSync(repo.debs['1.0']));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pkg_1.0.deb`;
  try {
    const site = play(`
    - name: older deb by URL
      apt: {deb: "${url}"}
    - name: upgraded
      apt: {name: ${TEST_PKG}, state: latest}
    - name: no such package
      apt: {name: playwatch-no-such-pkg}
      ignore_errors: true
`);
    const vars = { apt_config: repo.aptConfig };
    const check = await runOn('playwatch', site, HOST, { extraVars: vars, check: true });
    assert.deepEqual(statuses(check), { 'older deb by URL': 'changed', 'upgraded': 'changed', 'no such package': 'failed' }, check.log);
    assert.equal(installedVersion(), undefined);
    const run = await runOn('playwatch', site, HOST, { extraVars: vars });
    assert.deepEqual(statuses(run), { 'older deb by URL': 'changed', 'upgraded': 'changed', 'no such package': 'failed' }, run.log);
    assert.equal(installedVersion(), '1.1');
    assert.match(run.tasks.get('no such package')!.result.msg, /^'apt-get -y .* install playwatch-no-such-pkg' failed: E: Unable to locate package playwatch-no-such-pkg/);
    const again = await runOn('playwatch', site, HOST, { extraVars: vars });
    assert.deepEqual(statuses(again), { 'older deb by URL': 'changed', 'upgraded': 'changed', 'no such package': 'failed' }, 'a downgrade by the .deb, then the upgrade again');
  } finally {
    server.close();
  }
});

/** An apt configuration with no sources yet (the repository's lists and cache): what apt_repository edits. */
function emptySources(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-aptsrc-'));
  fs.mkdirSync(path.join(d, 'parts'));
  const conf = path.join(d, 'apt.conf');
  fs.writeFileSync(conf, fs.readFileSync(repo.aptConfig, 'utf8').replace(/Dir::Etc::sourcelist "[^"]*";/, `Dir::Etc::sourcelist "${d}/sources.list";`).replace(/Dir::Etc::sourceparts "[^"]*";/, `Dir::Etc::sourceparts "${d}/parts";`));
  return conf;
}

const REPOS = (state: string) => play(`
    - name: the test repository
      apt_repository: {repo: "deb [trusted=yes] file:{{ repo }} ./", filename: playwatch-test, state: ${state}}
    - name: the same line spaced otherwise, under its suggested name
      apt_repository: {repo: "deb  [trusted=yes]   file:{{ repo }} ./", state: ${state}, update_cache: false}
`);

test('apt_repository adds a file: repository line to sources.list.d (and updates the cache), finds it again, removes it; ansible-core agrees', async () => {
  const outcome = async (engine: 'ansible' | 'playwatch') => {
    const conf = emptySources();
    const parts = path.join(path.dirname(conf), 'parts');
    const vars = { apt_config: conf, repo: repo.repo };
    const go = (site: string, check = false) => runOn(engine, site, HOST, { extraVars: vars, check });
    const check = await go(REPOS('present'), true);
    const run = await go(REPOS('present'));
    const files = Object.fromEntries(fs.readdirSync(parts).map((f) => [f, fs.readFileSync(path.join(parts, f), 'utf8')]));
    const again = await go(REPOS('present'));
    const remove = await go(REPOS('absent'));
    const removeAgain = await go(REPOS('absent'));
    const left = fs.readdirSync(parts);
    fs.rmSync(path.dirname(conf), { recursive: true, force: true });
    return { check, run, again, remove, removeAgain, files, left };
  };
  const p = await outcome('playwatch');
  const both = (s: string, t: string) => ({ 'the test repository': s, 'the same line spaced otherwise, under its suggested name': t });
  assert.deepEqual(statuses(p.check), both('changed', 'changed'), p.check.log);
  assert.deepEqual(statuses(p.run), both('changed', 'ok'), p.run.log);
  assert.deepEqual(statuses(p.again), both('ok', 'ok'));
  assert.deepEqual(statuses(p.remove), both('changed', 'ok'));
  assert.deepEqual(statuses(p.removeAgain), both('ok', 'ok'));
  assert.deepEqual(p.files, { 'playwatch-test.list': `deb [trusted=yes] file:${repo.repo} ./\n` });
  assert.deepEqual(p.left, []);
  const r = p.run.tasks.get('the test repository')!.result;
  assert.deepEqual([r.repo, r.state, r.changed], [`deb [trusted=yes] file:${repo.repo} ./`, 'present', true]);

  const a = await outcome('ansible');
  for (const pass of ['check', 'run', 'again', 'remove', 'removeAgain'] as const) {
    assert.deepEqual(statuses(p[pass]), statuses(a[pass]), `${pass}: ${a[pass].log}`);
    assert.deepEqual(p[pass].recap, a[pass].recap, pass);
  }
  assert.deepEqual([p.files, p.left], [a.files, a.left]);
});
