/**
 * service, systemd and systemd_service on a fleet host (one host: they
 * change the machine), with a recording systemctl stand-in first on the
 * task's PATH (this machine has no systemd as PID 1), and the same
 * playbook through ansible-playbook with its own stand-in: the recap of
 * check mode, the real run and a second run agree, and so do the units'
 * final state and each task's result keys. Then the init-script path
 * against the real `service` and `update-rc.d` of this Debian machine
 * (a throwaway /etc/init.d/playwatch-test-svc, removed afterwards), and
 * the error of a host with neither systemd nor an init script.
 * Needs root, the fleet (PLAYWATCH_FLEET_DIR) and ansible-core.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetHosts } from '../fleet/helpers.js';
import { makeStandIn, type UnitState } from '../helpers/systemctl-standin.js';
import { runOn, statuses, type EngineRun } from './oracle.js';

const HOST = fleetHosts()[0]!.name;
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const UNITS: Record<string, UnitState> = {
  'pw-web': {},
  'pw-worker': { active: true },
  'pw-api': { active: true, enabled: true },
  'pw-cache': { masked: true },
};

const SITE = `
- hosts: all
  gather_facts: false
  environment:
    PATH: "{{ standin_bin }}:${SYSTEM_PATH}"
  tasks:
    - name: web started and enabled
      systemd: {name: pw-web, state: started, enabled: true}
      notify: restart web
    - name: worker masked
      ansible.builtin.systemd_service: {name: pw-worker, masked: true}
    - name: api stopped and disabled
      service: {name: pw-api, state: stopped, enabled: false, use: systemd}
    - name: cache unmasked, enabled, started
      ansible.builtin.systemd: {name: pw-cache, masked: false, enabled: true, state: started}
  handlers:
    - name: restart web
      systemd: {name: pw-web, state: restarted, daemon_reload: true}
`;

interface Pass {
  check: EngineRun;
  run: EngineRun;
  again: EngineRun;
  units: Record<string, UnitState>;
  calls: string[][];
}

async function passes(engine: 'ansible' | 'playwatch'): Promise<Pass> {
  const s = makeStandIn(UNITS);
  const go = async (check: boolean) => {
    const vars = { standin_bin: s.bin };
    return runOn(engine, SITE, HOST, { extraVars: vars, check });
  };
  const calls: string[][] = [];
  const check = await go(true);
  calls.push(s.calls());
  s.clearCalls();
  const run = await go(false);
  calls.push(s.calls());
  s.clearCalls();
  const again = await go(false);
  calls.push(s.calls());
  const units = s.units();
  fs.rmSync(s.dir, { recursive: true, force: true });
  return { check, run, again, units, calls };
}

test('systemd, systemd_service and service (use: systemd) against the stand-in: the exact calls, and ansible-core\'s recap, results and final state', async () => {
  const p = await passes('playwatch');
  const readers = ['show pw-web', 'is-enabled pw-web', 'is-active pw-web', 'show pw-worker', 'is-enabled pw-worker',
    'show pw-api', 'is-enabled pw-api', 'is-active pw-api', 'show pw-cache', 'is-enabled pw-cache', 'is-active pw-cache'];
  assert.deepEqual(p.calls[0], [...readers, 'show pw-web', 'is-active pw-web'], 'check mode only reads (the handler too)');
  assert.deepEqual(p.calls[1], [
    'show pw-web', 'is-enabled pw-web', 'enable pw-web', 'is-active pw-web', 'start pw-web',
    'show pw-worker', 'is-enabled pw-worker', 'mask pw-worker',
    'show pw-api', 'is-enabled pw-api', 'disable pw-api', 'is-active pw-api', 'stop pw-api',
    'show pw-cache', 'is-enabled pw-cache', 'unmask pw-cache', 'is-enabled pw-cache', 'enable pw-cache', 'is-active pw-cache', 'start pw-cache',
    'daemon-reload', 'show pw-web', 'is-active pw-web', 'restart pw-web',
  ]);
  assert.deepEqual(p.calls[2], readers, 'a second run only reads');
  assert.deepEqual(p.run.recap[HOST], { ok: 5, changed: 5, failed: 0, skipped: 0, unreachable: 0, rescued: 0, ignored: 0 }, p.run.log);
  assert.equal(p.again.recap[HOST]!.changed, 0, p.again.log);
  const web = p.run.tasks.get('web started and enabled')!.result;
  assert.deepEqual([web.name, web.state, web.enabled, web.changed, web.status.ActiveState], ['pw-web', 'started', true, true, 'inactive']);

  const a = await passes('ansible');
  for (const pass of ['check', 'run', 'again'] as const) {
    assert.deepEqual(statuses(p[pass]), statuses(a[pass]), `${pass}: ${a[pass].log}`);
    assert.deepEqual(p[pass].recap, a[pass].recap, pass);
  }
  assert.deepEqual(p.units, a.units);
  for (const [task, seen] of a.run.tasks) {
    const mine = p.run.tasks.get(task)!.result;
    for (const key of ['name', 'changed', 'state', 'enabled', 'status']) assert.deepEqual(mine[key], seen.result[key], `${task}: ${key}`);
  }
});

const INIT = '/etc/init.d/playwatch-test-svc';
const sysvState = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-sysv-'));

function initScript(): string {
  return `#!/bin/sh
### BEGIN INIT INFO
# Provides:          playwatch-test-svc
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: playwatch test service (removed by the test)
### END INIT INFO
S='${sysvState}'
echo "$*" >>"$S/calls"
case "$1" in
  start|restart|reload|force-reload) : >"$S/running" ;;
  stop) rm -f "$S/running" ;;
  status) if [ -e "$S/running" ]; then echo running; exit 0; fi; echo stopped; exit 3 ;;
  *) echo "usage: $0 start|stop|restart|reload|status" >&2; exit 1 ;;
esac
`;
}

function removeInit(): void {
  spawnSync('update-rc.d', ['-f', 'playwatch-test-svc', 'remove']);
  fs.rmSync(INIT, { force: true });
  for (const f of ['running', 'calls']) fs.rmSync(path.join(sysvState, f), { force: true });
}

after(() => {
  removeInit();
  fs.rmSync(sysvState, { recursive: true, force: true });
});

const SYSV_SITE = `
- hosts: all
  gather_facts: false
  tasks:
    - name: svc started and enabled
      service: {name: playwatch-test-svc, state: started, enabled: true}
    - name: no such service
      service: {name: playwatch-no-such-svc, state: started}
      ignore_errors: true
`;

test('service without systemd runs the init script through the real service and update-rc.d, as ansible-core does', async () => {
  assert.ok(!fs.existsSync('/run/systemd/system'), 'this test needs a machine where systemd is not PID 1');
  const outcome = async (engine: 'ansible' | 'playwatch') => {
    removeInit();
    fs.writeFileSync(INIT, initScript(), { mode: 0o755 });
    const go = (check: boolean) => runOn(engine, SYSV_SITE, HOST, { check });
    const check = await go(true);
    const checkCalls = fs.existsSync(path.join(sysvState, 'calls')) ? fs.readFileSync(path.join(sysvState, 'calls'), 'utf8') : '';
    const run = await go(false);
    const again = await go(false);
    const links = fs.readdirSync('/etc').filter((d) => /^rc.\.d$/.test(d)).flatMap((d) => fs.readdirSync(path.join('/etc', d)).filter((f) => f.endsWith('playwatch-test-svc')).map((f) => `${d}/${f.slice(0, 1)}`)).sort();
    return { check, run, again, checkCalls, links, running: fs.existsSync(path.join(sysvState, 'running')) };
  };
  const p = await outcome('playwatch');
  assert.equal(p.checkCalls, 'status\n', 'check mode only asks the status');
  assert.deepEqual(statuses(p.run), { 'svc started and enabled': 'changed', 'no such service': 'failed' }, p.run.log);
  assert.deepEqual(statuses(p.again), { 'svc started and enabled': 'ok', 'no such service': 'failed' });
  assert.equal(p.running, true);
  assert.deepEqual(p.links, ['rc0.d/K', 'rc1.d/K', 'rc2.d/S', 'rc3.d/S', 'rc4.d/S', 'rc5.d/S', 'rc6.d/K']);
  const r = p.run.tasks.get('svc started and enabled')!.result;
  assert.deepEqual([r.name, r.state, r.enabled, r.changed], ['playwatch-test-svc', 'started', true, true]);
  assert.equal(p.run.tasks.get('no such service')!.result.msg,
    'service playwatch-no-such-svc: this host has no systemd (systemd is not running (no /run/systemd/system)) and no init script /etc/init.d/playwatch-no-such-svc');

  const a = await outcome('ansible');
  for (const pass of ['check', 'run', 'again'] as const) {
    assert.deepEqual(statuses(p[pass]), statuses(a[pass]), `${pass}: ${a[pass].log}`);
    assert.deepEqual(p[pass].recap, a[pass].recap, pass);
  }
  assert.deepEqual([p.links, p.running], [a.links, a.running]);
  const ar = a.run.tasks.get('svc started and enabled')!.result;
  assert.deepEqual([r.name, r.state, r.enabled], [ar.name, ar.state, ar.enabled]);
});

test('service and systemd on a host with neither systemctl nor an init script fail naming what it lacks', async () => {
  const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bare-'));
  const site = `
- hosts: all
  gather_facts: false
  environment: {PATH: "${bare}"}
  tasks:
    - {name: by service, service: {name: playwatch-no-such-svc, state: started}, ignore_errors: true}
    - {name: by systemd, systemd: {name: playwatch-no-such-svc, state: started}, ignore_errors: true}
`;
  const p = await runOn('playwatch', site, HOST);
  assert.equal(p.tasks.get('by service')!.result.msg,
    'service playwatch-no-such-svc: this host has no systemd (no systemctl on PATH) and no init script /etc/init.d/playwatch-no-such-svc');
  assert.equal(p.tasks.get('by systemd')!.result.msg, `systemctl not found on the host: it has no systemd (PATH=${bare})`);
  fs.rmSync(bare, { recursive: true, force: true });
});
