/**
 * apt and package: what is refused at load, the apt-get commands as
 * ansible-core 2.14 builds them, and the result read back from the
 * script's output. The real runs (a .deb the test builds, a local
 * repository) are in test/system/apt.test.ts: they change the machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Vars } from '../../src/model/index.js';
import { aptModule, aptRequest } from '../../src/modules/apt.js';
import { aptResult, aptScript, installCommand, removeCommand, splitPackage } from '../../src/modules/apt-script.js';
import { packageModule } from '../../src/modules/package.js';
import { readArgs } from '../../src/modules/spec.js';
import { APT_SPEC } from '../../src/modules/apt.js';
import { loadModule } from '../../src/modules/index.js';
import { fakeContext, tempDir } from './context.js';

const pos = { file: 'site.yml', line: 9, col: 7 };
const request = (args: Vars, check = false) => aptRequest(readArgs('apt', APT_SPEC, args), check);

const COMMANDS: Array<[string, Vars, boolean, string]> = [
  ['a plain install', { name: 'nginx' }, false,
    "apt-get -y -o DPkg::Lock::Timeout=60 -o 'Dpkg::Options::=--force-confdef' -o 'Dpkg::Options::=--force-confold' install \"$@\""],
  ['check mode simulates', { name: 'nginx' }, true,
    "apt-get -y -o DPkg::Lock::Timeout=60 -o 'Dpkg::Options::=--force-confdef' -o 'Dpkg::Options::=--force-confold' --simulate install \"$@\""],
  ['without recommends, from a release, downgrades allowed', { name: 'nginx', install_recommends: false, default_release: 'bookworm-backports', allow_downgrade: true, lock_timeout: 5 }, false,
    "apt-get -y -o DPkg::Lock::Timeout=5 -o 'Dpkg::Options::=--force-confdef' -o 'Dpkg::Options::=--force-confold' install \"$@\" -t 'bookworm-backports' -o APT::Install-Recommends=no --allow-downgrades"],
  ['fixed, autoremove, own dpkg options', { name: 'nginx', state: 'fixed', autoremove: true, dpkg_options: 'force-confnew' }, false,
    "apt-get -y -o DPkg::Lock::Timeout=60 -o 'Dpkg::Options::=--force-confnew' --fix-broken --auto-remove install \"$@\""],
];

for (const [what, args, check, want] of COMMANDS) {
  test(`apt's install command: ${what}`, () => {
    assert.equal(installCommand(request(args), check), want);
  });
}

test('apt\'s remove command purges and autoremoves when asked', () => {
  assert.equal(removeCommand(request({ name: 'nginx', state: 'absent', purge: true, autoremove: true }), false),
    "apt-get -q -y -o DPkg::Lock::Timeout=60 -o 'Dpkg::Options::=--force-confdef' -o 'Dpkg::Options::=--force-confold' --purge --auto-remove remove \"$@\"");
});

test('apt reads name=version pins and quotes every name into the script', () => {
  assert.deepEqual(splitPackage('nginx=1.22*'), ['nginx', '1.22*']);
  assert.deepEqual(splitPackage('nginx'), ['nginx', undefined]);
  const script = aptScript(request({ name: ["it's", 'nginx=1.2*'] }));
  assert.ok(script.includes(`installed 'it'\\''s'`));
  assert.ok(script.includes(`case "$v" in '1.2'*) true`));
});

test('apt updates the cache only when asked or given a valid time, and not in check mode', () => {
  assert.equal(request({ name: 'x' }).cacheValidTime, undefined);
  assert.equal(request({ name: 'x', update_cache: true }).cacheValidTime, 0);
  assert.equal(request({ name: 'x', cache_valid_time: 3600 }).cacheValidTime, 3600);
  assert.ok(aptScript(request({ update_cache: true })).includes('apt-get update -q'));
  assert.ok(!aptScript(request({ update_cache: true }, true)).includes('apt-get update'));
  assert.equal(request({ name: '*', state: 'latest' }).upgrade, 'yes');
});

test('apt\'s result: cache keys always, the last command\'s output, a failure with its rc', () => {
  assert.deepEqual(aptResult('@pw:cache_update_time 1700000000\n'), { changed: false, cache_updated: false, cache_update_time: 1700000000 });
  const changed = aptResult('@pw:cache_updated true\n@pw:cache_update_time 5\n@pw:changed packages\n@pw:ran apt-get install x\n@pw:section stdout\nSetting up x\n@pw:section stderr\n');
  assert.deepEqual(changed, { changed: true, cache_updated: true, cache_update_time: 5, stdout: 'Setting up x\n', stderr: '', stdout_lines: ['Setting up x'], stderr_lines: [] });
  const failed = aptResult("@pw:cache_update_time 5\n@pw:rc 100\n@pw:fail 'apt-get install nosuch' failed\nE: Unable to locate package nosuch");
  assert.deepEqual(failed, { changed: false, cache_updated: false, cache_update_time: 5, failed: true, rc: 100, msg: "'apt-get install nosuch' failed: E: Unable to locate package nosuch" });
});

test('apt on a host without apt-get fails naming what it lacks', async () => {
  const empty = tempDir();
  const ctx = fakeContext('apt', { name: 'nginx' });
  const exec = ctx.exec.bind(ctx);
  ctx.exec = (command, opts) => exec(`PATH='${empty}'; export PATH\n${command}`, opts);
  const r = await aptModule.run(ctx);
  assert.equal(r.failed, true);
  assert.equal(r.msg, "apt-get not found on the host: apt drives Debian's apt and dpkg only");
});

const BAD: Array<[string, Vars, RegExp]> = [
  ['an unknown option', { name: 'x', update_cach: true }, /unsupported parameter 'update_cach' for module 'apt' \(did you mean 'update_cache'\?\)/],
  ['nothing to do', { state: 'present' }, /one of the following is required: autoremove, deb, name, update_cache, upgrade/],
  ['deb with a name', { deb: '/tmp/x.deb', name: 'x' }, /mutually exclusive: deb\|name\|upgrade/],
  ['deb with state=absent', { deb: '/tmp/x.deb', state: 'absent' }, /deb only supports state=present/],
  ['a state outside the choices', { name: 'x', state: 'installed' }, /value of 'state' must be one of: absent, build-dep, fixed, latest, present, got: installed/],
  ['build-dep', { name: 'x', state: 'build-dep' }, /state build-dep is not supported/],
  ['policy_rc_d', { name: 'x', policy_rc_d: 101 }, /'policy_rc_d' is not supported/],
  ['a non-integer cache_valid_time', { update_cache: true, cache_valid_time: 'an hour' }, /'cache_valid_time' must be an integer/],
];

for (const [what, args, message] of BAD) {
  test(`apt refuses ${what} at load`, () => {
    assert.throws(() => aptModule.validate!(args, pos), message);
  });
}

test('package needs name and state, drives apt, and refuses another manager', async () => {
  assert.throws(() => packageModule.validate!({ name: 'x' }, pos), /missing required arguments: state/);
  assert.throws(() => packageModule.validate!({ state: 'present' }, pos), /missing required arguments: name/);
  assert.throws(() => packageModule.validate!({ name: 'x', state: 'present', use: 'dnf' }, pos), /use=dnf is not supported/);
  assert.throws(() => packageModule.validate!({ name: 'x', state: 'present', cache_valid_tim: 1 }, pos), /unsupported parameter 'cache_valid_tim' for module 'package'/);
  assert.doesNotThrow(() => packageModule.validate!({ name: ['x', 'y'], state: 'latest', update_cache: true, use: 'auto' }, pos));
  for (const n of ['apt', 'package']) assert.equal((await loadModule(`ansible.builtin.${n}`))?.name, n);
});
