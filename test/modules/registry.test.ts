import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalName, getModule, loadModule, loadModules, moduleInfo, moduleNames, ENGINE_ACTIONS } from '../../src/modules/index.js';
import { CATALOG } from '../../src/modules/catalog.js';

// In the registry's order: the loader's "did you mean" goes through the names in it.
const NAMES = ['command', 'shell', 'raw', 'debug', 'set_fact', 'fail', 'assert', 'ping', 'pause', 'include_vars', 'setup', 'async_status',
  'lineinfile', 'blockinfile', 'replace', 'stat', 'file', 'copy', 'template',
  'script', 'slurp', 'fetch', 'tempfile', 'find', 'assemble', 'unarchive', 'group_by', 'add_host', 'set_stats', 'gather_facts',
  'service', 'systemd', 'systemd_service', 'apt', 'package', 'apt_repository', 'dnf', 'yum', 'pip',
  'user', 'group', 'authorized_key', 'cron', 'known_hosts', 'hostname', 'sysctl', 'mount',
  'wait_for', 'uri', 'get_url', 'git', 'wait_for_connection', 'synchronize', 'reboot'];

test('every module is registered under its short name, in the registry order', async () => {
  assert.deepEqual(moduleNames(), NAMES);
  for (const name of NAMES) assert.equal((await loadModule(name))?.name, name);
});

test("the catalog's load-time facts are each module's own", async () => {
  await loadModules();
  for (const name of NAMES) {
    const mod = getModule(name)!;
    assert.equal(CATALOG[name].freeForm, mod.freeForm, name);
    assert.equal(moduleInfo.freeForm(name), mod.freeForm === true, name);
    assert.equal(moduleInfo.has(`ansible.builtin.${name}`), true, name);
  }
});

test('collection prefixes resolve to the short name', async () => {
  assert.equal(canonicalName('ansible.builtin.shell'), 'shell');
  assert.equal((await loadModule('ansible.legacy.command'))?.name, 'command');
  assert.equal(await loadModule('community.general.foo'), undefined);
  assert.equal(moduleInfo.has('community.general.foo'), false);
});

test('free-form modules say so; engine actions and Object built-ins are not modules', async () => {
  assert.equal((await loadModule('command'))?.freeForm, true);
  assert.equal((await loadModule('script'))?.freeForm, true);
  assert.equal((await loadModule('debug'))?.freeForm, undefined);
  for (const a of [...ENGINE_ACTIONS, 'constructor', 'toString', '__proto__']) {
    assert.equal(await loadModule(a), undefined, a);
    assert.equal(moduleInfo.has(a), false, a);
  }
});
