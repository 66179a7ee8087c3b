/**
 * Fault rows of docs/RELIABILITY.md that need real OpenSSH: a fleet of 20
 * sshd of its own (one is killed mid-task), and one sshd left at OpenSSH's
 * default `MaxStartups 10:30:100` that 50 hosts connect to at once. Both
 * run on ports of their own, beside the shared fleet, through the command
 * line as an operator runs it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetHosts, fleetScript, fleetSpec, killHost, startHost } from '../fleet/helpers.js';
import { SshTransport } from '../../src/transport/ssh.js';
import { cli, events, project } from '../faults/cli.js';

const TWENTY = { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'pw-fleet20-')), port: '2291' };
const STORM = { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'pw-storm-')), port: '2292' };

function fleet(what: 'up' | 'down', f: { dir: string; port: string }, n = 20): void {
  const r = spawnSync('bash', [fleetScript, what, ...(what === 'up' ? [String(n)] : []), f.dir], { env: { ...process.env, PLAYWATCH_FLEET_PORT: f.port }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fleet.sh ${what}: ${r.stderr}`);
}

before(() => {
  fleet('up', TWENTY, 20);
  fleet('up', STORM, 1);
  // The storm host at OpenSSH's default MaxStartups (the fleet raises it), restarted with that config.
  killHost('h01', STORM.dir);
  const cfg = path.join(STORM.dir, 'h01', 'sshd_config');
  fs.writeFileSync(cfg, fs.readFileSync(cfg, 'utf8').replace(/^MaxStartups .*\n/m, ''));
  startHost('h01', STORM.dir);
});

after(() => {
  for (const f of [TWENTY, STORM]) {
    fleet('down', f);
    fs.rmSync(f.dir, { recursive: true, force: true });
  }
});

const homeOf = (dir: string, host: string) => path.join(dir, host, 'home');

test('sshd killed on 1 of 20 hosts mid-task: that host is unreachable, never ok; the 19 others finish and release their locks (exit 4)', async () => {
  const hosts = fleetHosts(TWENTY.dir).map((h) => h.name);
  const victim = 'h07';
  const dir = project({
    'site.yml': `
- hosts: fleet
  gather_facts: false
  tasks:
    - {name: slow, shell: "echo started; sleep 2"}
    - {name: after, command: "true"}
`,
  });
  let killed = false;
  try {
    const r = await cli(dir, ['run', 'site.yml', '-i', path.join(TWENTY.dir, 'inventory.ini'), '--ui', 'plain', '-f', '20', '-v'], {
      // -v prints each result's output: once a host has said 'started' the commands are running everywhere.
      when: /TASK \[slow\]/,
      act: () =>
        setTimeout(() => {
          killed = true;
          killHost(victim, TWENTY.dir);
        }, 1000),
      timeoutMs: 90_000,
    });
    assert.ok(killed);
    assert.equal(r.code, 4, r.out.slice(-3000) + r.err);
    const evs = events(dir);
    assert.equal(evs.at(-1)!.type, 'run.end');
    const result = (task: string, host: string) =>
      evs.find((e) => ['host.ok', 'host.failed', 'host.unreachable'].includes(e.type) && (e.task as { name: string }).name === task && e.host === host)?.type;
    assert.equal(result('slow', victim), 'host.unreachable');
    assert.equal(result('after', victim), undefined, 'nothing more was tried on the dead host');
    for (const h of hosts.filter((x) => x !== victim)) {
      assert.equal(result('slow', h), 'host.ok', h);
      assert.equal(result('after', h), 'host.ok', h);
      assert.equal(fs.existsSync(path.join(homeOf(TWENTY.dir, h), '.playwatch', 'lock')), false, `${h}'s lock released`);
    }
    assert.match(r.out, new RegExp(`${victim} +: ok=0 +changed=0 +unreachable=1`));
  } finally {
    startHost(victim, TWENTY.dir);
  }
});

test("50 hosts connecting at once to one sshd at OpenSSH's default MaxStartups 10:30:100: every host connects and runs (the handshakes sshd drops are retried)", async () => {
  const h01 = fleetHosts(STORM.dir)[0]!.vars;
  const names = Array.from({ length: 50 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
  const inventory = [
    '[storm]',
    // Each name its own lock, as 50 machines would have: they are one sshd here.
    ...names.map((n) => `${n} playwatch_lock_path=~/.playwatch/lock-${n}`),
    '[storm:vars]',
    ...Object.entries(h01).map(([k, v]) => `${k}=${v}`),
  ].join('\n');
  const dir = project({
    'inventory.ini': `${inventory}\n`,
    'site.yml': `
- hosts: storm
  gather_facts: false
  tasks:
    - {name: hello, command: "true"}
`,
  });
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', '-f', '50'], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.out.slice(-4000) + r.err);
  const ok = events(dir).filter((e) => e.type === 'host.ok').map((e) => e.host as string);
  assert.deepEqual(ok.sort(), names);
  // sshd did throttle: the storm really met MaxStartups.
  const log = fs.readFileSync(path.join(STORM.dir, 'h01', 'sshd.log'), 'utf8');
  assert.match(log, /MaxStartups throttling|drop connection/);
});

test('1,000 sequential commands on one connection to a real sshd: every one succeeds, and no channel, handle or memory is left behind', async () => {
  const t = new SshTransport(fleetSpec('h01', TWENTY.dir), {});
  try {
    await t.connect();
    // Warm up, then measure from a steady state.
    for (let i = 0; i < 20; i++) await t.exec('true');
    global.gc?.();
    const resources = process.getActiveResourcesInfo().length;
    const heap = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1000; i++) {
      const r = await t.exec(`echo ${i}`);
      assert.equal(r.stdout, `${i}\n`);
    }
    await new Promise((r) => setTimeout(r, 200));
    global.gc?.();
    assert.ok(process.getActiveResourcesInfo().length <= resources + 2, `handles ${resources} → ${process.getActiveResourcesInfo().length}`);
    const grown = (process.memoryUsage().heapUsed - heap) / 1024 / 1024;
    assert.ok(grown < 50, `heap grew ${grown.toFixed(1)} MiB over 1,000 commands`);
    // sshd still serves the connection: nothing was exhausted (MaxSessions counts open channels).
    const parallel = await Promise.all(Array.from({ length: 8 }, (_, i) => t.exec(`echo p${i}`)));
    assert.deepEqual(parallel.map((r) => r.rc), Array(8).fill(0));
  } finally {
    await t.close();
  }
});
