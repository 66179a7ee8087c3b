/**
 * service, systemd and systemd_service on the local transport against the
 * recording systemctl stand-in (test/helpers/systemctl-standin.ts) first on
 * PATH: the exact systemctl calls of each case, its result keys, the
 * unit's state after it, and what check mode and a second run do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Vars } from '../../src/model/index.js';
import { serviceModule } from '../../src/modules/service.js';
import { systemdModule } from '../../src/modules/systemd.js';
import { systemdServiceModule } from '../../src/modules/systemd-service.js';
import { loadModule } from '../../src/modules/index.js';
import type { Module } from '../../src/modules/types.js';
import { makeStandIn, type UnitState } from '../helpers/systemctl-standin.js';
import { fakeContext, tempDir } from './context.js';

const pos = { file: 'site.yml', line: 4, col: 7 };

/** Runs a module with `bin` first on PATH (what a task's `environment: PATH=…` does). */
async function runWith(module: Module, args: Vars, bin: string, check = false) {
  const ctx = fakeContext(module.name, args, { check });
  const exec = ctx.exec.bind(ctx);
  ctx.exec = (command, opts) => exec(`PATH='${bin}':"$PATH"; export PATH\n${command}`, opts);
  return module.run(ctx);
}

interface Row {
  name: string;
  module?: Module;
  before: Record<string, UnitState>;
  args: Vars;
  calls: string[];
  result: Vars;
  after?: Record<string, UnitState>;
}

const off = { active: false, enabled: false, masked: false };

const ROWS: Row[] = [
  {
    name: 'starts a stopped unit',
    before: { web: {} }, args: { name: 'web', state: 'started' },
    calls: ['show web', 'is-active web', 'start web'],
    result: { changed: true, name: 'web', state: 'started' },
    after: { web: { ...off, active: true } },
  },
  {
    name: 'leaves a running unit running',
    before: { web: { active: true } }, args: { name: 'web', state: 'started' },
    calls: ['show web', 'is-active web'],
    result: { changed: false, name: 'web', state: 'started' },
  },
  {
    name: 'stops a running unit',
    before: { web: { active: true } }, args: { name: 'web', state: 'stopped' },
    calls: ['show web', 'is-active web', 'stop web'],
    result: { changed: true, state: 'stopped' },
    after: { web: off },
  },
  {
    name: 'restarts a running unit, reported as started',
    before: { web: { active: true } }, args: { name: 'web', state: 'restarted' },
    calls: ['show web', 'is-active web', 'restart web'],
    result: { changed: true, state: 'started' },
  },
  {
    name: 'reloads a stopped unit by starting it',
    before: { web: {} }, args: { name: 'web', state: 'reloaded' },
    calls: ['show web', 'is-active web', 'start web'],
    result: { changed: true, state: 'started' },
  },
  {
    name: 'enables at boot and says so',
    before: { web: {} }, args: { name: 'web', enabled: true },
    calls: ['show web', 'is-enabled web', 'enable web'],
    result: { changed: true, enabled: true },
    after: { web: { ...off, enabled: true } },
  },
  {
    name: 'disables an enabled unit',
    before: { web: { enabled: true } }, args: { name: 'web', enabled: 'no' },
    calls: ['show web', 'is-enabled web', 'disable web'],
    result: { changed: true, enabled: false },
  },
  {
    name: 'unmasks, then reads the unit again before enabling it',
    before: { web: { masked: true } }, args: { name: 'web', masked: false, enabled: true, state: 'started' },
    calls: ['show web', 'is-enabled web', 'unmask web', 'is-enabled web', 'enable web', 'is-active web', 'start web'],
    result: { changed: true, enabled: true, state: 'started' },
    after: { web: { active: true, enabled: true, masked: false } },
  },
  {
    name: 'masks a unit that is not installed',
    before: {}, args: { name: 'ghost', masked: true },
    calls: ['show ghost', 'is-enabled ghost', 'mask ghost'],
    result: { changed: true, name: 'ghost' },
  },
  {
    name: 'daemon-reload alone does not count as a change',
    before: {}, args: { daemon_reload: true },
    calls: ['daemon-reload'],
    result: { changed: false, status: {} },
  },
  {
    name: 'daemon-reload comes before reading the unit',
    before: { web: { active: true } }, args: { name: 'web', state: 'restarted', daemon_reload: true },
    calls: ['daemon-reload', 'show web', 'is-active web', 'restart web'],
    result: { changed: true },
  },
  {
    name: 'user scope, no_block and force go before the verb',
    before: { web: {} }, args: { name: 'web', state: 'started', scope: 'user', no_block: true, force: true },
    calls: ['--user --no-block --force show web', '--user --no-block --force is-active web', '--user --no-block --force start web'],
    result: { changed: true },
  },
  {
    name: 'a unit systemd does not know fails as in ansible-core',
    before: {}, args: { name: 'nosuch', state: 'started' },
    calls: ['show nosuch'],
    result: { failed: true, msg: 'Could not find the requested service nosuch: host' },
  },
  {
    name: 'service with use: systemd goes through systemctl',
    module: serviceModule,
    before: { web: {} }, args: { name: 'web', state: 'started', enabled: true, use: 'systemd' },
    calls: ['show web', 'is-enabled web', 'enable web', 'is-active web', 'start web'],
    result: { changed: true, name: 'web', state: 'started', enabled: true },
  },
  {
    name: 'a starting failure carries systemctl\'s words',
    before: { web: { masked: true } }, args: { name: 'web', state: 'started' },
    calls: ['show web', 'is-active web', 'start web'],
    result: { failed: true, msg: 'Unable to start service web: Failed to start web.service: Unit web.service is masked.' },
  },
];

