/**
 * The seed fixtures on real sshd hosts, under both engines: seed 002's
 * Celery deploy (fixtures/seed002, run as its Jenkins job ran it:
 * `--inventory-file=… ansible/api_worker.yml --limit=api_worker,api_beat
 * --diff`) and seed 003's Traefik role (fixtures/seed003: async setup,
 * templates, a health check), and the files role that uses every file module
 * (fixtures/files-role, on the local connection, with fetch, shell, setup, group_by, add_host, tempfile, meta and set_stats). Each runs through ansible-playbook and through
 * playwatch from the same empty state; the PLAY RECAPs, the files on the
 * targets (content, mode, links) and the diffs of the in-place edits must be
 * the same. Then each engine runs over the other's result and must find
 * nothing to change.
 *
 * Starts its own fleet of 3 sshd (127.0.0.11-13, port PLAYWATCH_SEEDS_FLEET_PORT,
 * default 2293); every host is this machine, so each gets its own root
 * directory through the fixtures' root variable. Needs root, sshd and
 * ansible-core (`npm run test:system` checks them); fails without them.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleetHosts } from '../fleet/helpers.js';
import { recapOf } from '../contract/views.js';
import { ansibleText, playwatchText, type TextRun } from './oracle.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FLEET_SH = path.join(ROOT, 'test/fleet/fleet.sh');
const PORT = process.env.PLAYWATCH_SEEDS_FLEET_PORT ?? '2293';
const HOSTS = 3;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-seeds-'));
const fleet = path.join(work, 'fleet');
/** Every host's files live under here, in a directory named after the host. */
const targets = path.join(work, 'targets');
const fleetEnv = { ...process.env, PLAYWATCH_FLEET_PORT: PORT };

before(() => {
  assert.equal(process.getuid?.(), 0, 'run as root: sshd needs it (npm run test:system)');
  const up = spawnSync(FLEET_SH, ['up', String(HOSTS), fleet], { encoding: 'utf8', env: fleetEnv });
  assert.equal(up.status, 0, `fleet.sh up ${HOSTS}: ${up.stderr}`);
});

after(() => {
  spawnSync(FLEET_SH, ['down', fleet], { env: fleetEnv });
  fs.rmSync(work, { recursive: true, force: true });
});

/** An inventory of fleet hosts under the fixture's names: group → [name, fleet host]. */
function inventory(groups: Record<string, Array<[string, string]>>, vars: Record<string, string>): string {
  const fleetVars = fleetHosts(fleet);
  const lines: string[] = [];
  for (const [group, hosts] of Object.entries(groups)) {
    lines.push(`[${group}]`);
    for (const [name, fleetName] of hosts) {
      // A host outside the fleet gets an address nothing listens on: reaching it would be an error.
      const address = fleetVars.find((h) => h.name === fleetName)?.vars.ansible_host ?? '127.0.0.254';
      // ansible-core's async_status looks for jobs under ~<user> (the passwd home), its jobs write under $HOME (the fleet
      // host's own): one directory per host for both.
      lines.push(`${name} ansible_host=${address} ansible_async_dir=${work}/ansible-async/${name.split(' ')[0]}`);
    }
    lines.push('');
  }
  const common = fleetVars[0]!.vars;
  lines.push('[all:vars]');
  for (const k of ['ansible_port', 'ansible_user', 'ansible_ssh_private_key_file', 'playwatch_known_hosts', 'playwatch_lock_path']) lines.push(`${k}=${common[k]}`);
  lines.push('ansible_python_interpreter=/usr/bin/python3');
  for (const [k, v] of Object.entries(vars)) lines.push(`${k}=${v}`);
  const file = path.join(work, `inventory-${Object.keys(groups).join('-')}.ini`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const ansible = (cwd: string, args: string[]) => ansibleText(cwd, args);
const playwatch = (cwd: string, args: string[]) => playwatchText(cwd, args, path.join(work, 'runs'));

/** Every file, directory and link under each host's root: path → kind, mode, content or link target. */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(targets)) return out;
  for (const rel of (fs.readdirSync(targets, { recursive: true }) as string[]).sort()) {
    const p = path.join(targets, rel);
    const st = fs.lstatSync(p);
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    if (st.isSymbolicLink()) out[rel] = `link -> ${fs.readlinkSync(p)}`;
    else if (st.isDirectory()) out[rel] = `dir ${mode}`;
    else out[rel] = `file ${mode}\n${fs.readFileSync(p, 'utf8')}`;
  }
  return out;
}

