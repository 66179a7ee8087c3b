/**
 * The file modules' data-driven tables on real OpenSSH hosts: the same rows
 * the unit tests run on the local transport (files-cases.ts and the tables
 * of test/modules/tables/ through the engine: check, run, run again; the
 * edit oracle rows of oracle.json and the round-trip rows as module calls),
 * each on every host of a fleet of its own, all hosts at once. Every host is this machine, so each gets its
 * own root directory (test/fleet/rooted.ts) and the files each host's
 * commands left are read there. Round trips are counted on the transport,
 * where the tables state them.
 *
 * Starts its own fleet of 3 sshd (127.0.0.11-13, port
 * PLAYWATCH_MODULES_FLEET_PORT, default 2295) in a directory of its own.
 * Needs root and sshd (`npm run test:system` checks them).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Vars } from '../../src/model/index.js';
import { loadModule } from '../../src/modules/index.js';
import type { ModuleContext } from '../../src/modules/types.js';
import { connectionSpecFromVars } from '../../src/transport/index.js';
import { SshTransport } from '../../src/transport/ssh.js';
import type { Transport } from '../../src/transport/types.js';
import { fleetHosts } from '../fleet/helpers.js';
import { rooted, type Rooted } from '../fleet/rooted.js';
import { runIn } from '../helpers/run.js';
import { fakeContext, fakeTask } from '../modules/context.js';
import { assertHas, describe, outcome, setUp, snapshot } from '../modules/files-helpers.js';
import { fileCases, playbook, writeProject, type Target } from '../modules/files-cases.js';
import { ORACLE_FILE, type OracleRow } from '../modules/edit/oracle-table.js';
import { loadError, seen, setUpRow } from '../modules/edit/outcome.js';
import { prepareRow, ROWS } from '../modules/round-trip-rows.js';
import type { Files } from '../helpers/run.js';
import { runCase, type Case } from '../modules/cases.js';
import * as command from '../modules/tables/command.js';
import * as script from '../modules/tables/script.js';
import * as transfer from '../modules/tables/transfer.js';
import * as find from '../modules/tables/find.js';
import * as assemble from '../modules/tables/assemble.js';
import * as unarchive from '../modules/tables/unarchive.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FLEET_SH = path.join(ROOT, 'test/fleet/fleet.sh');
const PORT = process.env.PLAYWATCH_MODULES_FLEET_PORT ?? '2295';
const HOSTS = 3;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-modfleet-'));
const fleet = path.join(work, 'fleet');
const fleetEnv = { ...process.env, PLAYWATCH_FLEET_PORT: PORT };
let names: string[] = [];
/** One open connection per host for the module-level rows. */
const open: Record<string, SshTransport> = {};
/** The targets' umask and uid, asked of the first host (the cases' expected modes and owners follow them). */
let umask = 0o022;
let uid = 0;

before(async () => {
  assert.equal(process.getuid?.(), 0, 'run as root: sshd needs it (npm run test:system)');
  const up = spawnSync(FLEET_SH, ['up', String(HOSTS), fleet], { encoding: 'utf8', env: fleetEnv });
  assert.equal(up.status, 0, `fleet.sh up ${HOSTS}: ${up.stderr}`);
  for (const h of fleetHosts(fleet)) {
    const t = new SshTransport(connectionSpecFromVars(h.name, h.vars, fleet), { env: { home: work, sshDir: work }, agentSocket: null });
    await t.connect();
    open[h.name] = t;
  }
  names = Object.keys(open);
  const probe = await open[names[0]!]!.exec('umask; id -u');
  assert.equal(probe.rc, 0, probe.stderr);
  [umask, uid] = probe.stdout.trim().split('\n').map((s, i) => (i === 0 ? parseInt(s, 8) : Number(s))) as [number, number];
});

after(async () => {
  await Promise.allSettled(Object.values(open).map((t) => t.close()));
  spawnSync(FLEET_SH, ['down', fleet], { env: fleetEnv });
  fs.rmSync(work, { recursive: true, force: true });
});

const target = (host: string): Target => ({ umask, uid, host });

/** The fleet's hosts as an inventory, with the vars the cases' templates use. */
function inventory(): string {
  const lines = ['[all]'];
  for (const h of fleetHosts(fleet)) lines.push(`${h.name} ${Object.entries(h.vars).map(([k, v]) => `${k}=${v}`).join(' ')} app_port=8080`);
  return `${lines.join('\n')}\n`;
}

/** A fresh root directory for each host: name → path. */
function roots(label: string): Record<string, string> {
  const base = fs.mkdtempSync(path.join(work, `${label}-`));
  return Object.fromEntries(names.map((n) => [n, path.join(base, n)]));
}

