import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { COLLECTION_MODULES, UserError, canonicalName, type ModuleInfo } from '../../src/model/index.js';
import { loadPlaybook } from '../../src/playbook/index.js';
import { moduleInfo } from '../../src/modules/index.js';
import { testModules, tree } from './helpers.js';

const NAMES: Array<[written: string, canonical: string]> = [
  ['ansible.builtin.copy', 'copy'],
  ['ansible.legacy.shell', 'shell'],
  ['copy', 'copy'],
  ['ansible.posix.authorized_key', 'authorized_key'],
  ['ansible.posix.sysctl', 'sysctl'],
  ['ansible.posix.mount', 'mount'],
  ['ansible.posix.synchronize', 'synchronize'],
  // Not in the table: they stay what they are, and the loader refuses them.
  ['ansible.posix.acl', 'ansible.posix.acl'],
  ['community.general.ini_file', 'community.general.ini_file'],
];

for (const [written, canonical] of NAMES) {
  test(`the module name ${written} is ${canonical}`, () => assert.equal(canonicalName(written), canonical));
}

/** The module of the playbook's one task, or the load error's message (the temp dir shown as DIR). */
function loaded(task: string, modules: ModuleInfo): string {
  const dir = tree({ 'site.yml': `- hosts: all\n  tasks:\n    - ${task}\n` });
  try {
    const pb = loadPlaybook(path.join(dir, 'site.yml'), { modules });
    const t = pb.plays[0].sections.flatMap((s) => s.tasks)[0];
    return t.kind === 'task' ? t.module : t.kind;
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    return e.message.split(dir).join('DIR');
  }
}

const withSysctl: ModuleInfo = { ...testModules, has: (n) => n === 'sysctl' || testModules.has(n), names: () => [...testModules.names(), 'sysctl'] };

test('a task written ansible.posix.sysctl runs the sysctl module when playwatch has one', () => {
  assert.equal(loaded('ansible.posix.sysctl: {name: vm.swappiness, value: "10"}', withSysctl), 'sysctl');
  assert.equal(loaded('action: ansible.posix.sysctl name=vm.swappiness value=10', withSysctl), 'sysctl');
});

test('a task written ansible.posix.sysctl before playwatch has sysctl is the collection error at its file:line:col', () => {
  assert.equal(
    loaded('ansible.posix.sysctl: {name: vm.swappiness, value: "10"}', testModules),
    "DIR/site.yml:3:7: module 'ansible.posix.sysctl' is from a collection and not built into playwatch: run it with --engine ansible",
  );
});

// Against the real registry: every collection name in the table loads as its builtin.
for (const [fqcn, short] of Object.entries(COLLECTION_MODULES)) {
  test(`${fqcn} loads as the registered ${short} module`, () => {
    assert.ok(moduleInfo.has(short), `${short} is registered`);
    assert.equal(loaded(`${fqcn}: {}`, { ...moduleInfo, validate: undefined }), short);
  });
}
