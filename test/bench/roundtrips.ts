/**
 * Round trips per command step (issue 26), in-process over SshTransport:
 * 1, 5 and 20 hosts, each behind its own TCP proxy, run steps of one
 * `/bin/true` per host with a barrier between steps (as the linear
 * strategy does), at 0 and 50 ms round trip in alternation. The figure is
 * (median step at 50 ms − median step at 0 ms) / the proxy's own round
 * trip measured meanwhile (a TCP echo through one more proxy): the
 * target's own time and the proxy's timer lateness cancel out, which is
 * what makes it readable on a loaded machine. Shell mode should give ~1,
 * exec mode ~2.
 *
 *   PLAYWATCH_FLEET_PORT=2322 npm run bench roundtrips   (RT_HOSTS=1,5,20 RT_ROUNDS=5)
 */
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { connectionSpecFromVars } from '../../src/transport/index.js';
import { SshTransport } from '../../src/transport/ssh.js';
import { fleetHosts } from '../fleet/helpers.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { prepareFleet } from './lib/fleet.js';

const SIZES = (process.env.RT_HOSTS ?? '1,5,20').split(',').map(Number);
const ROUNDS = Number(process.env.RT_ROUNDS ?? 5);
const STEPS = 10;
const RTT = 50;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A TCP echo behind a proxy: the proxy's own round trip. */
async function pinger(): Promise<{ ping(rtt: number): Promise<number>; close(): Promise<void> }> {
  const echo = net.createServer((s) => {
    s.setNoDelay(true);
    s.on('data', (d) => s.write(d));
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const proxy = await startTcpProxy((echo.address() as net.AddressInfo).port);
  const sock = net.connect(proxy.port, '127.0.0.1');
  sock.setNoDelay(true);
  await new Promise((r) => sock.once('connect', r));
  return {
    async ping(rtt) {
      proxy.delay(rtt / 2, rtt / 2);
      const t0 = performance.now();
      sock.write('x');
      await new Promise((r) => sock.once('data', r));
      return performance.now() - t0;
    },
    async close() {
      sock.destroy();
      await proxy.close();
      echo.close();
    },
  };
}

async function measure(dir: string, hosts: number, mode: 'shell' | 'exec', proxies: TcpProxy[], ping: (rtt: number) => Promise<number>): Promise<string> {
  const fleet = fleetHosts(dir).slice(0, hosts);
  const ts = fleet.map((h, i) => new SshTransport(connectionSpecFromVars(h.name, { ...h.vars, ansible_host: '127.0.0.1', ansible_port: String(proxies[i].port) }, dir), { agentSocket: null, mode, hostKeyChecking: false }));
  const steps: Record<number, number[]> = { 0: [], [RTT]: [] };
  const pings: Record<number, number[]> = { 0: [], [RTT]: [] };
  try {
    await Promise.all(ts.map((t) => t.connect()));
    await Promise.all(ts.map((t) => t.exec('/bin/true')));
    for (let round = 0; round < ROUNDS; round++) {
      for (const rtt of [0, RTT]) {
        for (const p of proxies) p.delay(rtt / 2, rtt / 2);
        for (let i = 0; i < 3; i++) pings[rtt].push(await ping(rtt));
        for (let s = 0; s < STEPS; s++) {
          const t0 = performance.now();
          await Promise.all(ts.map(async (t) => {
            const r = await t.exec('/bin/true');
            if (r.rc !== 0) throw new Error(`${t.host}: rc ${r.rc} ${r.stderr}`);
          }));
          steps[rtt].push(performance.now() - t0);
        }
      }
    }
  } finally {
    await Promise.all(ts.map((t) => t.close()));
  }
  const extra = median(steps[RTT]) - median(steps[0]);
  const proxyRt = median(pings[RTT]) - median(pings[0]);
  return `${String(hosts).padStart(2)} host(s) ${mode.padEnd(5)} step ${median(steps[0]).toFixed(1)} ms at 0 ms, ${median(steps[RTT]).toFixed(1)} ms at ${RTT} ms (proxy round trip ${proxyRt.toFixed(1)} ms): ${(extra / proxyRt).toFixed(2)} round trips per step`;
}

async function main(): Promise<void> {
  const fleet = prepareFleet(Math.max(...SIZES), { port: process.env.PLAYWATCH_FLEET_PORT });
  if (!fleet) {
    console.log('skipped: needs root and /usr/sbin/sshd, or PLAYWATCH_FLEET_DIR with enough hosts');
    return;
  }
  const p = await pinger();
  try {
    for (const n of SIZES) {
      const hosts = fleetHosts(fleet.dir).slice(0, n);
      const proxies = await Promise.all(hosts.map((h) => startTcpProxy(Number(h.vars.ansible_port), h.vars.ansible_host)));
      try {
        for (const mode of ['shell', 'exec'] as const) console.log(await measure(fleet.dir, n, mode, proxies, p.ping));
      } finally {
        await Promise.all(proxies.map((x) => x.close()));
      }
    }
  } finally {
    await p.close();
    fleet.down();
  }
}

await main();