for (const row of ROWS) {
  test(`systemd ${row.name}`, async () => {
    const s = makeStandIn(row.before);
    const r = await runWith(row.module ?? systemdModule, row.args, s.bin);
    assert.deepEqual(s.calls(), row.calls);
    for (const [k, v] of Object.entries(row.result)) assert.deepEqual(r[k], v, `${k} in ${JSON.stringify(r)}`);
    if (row.after) for (const [u, st] of Object.entries(row.after)) assert.deepEqual(s.unit(u), st);
  });
}

test('systemd puts systemctl show (before any change) in status', async () => {
  const s = makeStandIn({ web: { enabled: true } });
  const r = await runWith(systemdModule, { name: 'web', state: 'started' }, s.bin);
  assert.deepEqual(r.status, { Id: 'web.service', LoadState: 'loaded', ActiveState: 'inactive', SubState: 'dead', UnitFileState: 'enabled' });
});

test('systemd in check mode predicts the change, calls only the readers, and changes nothing', async () => {
  const s = makeStandIn({ web: { masked: true } });
  const args = { name: 'web', state: 'started', enabled: true, masked: false, daemon_reload: true };
  const r = await runWith(systemdModule, args, s.bin, true);
  assert.equal(r.changed, true);
  assert.deepEqual(s.calls(), ['show web', 'is-enabled web', 'is-active web']);
  assert.deepEqual(s.unit('web'), { active: false, enabled: false, masked: true });
  const real = await runWith(systemdModule, args, s.bin);
  assert.equal(real.changed, true);
  s.clearCalls();
  const again = await runWith(systemdModule, args, s.bin);
  assert.equal(again.changed, false);
  assert.deepEqual(s.calls(), ['daemon-reload', 'show web', 'is-enabled web', 'is-active web']);
});

