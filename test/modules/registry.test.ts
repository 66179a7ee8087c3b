import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalName, getModule, moduleNames, ENGINE_ACTIONS } from '../../src/modules/index.js';

test('every module is registered under its short name', () => {
  for (const name of ['command', 'shell', 'raw', 'debug', 'set_fact', 'fail', 'assert', 'ping', 'pause', 'include_vars', 'setup', 'async_status', 'gather_facts',
    'lineinfile', 'blockinfile', 'replace', 'stat', 'file', 'copy', 'template', 'group_by', 'add_host', 'set_stats',
    'script', 'slurp', 'fetch', 'tempfile', 'find', 'assemble', 'unarchive',
    'service', 'systemd', 'systemd_service', 'apt', 'package', 'apt_repository', 'dnf', 'yum', 'pip']) {
    assert.equal(getModule(name)?.name, name);
  }
  assert.equal(moduleNames().length, 39);
});

test('collection prefixes resolve to the short name', () => {
  assert.equal(canonicalName('ansible.builtin.shell'), 'shell');
  assert.equal(getModule('ansible.legacy.command')?.name, 'command');
  assert.equal(getModule('community.general.foo'), undefined);
});

test('free-form modules say so and engine actions are not modules', () => {
  assert.equal(getModule('command')?.freeForm, true);
  assert.equal(getModule('script')?.freeForm, true);
  assert.equal(getModule('debug')?.freeForm, undefined);
  for (const a of ENGINE_ACTIONS) assert.equal(getModule(a), undefined);
});