/** The diffs printed under one task, one per host, in host order (the engines print hosts in any order). */
function diffsOf(out: string, task: string): string[] {
  const start = out.indexOf(`TASK [${task}]`);
  assert.ok(start >= 0, `no TASK [${task}] in:\n${out}`);
  const section = out.slice(start).split('\n').slice(1).join('\n').split(/\n(?:TASK|RUNNING HANDLER|PLAY RECAP) \[?/)[0]!;
  // Our plain output puts a profile timestamp line under each banner, as ansible's profile_tasks does; the diffs are what is compared.
  return section
    .split(/^(?=--- before)/m)
    .filter((b) => b.startsWith('--- before'))
    .map((b) => b.replace(/\n(changed|ok): \[[^\]]+\].*$/s, '').trim())
    .sort();
}

/** Runs one fixture under both engines from the same empty state and compares what each left. */
async function compareEngines(cwd: string, args: string[], editTasks: string[], prepare = () => {}): Promise<{ ansibleRun: TextRun; mine: TextRun }> {
  fs.rmSync(targets, { recursive: true, force: true });
  prepare();
  const ansibleRun = await ansible(cwd, args);
  assert.equal(ansibleRun.status, 0, `ansible-playbook:\n${ansibleRun.out.slice(-4000)}`);
  const theirs = snapshot();
  assert.ok(Object.keys(theirs).length > 5, 'ansible-playbook made the files');

  fs.rmSync(targets, { recursive: true, force: true });
  prepare();
  const mine = await playwatch(cwd, args);
  assert.equal(mine.status, 0, `playwatch:\n${mine.out.slice(-4000)}`);
  assert.deepEqual(recapOf(mine.out), recapOf(ansibleRun.out), 'the same PLAY RECAP');
  assert.deepEqual(snapshot(), theirs, 'the same files, modes and links on the targets');
  for (const task of editTasks) assert.deepEqual(diffsOf(mine.out, task), diffsOf(ansibleRun.out, task), `--diff of ${task}`);
  return { ansibleRun, mine };
}

const unchanged = (rows: Record<string, number[]>) => Object.fromEntries(Object.entries(rows).map(([h, r]) => [h, r[1]]));

test("seed 002's Celery deploy on sshd hosts with --limit api_worker,api_beat --diff: ansible-playbook and playwatch give the same recap, files and diffs", async () => {
  const cwd = path.join(ROOT, 'fixtures/seed002');
  const inv = inventory(
    {
      api_worker: [['elh-worker1', 'h01'], ['elh-worker2', 'h02']],
      api_beat: [['elh-beat1', 'h03']],
      api: [['elh-api1', 'none']],
    },
    { deploy_root: `${targets}/{{ inventory_hostname }}/srv/api` },
  );
  const args = [`--inventory-file=${inv}`, 'ansible/api_worker.yml', '--limit=api_worker,api_beat', '--diff'];
  const { mine } = await compareEngines(cwd, args, [
    "deploy : Point the broker at this environment's Redis",
    "celery_beat : Beat schedules in this environment's timezone",
    'monit : Monit includes its conf.d',
  ]);
  assert.deepEqual(recapOf(mine.out), {
    'elh-beat1': [12, 9, 0, 0, 0, 0, 0],
    'elh-worker1': [16, 12, 0, 0, 0, 0, 0],
    'elh-worker2': [16, 12, 0, 0, 0, 0, 0],
  });
  assert.equal(fs.readlinkSync(path.join(targets, 'elh-worker1/srv/api/current')), 'releases/2018.06.14-3');
  assert.ok(!fs.existsSync(path.join(targets, 'elh-api1')), 'the host outside --limit is never reached');

  // Each engine finds the other's work done: nothing changes, no handler runs.
  const ansibleAgain = await ansible(cwd, args);
  assert.deepEqual(unchanged(recapOf(ansibleAgain.out)), { 'elh-beat1': 0, 'elh-worker1': 0, 'elh-worker2': 0 }, ansibleAgain.out.slice(-3000));
  const mineAgain = await playwatch(cwd, args);
  assert.deepEqual(unchanged(recapOf(mineAgain.out)), { 'elh-beat1': 0, 'elh-worker1': 0, 'elh-worker2': 0 }, mineAgain.out.slice(-3000));
  assert.equal(fs.readFileSync(path.join(targets, 'elh-worker2/srv/api/log/api_worker/worker.log'), 'utf8'), 'worker api restarted on release 2018.06.14-3\n');
});

