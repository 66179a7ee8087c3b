/**
 * Network faults through the engine over SSH (the in-process ssh2 server,
 * each host behind its own TCP proxy, so one host's link can be dropped,
 * reset or refused while the others work). Keepalive and retry timings are
 * test-sized (DESIGN §11: timeouts are injectable).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeFixture, type Fixture } from '../transport/ssh-helpers.js';
import { runProject, type RunSpec, type TestRun } from '../helpers/run.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { generateKey } from '../helpers/ssh-server.js';

let fx: Fixture;
const proxies: TcpProxy[] = [];
before(async () => {
  fx = await makeFixture();
});
after(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await fx.cleanup();
});

/** One proxy per host name, and an inventory of those hosts (vars per host appended). */
async function hostsBehindProxies(names: string[], extra: Record<string, string> = {}) {
  const by: Record<string, TcpProxy> = {};
  for (const n of names) {
    by[n] = await startTcpProxy(fx.server.port);
    proxies.push(by[n]);
    // known_hosts names a host by address and port: the proxy's port is the host's.
    fs.appendFileSync(fx.knownHosts, `${fx.knownLine().replace(`:${fx.server.port} `, `:${by[n]!.port} `)}\n`);
  }
  const lines = names.map(
    (n) =>
      `${n} ansible_host=127.0.0.1 ansible_port=${by[n]!.port} ansible_user=tester ansible_ssh_private_key_file=${fx.keyFile} ` +
      `playwatch_known_hosts=${fx.knownHosts} ${extra[n] ?? ''}`,
  );
  return { proxy: by, inventory: `[web]\n${lines.join('\n')}\n` };
}

/**
 * Runs over SSH with test-sized timings: keepalive every 100 ms, dead after 2
 * unanswered; connects tried 3 times, 50 ms apart. The transport is built from
 * the host's own vars (port, key, known_hosts) as the CLI builds it.
 */
function runOverSsh({ inv, site, ...spec }: Omit<RunSpec, 'files'> & { site: string; inv: string; files?: RunSpec['files'] }): Promise<TestRun> {
  return runProject({
    ...spec,
    delayScale: 1,
    files: { 'inventory.ini': inv, 'site.yml': site, ...spec.files },
    wrapTransport: (t, host) => {
      void t;
      return fx.transport(
        { keepaliveIntervalMs: 100, keepaliveCountMax: 2, connectAttempts: 3, retryDelaysMs: [50, 50] },
        { host, port: portOf(inv, host), privateKeyFile: keyOf(inv, host) },
      );
    },
  });
}

const varOf = (inventory: string, host: string, name: string) => new RegExp(`^${host} .*\\b${name}=(\\S+)`, 'm').exec(inventory)?.[1];
const portOf = (inventory: string, host: string) => Number(varOf(inventory, host, 'ansible_port'));
const keyOf = (inventory: string, host: string) => varOf(inventory, host, 'ansible_ssh_private_key_file');

/** Calls `act` once `host` has printed `started` (its command is running on the target). */
function onceRunning(host: string, act: () => void): RunSpec['onEvent'] {
  let done = false;
  return (e) => {
    if (!done && e.type === 'host.output' && e.host === host && e.chunk.includes('started')) {
      done = true;
      act();
    }
  };
}

test('packets silently dropped mid-command: the keepalive declares the host unreachable within a second; never ok, the others finish (exit 4)', async () => {
  const { proxy, inventory } = await hostsBehindProxies(['web1', 'web2']);
  const started = { at: 0 };
  const run = await runOverSsh({
    inv: inventory,
    site: `
- hosts: web
  gather_facts: false
  tasks:
    - {name: work, shell: "echo started; sleep 1.5"}
    - {name: next, command: "true"}
`,
    onEvent: onceRunning('web1', () => {
      started.at = Date.now();
      proxy.web1!.drop();
    }),
  });
  assert.deepEqual(run.results('work'), { web1: 'unreachable', web2: 'changed' });
  assert.deepEqual(run.results('next'), { web2: 'changed' });
  assert.equal(run.exitCode, 4);
  const unreachable = run.of('host.unreachable')[0]!;
  assert.ok(unreachable.wall - started.at < 1500, `noticed after ${unreachable.wall - started.at} ms`);
  assert.ok(proxy.web1!.dropped() > 0, 'the proxy really dropped packets');
});