// The stat, file, copy and template rows through the engine, on every host at once.
for (const [i, c] of fileCases(target('h01')).entries()) {
  test(`fleet: ${c.name}: --check predicts it on every host, the run does it, a second run changes nothing`, async () => {
    const dir = fs.mkdtempSync(path.join(work, 'project-'));
    writeProject(dir, c, { 'site.yml': playbook(c.task), 'inventory.ini': inventory() });
    const root = roots('files');
    for (const n of names) setUp(root[n]!, c.setup);
    const snap = () => Object.fromEntries(names.map((n) => [n, snapshot(root[n]!)]));
    const before = snap();
    const wrapTransport = (t: Transport, host: string) => rooted(t, root[host]!);

    const check = await runIn(dir, { check: true, diff: true, forks: HOSTS, wrapTransport });
    assert.deepEqual(snap(), before, 'check mode changed nothing');
    const real = await runIn(dir, { forks: HOSTS, wrapTransport });
    const again = await runIn(dir, { forks: HOSTS, wrapTransport });
    for (const n of names) {
      const want = fileCases(target(n))[i]!;
      const got = outcome(real, n);
      assert.equal(got.status, want.status, `${n}: ${JSON.stringify(got.result)}`);
      assert.equal(outcome(check, n).status, want.checked ?? want.status, `${n}: check predicted ${JSON.stringify(outcome(check, n).result)}`);
      if (want.result) assertHas(got.result, want.result, `${n} result`);
      for (const [rel, entry] of Object.entries(want.after ?? {})) assert.deepEqual(describe(root[n]!, rel), entry, `${n}: ${rel}`);
      assert.equal(outcome(again, n).status, want.again ?? 'ok', `${n}: ${JSON.stringify(outcome(again, n).result)}`);
    }
  });
}

// The command, script, fetch/slurp/tempfile, find, assemble and unarchive tables (test/modules/tables/): each case
// on every host at once, each host named h1 in an inventory of its own, with its own root (`@R` in the tables).
const TABLES: Array<[string, { CASES: Case[]; PROJECT?: Files }]> = [
  ['command', command], ['script', script], ['transfer', transfer], ['find', find], ['assemble', assemble], ['unarchive', unarchive],
];
for (const [label, table] of TABLES) {
  for (const c of table.CASES) {
    test(`fleet: ${label}: ${c.name}: on every host, --check predicts it, the run does it, a second run is ${c.again ?? 'ok'}`, async () => {
      await Promise.all(fleetHosts(fleet).map((h) => runCase(c, table.PROJECT ?? {}, `[all]\nh1 ${Object.entries(h.vars).map(([k, v]) => `${k}=${v}`).join(' ')}\n`)));
    });
  }
}

/** One module call on a host's open connection, in its root: the result and the commands it sent. */
async function call(host: string, root: string, module: string, args: Vars, o: { check?: boolean; vars?: Vars; task?: ReturnType<typeof fakeTask> } = {}) {
  const t: Rooted = rooted(open[host]!, root, { keepOpen: true });
  const base = fakeContext(module, args, { check: o.check, vars: o.vars, task: o.task });
  const ctx: ModuleContext = { ...base, transport: t, exec: (command, opts) => t.exec(command, { ...opts, signal: base.signal }) };
  const result = await (await loadModule(module))!.run(ctx);
  return { result, commands: t.commands.length };
}

// The edit rows ansible-core answered (oracle.json), as module calls: check, run, run again, with their round trips.
const rows: OracleRow[] = JSON.parse(fs.readFileSync(ORACLE_FILE, 'utf8'));
for (const row of rows) {
  test(`fleet: ${row.module} ${row.name}: as ansible-core on every host, one command unchanged, two changed`, async () => {
    const root = roots('edit');
    await Promise.all(names.map(async (n) => {
      fs.mkdirSync(root[n]!, { recursive: true });
      const file = setUpRow(row, root[n]!);
      const args = { ...row.args, path: file };
      if (loadError(row.module, args) !== undefined) return assert.equal(row.run.failed, true, 'refused at load, as ansible-core refuses it');
      const check = await call(n, root[n]!, row.module, args, { check: true });
      assert.deepEqual(seen(check.result, file), row.check, `${n}: check mode`);
      const run = await call(n, root[n]!, row.module, args);
      assert.deepEqual(seen(run.result, file), row.run, `${n}: run`);
      if (!row.run.failed) assert.equal(run.commands, row.run.changed ? 2 : 1, `${n}: round trips`);
      const again = await call(n, root[n]!, row.module, args);
      assert.deepEqual(seen(again.result, file), row.again, `${n}: a second run`);
      if (!row.again.changed && !row.again.failed) assert.equal(again.commands, 1, `${n}: an unchanged file costs one command`);
    }));
  });
}

// The round-trip rows: what each call may cost, counted on a real connection.
for (const row of ROWS) {
  test(`fleet: ${row.name} costs ${row.trips} round trip${row.trips > 1 ? 's' : ''} on every host`, async () => {
    const root = roots('trips');
    // A controller side per host too: fetch writes there.
    const project = roots('trips-project');
    await Promise.all(names.map(async (n) => {
      prepareRow(root[n]!, project[n]!);
      const task = fakeTask(row.module.name, path.join(project[n]!, 'site.yml'));
      const { result, commands } = await call(n, root[n]!, row.module.name, row.args, { task, vars: { playbook_dir: project[n]!, inventory_hostname: n } });
      assert.equal(result.failed, undefined, `${n}: ${JSON.stringify(result)}`);
      assert.equal(result.changed, row.changed, n);
      assert.equal(commands, row.trips, `${n} round trips`);
    }));
  });
}