test("seed 002 as its repository is: `ansible-playbook site.yml` and `playwatch run site.yml` with no flags (ansible.cfg's inventory directory with a script, vaulted group_vars, an inline !vault, import_playbook, FQCN names) give the same recap and files", async () => {
  // A copy per engine: each host deploys under the project's targets/ (the inventory makes deploy_root from inventory_dir).
  const copy = (name: string) => {
    const dir = path.join(work, name);
    fs.cpSync(path.join(ROOT, 'fixtures/seed002'), dir, { recursive: true, filter: (src) => path.basename(src) !== 'targets' });
    return dir;
  };
  const files = (dir: string) => {
    const root = path.join(dir, 'targets');
    const out: Record<string, string> = {};
    for (const rel of (fs.readdirSync(root, { recursive: true }) as string[]).sort()) {
      const st = fs.lstatSync(path.join(root, rel));
      out[rel] = st.isSymbolicLink() ? `link -> ${fs.readlinkSync(path.join(root, rel))}` : st.isDirectory() ? 'dir' : fs.readFileSync(path.join(root, rel), 'utf8').replaceAll(dir, '<project>');
    }
    return out;
  };
  const theirsDir = copy('seed002-ansible');
  const theirs = await ansible(theirsDir, ['site.yml']);
  assert.equal(theirs.status, 0, theirs.out.slice(-4000));
  const mineDir = copy('seed002-playwatch');
  const mine = await playwatch(mineDir, ['site.yml']);
  assert.equal(mine.status, 0, mine.out.slice(-4000));
  assert.deepEqual(recapOf(mine.out), recapOf(theirs.out), 'the same PLAY RECAP');
  assert.deepEqual(recapOf(mine.out), {
    'elh-api1': [12, 8, 0, 0, 0, 0, 0],
    'elh-beat1': [12, 9, 0, 0, 0, 0, 0],
    'elh-worker1': [16, 12, 0, 0, 0, 0, 0],
    'elh-worker2': [16, 12, 0, 0, 0, 0, 0],
  });
  assert.deepEqual(files(mineDir), files(theirsDir), 'the same files on the hosts');

  // The committed vault texts are ansible-vault's: it opens them with the project's password file.
  const view = spawnSync('ansible-vault', ['view', 'ansible/inventory/test/group_vars/all/vault.yml'], { cwd: mineDir, encoding: 'utf8' });
  assert.equal(view.status, 0, view.stderr);
  assert.match(view.stdout, /^vault_db_password: Kq7-tr0ut-Lamp-92$/m);
});

test("seed 003's Traefik role on sshd hosts (async setup, templates, health check): ansible-playbook and playwatch give the same recap and files", async () => {
  const cwd = path.join(ROOT, 'fixtures/seed003');
  const inv = inventory({ edge: [['edge1', 'h01'], ['edge2', 'h02']] }, { traefik_root: `${targets}/{{ inventory_hostname }}/opt/traefik` });
  const { mine } = await compareEngines(cwd, ['-i', inv, 'site.yml'], []);
  assert.deepEqual(recapOf(mine.out), { edge1: [11, 6, 0, 0, 0, 0, 0], edge2: [11, 6, 0, 0, 0, 0, 0] });
  assert.match(mine.out, /"msg": "edge2: OK: 3 entry points, 2 routers"/);
});