test('a connection reset mid-command: the host is unreachable, never reported ok, and the command is not run again', async () => {
  const { proxy, inventory } = await hostsBehindProxies(['web1', 'web2']);
  const run = await runOverSsh({
    inv: inventory,
    site: `
- hosts: web
  gather_facts: false
  tasks:
    - {name: work, shell: "echo ran >> {{ inventory_hostname }}.count; echo started; sleep 1"}
    - {name: next, command: "true"}
`,
    onEvent: onceRunning('web1', () => proxy.web1!.reset()),
  });
  assert.deepEqual(run.results('work'), { web1: 'unreachable', web2: 'changed' });
  assert.deepEqual(run.results('next'), { web2: 'changed' });
  assert.equal(run.exitCode, 4);
  assert.equal(run.of('host.ok').filter((e) => e.host === 'web1').length, 0);
  // The commands ran in the server's home: once each.
  assert.equal(fs.readFileSync(path.join(fx.dir, 'web1.count'), 'utf8'), 'ran\n');
  assert.equal(fs.readFileSync(path.join(fx.dir, 'web2.count'), 'utf8'), 'ran\n');
});

test('a refused first connect is retried and the host works; wrong credentials are tried once and the host is unreachable', async () => {
  const wrongKey = path.join(fx.dir, 'wrong_key');
  fs.writeFileSync(wrongKey, generateKey('wrong').private, { mode: 0o600 });
  const { proxy, inventory } = await hostsBehindProxies(['rebooting', 'badcreds'], { badcreds: '' });
  const inv = inventory.replace(new RegExp(`^(badcreds .*ansible_ssh_private_key_file=)\\S+`, 'm'), `$1${wrongKey}`);
  proxy.rebooting!.refuse(1);
  const failuresBefore = fx.server.authFailures;
  const run = await runOverSsh({
    inv,
    site: `
- hosts: web
  gather_facts: false
  tasks:
    - {name: work, command: "true"}
`,
  });
  assert.deepEqual(run.results('work'), { rebooting: 'changed', badcreds: 'unreachable' });
  assert.deepEqual(proxy.rebooting!.counts, { forwarded: 1, refused: 1 }, 'one refused attempt, then one that worked');
  assert.equal(proxy.badcreds!.counts.forwarded, 1, 'an authentication failure is not retried');
  assert.ok(fx.server.authFailures > failuresBefore);
  const msg = String(run.of('host.unreachable')[0]!.result.msg);
  assert.match(msg, /authentication/i);
  assert.equal(run.exitCode, 4);
});

test('a whole serial batch unreachable stops the run as ansible-core does: the next batch never starts (exit 4)', async () => {
  const { proxy, inventory } = await hostsBehindProxies(['w1', 'w2', 'w3', 'w4']);
  proxy.w1!.refuse(100);
  proxy.w2!.refuse(100);
  const run = await runOverSsh({
    inv: inventory,
    site: `
- hosts: web
  gather_facts: false
  serial: 2
  tasks:
    - {name: work, command: "true"}
`,
  });
  assert.deepEqual(run.results('work'), { w1: 'unreachable', w2: 'unreachable' });
  assert.equal(run.of('batch.start').length, 1);
  assert.equal(proxy.w3!.counts.forwarded + proxy.w4!.counts.forwarded, 0, 'no connection to the next batch');
  assert.equal(run.exitCode, 4);
  // The resume plan says so (round 1 called them done, so a pasted resume skipped them).
  assert.deepEqual(run.resume?.notStarted.sort(), ['w3', 'w4']);
  assert.deepEqual(run.resume?.done, []);
});

test('a failed host and an unreachable host in one run: exit 4, as ansible-core (unreachable wins)', async () => {
  const { proxy, inventory } = await hostsBehindProxies(['down', 'broken', 'fine']);
  proxy.down!.refuse(100);
  const run = await runOverSsh({
    inv: inventory,
    site: `
- hosts: web
  gather_facts: false
  tasks:
    - {name: work, command: "{{ 'false' if inventory_hostname == 'broken' else 'true' }}"}
`,
  });
  assert.deepEqual(run.results('work'), { down: 'unreachable', broken: 'failed', fine: 'changed' });
  assert.equal(run.stats.down!.unreachable, 1);
  assert.equal(run.stats.broken!.failed, 1);
  assert.equal(run.exitCode, 4);
});
