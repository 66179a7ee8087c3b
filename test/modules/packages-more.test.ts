/**
 * pip's requirement reading (ansible-core's rules), pip's and dnf/yum's
 * load-time checks, and the run-time errors of dnf and yum on hosts that
 * lack them (PATH holds stand-ins of the managers a host has). The real
 * pip runs are in test/system/pip.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Vars } from '../../src/model/index.js';
import { dnfModule } from '../../src/modules/dnf.js';
import { yumModule } from '../../src/modules/yum.js';
import { pipModule } from '../../src/modules/pip.js';
import { compareVersions, isPresent, parseRequirement, recoverNames, splitWords } from '../../src/modules/pip-spec.js';
import type { Module } from '../../src/modules/types.js';
import { fakeContext, tempDir } from './context.js';

const pos = { file: 'site.yml', line: 1, col: 1 };

test('pip puts version ranges split at their comma back on their name, as ansible-core does', () => {
  assert.deepEqual(recoverNames(['a>=1.0', '<2', 'b', 'c[x', 'y]==2']), ['a>=1.0,<2', 'b', 'c[x,y]==2']);
  assert.deepEqual(recoverNames(['Django']), ['Django']);
});

const PRESENT: Array<[string, string | undefined, string[], boolean]> = [
  ['flask', undefined, ['Flask==2.0.1'], true],
  ['Flask_Login', undefined, ['flask-login==0.6'], true],
  ['flask', '2.0.1', ['Flask==2.0.1'], true],
  ['flask', '2.0.2', ['Flask==2.0.1'], false],
  ['flask>=2,<3', undefined, ['Flask==2.10.0'], true],
  ['flask>=2,<3', undefined, ['Flask==3.0'], false],
  ['flask~=2.0', undefined, ['Flask==2.9'], true],
  ['flask~=2.0.1', undefined, ['Flask==2.1.0'], false],
  ['flask==2.*', undefined, ['Flask==2.3.1'], true],
  ['flask!=2.0.1', undefined, ['Flask==2.0.1'], false],
  ['flask', undefined, ['Jinja2==3.1'], false],
];

for (const [name, version, freeze, want] of PRESENT) {
  test(`pip: ${name}${version ? ` version ${version}` : ''} is ${want ? '' : 'not '}satisfied by ${freeze.join(' ')}`, () => {
    assert.equal(isPresent(parseRequirement(name, version)!, freeze), want);
  });
}

test('pip compares versions by number and splits extra_args as shlex does', () => {
  assert.equal(compareVersions('2.10', '2.9'), 1);
  assert.equal(compareVersions('1.0', '1'), 0);
  assert.deepEqual(splitWords(`--index-url "https://x/a b" --no-deps 'c d'`), ['--index-url', 'https://x/a b', '--no-deps', 'c d']);
  assert.equal(parseRequirement('git+https://x/y.git'), undefined);
});

const BAD: Array<[Module, Vars, RegExp]> = [
  [pipModule, { name: ['a', 'b'], version: '1.0' }, /'version' argument is ambiguous/],
  [pipModule, { name: 'a>=1', version: '1.0' }, /conflicts with any version specifier/],
  [pipModule, { name: 'a', requirements: 'r.txt' }, /mutually exclusive: name\|requirements/],
  [pipModule, { name: 'a', executable: 'pip3', virtualenv: '/v' }, /mutually exclusive: executable\|virtualenv/],
  [pipModule, { state: 'present' }, /one of the following is required: name, requirements/],
  [pipModule, { name: 'a', virtualenv: '/v', virtualenv_command: 'python3 -m venv', virtualenv_python: 'python3.11' }, /virtualenv_python should not be used/],
  [pipModule, { name: 'a', umask: 'u=rwx' }, /umask must be an octal integer/],
  [pipModule, { name: 'a', state: 'installed' }, /value of 'state' must be one of: present, absent, latest, forcereinstall/],
  [dnfModule, { name: 'nginx', stat: 'present' }, /unsupported parameter 'stat' for module 'dnf' \(did you mean 'state'\?\)/],
  [dnfModule, { state: 'present' }, /one of the following is required: name, list, update_cache/],
  [yumModule, { name: 'nginx', use_backend: 'rpm' }, /value of 'use_backend' must be one of: auto, yum, yum4, dnf/],
];

for (const [module, args, message] of BAD) {
  test(`${module.name} refuses ${JSON.stringify(args)} at load`, () => {
    assert.throws(() => module.validate!(args, pos), message);
  });
}

test('dnf and yum load with the arguments Red Hat playbooks give them', () => {
  assert.doesNotThrow(() => dnfModule.validate!({ name: ['nginx', 'git'], state: 'latest', enablerepo: 'epel', disable_gpg_check: true }, pos));
  assert.doesNotThrow(() => yumModule.validate!({ name: 'httpd', state: 'installed', update_cache: 'yes' }, pos));
});

/** Runs a module on a host whose PATH holds only stand-ins of these programs. */
async function onHostWith(module: Module, programs: string[]) {
  const bin = tempDir();
  for (const p of programs) fs.writeFileSync(path.join(bin, p), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const ctx = fakeContext(module.name, { name: 'nginx' });
  const exec = ctx.exec.bind(ctx);
  ctx.exec = (command, opts) => exec(`PATH='${bin}'; export PATH\n${command}`, opts);
  return module.run(ctx);
}

const HOSTS: Array<[Module, string[], string]> = [
  [dnfModule, ['apt-get', 'dpkg-query'], 'dnf not found on the host: it is a Debian-like host (it has apt-get): use apt or package'],
  [yumModule, ['dnf'], 'yum not found on the host: it has dnf'],
  [yumModule, [], 'yum not found on the host: it has no package manager playwatch knows'],
  [dnfModule, ['dnf'], 'playwatch does not drive dnf (it drives apt only): run this play with --engine ansible'],
];

for (const [module, programs, msg] of HOSTS) {
  test(`${module.name} on a host with ${programs.join(', ') || 'no package manager'} fails: ${msg}`, async () => {
    assert.deepEqual(await onHostWith(module, programs), { failed: true, changed: false, msg });
  });
}