test("seed 003's phase 1 on sshd hosts: one host's bad setting stops both engines at the same task with the same recap", async () => {
  const cwd = path.join(ROOT, 'fixtures/seed003');
  const inv = inventory({ edge: [['edge1', 'h01'], ['edge2 traefik_acme_email=ops-at-example.test', 'h02']] }, { traefik_root: `${targets}/{{ inventory_hostname }}/opt/traefik` });
  fs.rmSync(targets, { recursive: true, force: true });
  const theirs = await ansible(cwd, ['-i', inv, 'site.yml']);
  const mine = await playwatch(cwd, ['-i', inv, 'site.yml']);
  assert.equal(theirs.status, 2, theirs.out.slice(-3000));
  assert.equal(mine.status, 2, mine.out.slice(-3000));
  assert.deepEqual(recapOf(mine.out), recapOf(theirs.out));
  assert.deepEqual(recapOf(mine.out), { edge1: [2, 0, 0, 0, 0, 0, 0], edge2: [1, 0, 0, 1, 0, 0, 0] });
  assert.deepEqual(snapshot(), {}, 'nothing was made on either host');
});

const TAGS: Array<[tags: string, recap: Record<string, number[]>]> = [
  // The deploy role is a dependency of celery: it runs under celery's tag. Hosts of the other play only gather facts.
  ['api_worker_daemon', { 'elh-beat1': [1, 0, 0, 0, 0, 0, 0], 'elh-worker1': [12, 8, 0, 0, 0, 0, 0], 'elh-worker2': [12, 8, 0, 0, 0, 0, 0] }],
  ['api_monit', { 'elh-beat1': [1, 0, 0, 0, 0, 0, 0], 'elh-worker1': [5, 4, 0, 0, 0, 0, 0], 'elh-worker2': [5, 4, 0, 0, 0, 0, 0] }],
  ['api_beat_daemon', { 'elh-beat1': [12, 9, 0, 0, 0, 0, 0], 'elh-worker1': [1, 0, 0, 0, 0, 0, 0], 'elh-worker2': [1, 0, 0, 0, 0, 0, 0] }],
];

for (const [tags, recap] of TAGS) {
  test(`seed 002 with --tags ${tags} (local connection): ansible-playbook and playwatch run the same tasks and leave the same files`, async () => {
    const cwd = path.join(ROOT, 'fixtures/seed002');
    const args = ['--inventory-file=ansible/inventory/local', 'ansible/api_worker.yml', '--limit=api_worker,api_beat', '--tags', tags, '-e', `deploy_root=${targets}/{{ inventory_hostname }}/srv/api`];
    const { mine } = await compareEngines(cwd, args, []);
    assert.deepEqual(recapOf(mine.out), recap);
  });
}

test('the files role (every file module; local connection): ansible-playbook and playwatch give the same recap, files and edit diffs, and each finds the other\'s work done', async () => {
  const cwd = path.join(ROOT, 'fixtures/files-role');
  // What the operating system ships on each host, edited in place by the role.
  const shipOs = () => {
    for (const h of ['app1', 'app2']) {
      fs.mkdirSync(path.join(targets, h, 'os/etc'), { recursive: true });
      fs.writeFileSync(path.join(targets, h, 'os/etc/sysctl.conf'), '# /etc/sysctl.conf\n#vm.swappiness = 60\nnet.core.somaxconn = 128\n');
      fs.writeFileSync(path.join(targets, h, 'os/etc/hosts'), '127.0.0.1 localhost\n');
    }
  };
  // fetch's controller directory sits beside the hosts' roots, so the snapshots compare what each engine fetched too.
  const vars = `app_root=${targets}/{{ inventory_hostname }}/srv/app os_root=${targets}/{{ inventory_hostname }}/os fetched_dir=${targets}/controller`;
  const args = ['-i', 'inventory.ini', 'site.yml', '--diff', '-e', vars];
  const { mine } = await compareEngines(cwd, args, ['app : Fewer swaps', 'app : A longer listen queue', 'app : Peers in /etc/hosts'], shipOs);
  assert.deepEqual(recapOf(mine.out), { app1: [28, 16, 0, 0, 0, 0, 0], app2: [27, 16, 0, 0, 0, 0, 0] });
  assert.equal(fs.readFileSync(path.join(targets, 'controller/app2/worker.conf'), 'utf8'), '[worker]\nconcurrency = 4\nqueue = default');
  assert.doesNotMatch(mine.out, /s3cr3t/);
  assert.deepEqual(unchanged(recapOf((await ansible(cwd, args)).out)), { app1: 0, app2: 0 });
  assert.deepEqual(unchanged(recapOf((await playwatch(cwd, args)).out)), { app1: 0, app2: 0 });
});