test('systemd on a host without systemctl fails naming it', async () => {
  const empty = tempDir();
  const ctx = fakeContext('systemd', { name: 'web', state: 'started' });
  const exec = ctx.exec.bind(ctx);
  ctx.exec = (command, opts) => exec(`PATH='${empty}'; export PATH\n${command}`, opts);
  const r = await systemdModule.run(ctx);
  assert.equal(r.failed, true);
  assert.match(String(r.msg), new RegExp(`^systemctl not found on the host: it has no systemd \\(PATH=${empty}\\)$`));
});

test('service on a host with neither systemd nor an init script says what it lacks', async () => {
  const empty = tempDir();
  const ctx = fakeContext('service', { name: 'playwatch-no-such-svc', state: 'started' });
  const exec = ctx.exec.bind(ctx);
  ctx.exec = (command, opts) => exec(`PATH='${empty}'; export PATH\n${command}`, opts);
  const r = await serviceModule.run(ctx);
  assert.deepEqual(r, {
    name: 'playwatch-no-such-svc', changed: false, failed: true,
    msg: 'service playwatch-no-such-svc: this host has no systemd (no systemctl on PATH) and no init script /etc/init.d/playwatch-no-such-svc',
  });
});

test('service with use: sysvinit names the init script it did not find, and leaves systemctl alone', async () => {
  const s = makeStandIn({});
  const r = await runWith(serviceModule, { name: 'playwatch-no-such-svc', state: 'started', use: 'sysvinit' }, s.bin);
  assert.equal(r.msg, 'service playwatch-no-such-svc: no init script /etc/init.d/playwatch-no-such-svc (use: sysvinit)');
  assert.deepEqual(s.calls(), []);
});

const BAD: Array<[string, Module, Vars, RegExp]> = [
  ['an unknown option', systemdModule, { name: 'web', state: 'started', enable: true }, /unsupported parameter 'enable' for module 'systemd' \(did you mean 'enabled'\?\)/],
  ['a state outside the choices', systemdModule, { name: 'web', state: 'running' }, /value of 'state' must be one of: reloaded, restarted, started, stopped, got: running/],
  ['nothing to do', systemdModule, { name: 'web' }, /one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec/],
  ['a state without a name', systemdModule, { state: 'started' }, /missing parameter\(s\) required by 'state': name/],
  ['a glob in the name', systemdServiceModule, { name: 'web*', state: 'started' }, /glob patterns are not supported/],
  ['the name twice', systemdModule, { name: 'web', unit: 'web', state: 'started' }, /'unit' and 'name' are the same parameter/],
  ['service without a name', serviceModule, { state: 'started' }, /missing required arguments: name/],
  ['service without state or enabled', serviceModule, { name: 'web' }, /one of the following is required: state, enabled/],
  ['service with pattern', serviceModule, { name: 'web', state: 'started', pattern: 'nginx' }, /'pattern' is not supported/],
  ['service with an unknown manager', serviceModule, { name: 'web', state: 'started', use: 'openrc' }, /'use' must be one of: auto, systemd, sysvinit, service, got: openrc/],
];

for (const [what, module, args, message] of BAD) {
  test(`${module.name} refuses ${what} at load`, () => {
    assert.throws(() => module.validate!(args, pos), message);
  });
}

test('the three modules answer to their ansible.builtin names and accept templated values at load', async () => {
  for (const n of ['service', 'systemd', 'systemd_service']) assert.equal((await loadModule(`ansible.builtin.${n}`))?.name, n);
  assert.doesNotThrow(() => systemdModule.validate!({ name: '{{ unit }}', state: '{{ st }}', enabled: '{{ on }}' }, pos));
  assert.doesNotThrow(() => serviceModule.validate!({ name: 'web', state: 'started', use: '{{ mgr }}' }, pos));
});

test('systemd: a value that renders to a bad state is refused before systemctl is called', async () => {
  const s = makeStandIn({ web: {} });
  await assert.rejects(runWith(systemdModule, { name: 'web', state: 'up' }, s.bin), /value of 'state' must be one of/);
  assert.deepEqual(s.calls(), []);
});
