/**
 * SSH benchmark: 20 real sshd hosts × 10 `/bin/true`.
 *
 *   (a) SshTransport, one persistent connection per host, hosts in parallel
 *   (b) a bare ssh2 loop running the same commands over already-open connections
 *   (c) ansible-playbook (default settings, forks 20), when installed
 *   (d) the whole playwatch CLI (`node bin/playwatch.js run … -f 20`), when dist/ is built
 *
 * (a) and (b) time the 200 commands after the connections are open (median
 * of 5 alternating rounds, in this process); (c) and (d) are whole-process wall times, Node's
 * start and the connections included. Uses the fleet in PLAYWATCH_FLEET_DIR
 * when it has 20 hosts, else starts one with fleet.sh (root and sshd needed)
 * and stops it at the end.
 *
 *   node --import tsx test/bench/ssh.ts        (or npm run bench ssh)
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ssh2 from 'ssh2';
import type { Client } from 'ssh2';
import { connectionSpecFromVars } from '../../src/transport/index.js';
import { SshTransport } from '../../src/transport/ssh.js';
import { fleetHosts } from '../fleet/helpers.js';
import { ansibleRun, fmt, playwatchRun, prepareFleet } from './lib/fleet.js';

const HOSTS = 20;
const COMMANDS = 10;

async function transportRun(dir: string): Promise<{ connectMs: number; execMs: number }> {
  const hosts = fleetHosts(dir).slice(0, HOSTS);
  const ts = hosts.map((h) => new SshTransport(connectionSpecFromVars(h.name, h.vars, dir), { agentSocket: null }));
  let t0 = performance.now();
  await Promise.all(ts.map((t) => t.connect()));
  const connectMs = performance.now() - t0;
  t0 = performance.now();
  await Promise.all(ts.map(async (t) => {
    for (let i = 0; i < COMMANDS; i++) {
      const r = await t.exec('/bin/true');
      if (r.rc !== 0) throw new Error(`${t.host}: rc ${r.rc} ${r.stderr}`);
    }
  }));
  const execMs = performance.now() - t0;
  await Promise.all(ts.map((t) => t.close()));
  return { connectMs, execMs };
}

function bareConnect(h: { vars: Record<string, string> }): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.on('ready', () => {
      c.setNoDelay(true);
      resolve(c);
    });
    c.on('error', reject);
    c.connect({
      host: h.vars.ansible_host,
      port: Number(h.vars.ansible_port),
      username: h.vars.ansible_user,
      privateKey: fs.readFileSync(h.vars.ansible_ssh_private_key_file),
    });
  });
}

function bareExec(c: Client, cmd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    c.exec(cmd, (err, ch) => {
      if (err) return reject(err);
      let code = -1;
      ch.on('exit', (rc: number) => (code = rc));
      ch.on('close', () => resolve(code));
      ch.resume();
      ch.stderr.resume();
      ch.end();
    });
  });
}

async function bareRun(dir: string): Promise<{ connectMs: number; execMs: number }> {
  const hosts = fleetHosts(dir).slice(0, HOSTS);
  let t0 = performance.now();
  const clients = await Promise.all(hosts.map(bareConnect));
  const connectMs = performance.now() - t0;
  t0 = performance.now();
  await Promise.all(clients.map(async (c) => {
    for (let i = 0; i < COMMANDS; i++) if ((await bareExec(c, '/bin/true')) !== 0) throw new Error('bare exec failed');
  }));
  const execMs = performance.now() - t0;
  for (const c of clients) c.end();
  return { connectMs, execMs };
}

function writePlaybook(dir: string): string {
  const tasks = Array.from({ length: COMMANDS }, (_, i) => `    - name: true ${i + 1}\n      command: /bin/true\n`).join('');
  const file = path.join(dir, 'bench-true.yml');
  fs.writeFileSync(file, `- hosts: fleet\n  gather_facts: false\n  tasks:\n${tasks}`);
  return file;
}

async function main(): Promise<void> {
  const fleet = prepareFleet(HOSTS);
  if (!fleet) {
    console.log('skipped: needs root and /usr/sbin/sshd (apt-get install --no-install-recommends openssh-server), or PLAYWATCH_FLEET_DIR with 20 hosts');
    return;
  }
  try {
    console.log(`${HOSTS} hosts × ${COMMANDS} /bin/true over real sshd (${fleet.dir})`);
    await bareRun(fleet.dir); // warm up sshd and the JIT
    const a: { connectMs: number; execMs: number }[] = [];
    const b: { connectMs: number; execMs: number }[] = [];
    for (let i = 0; i < 5; i++) {
      b.push(await bareRun(fleet.dir));
      a.push(await transportRun(fleet.dir));
    }
    // The median of 5 alternating rounds: sshd's fork/exec on 2 cores is noisy.
    const best = (xs: { execMs: number }[]) => xs.map((x) => x.execMs).sort((p, q) => p - q)[Math.floor(xs.length / 2)];
    const aBest = best(a);
    const bBest = best(b);
    console.log(`(a) SshTransport:        ${fmt(aBest)} for ${HOSTS * COMMANDS} commands (connect ${fmt(Math.min(...a.map((x) => x.connectMs)))})`);
    console.log(`(b) bare ssh2 loop:      ${fmt(bBest)} for ${HOSTS * COMMANDS} commands (connect ${fmt(Math.min(...b.map((x) => x.connectMs)))})`);
    console.log(`    ratio a/b:           ${(aBest / bBest).toFixed(2)}× (target ≤ 1.5×)`);
    const playbook = writePlaybook(fleet.dir);
    const pw = playwatchRun(fleet.dir, playbook, HOSTS);
    console.log(`(d) playwatch run -f ${HOSTS}: ${typeof pw === 'number' ? `${fmt(pw)} whole process` : pw}`);
    const an = ansibleRun(fleet.dir, playbook, HOSTS);
    console.log(`(c) ansible-playbook -f ${HOSTS}: ${typeof an === 'number' ? `${fmt(an)} whole process` : an}`);
    if (typeof an === 'number' && typeof pw === 'number') {
      console.log(`    ratio ansible/playwatch: ${(an / pw).toFixed(1)}× (target ≥ 20×)`);
    }
  } finally {
    fleet.down();
  }
}

await main();
