import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlaybook } from '../../src/playbook/index.js';
import { loadModules, moduleInfo } from '../../src/modules/index.js';
import { debugMsgs, runIn, type TestRun } from '../helpers/run.js';

// Every module's code, so the synchronous loader and validate can check args (a run loads only what it names).
await loadModules();

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

const SEED002 = path.join(FIXTURES, 'seed002/ansible');
const SEED003 = path.join(FIXTURES, 'seed003');

const taskNames = (run: TestRun) =>
  [...new Set(run.events.filter((e) => (e.type === 'task.start' || e.type === 'handler.start') && e.task.role).map((e) => ('task' in e ? `${e.task.role} : ${e.task.name}` : '')))];
const read = (run: TestRun, host: string, rel: string) => fs.readFileSync(path.join(run.hostsDir, host, rel), 'utf8');

test("seed 002 with --tags api_worker_daemon --limit api_worker runs the celery role and the deploy role it depends on, not monit", async () => {
  const run = await runIn(SEED002, { playbook: 'api_worker.yml', inventory: ['inventory/local'], tags: ['api_worker_daemon'], limit: 'api_worker' });
  assert.equal(run.exitCode, 0, run.plain);
  assert.deepEqual(taskNames(run), [
    'deploy : Release, shared and log directories',
    'deploy : Unpack the release',
    'deploy : Shared settings, on the first deploy only',
    "deploy : Point the broker at this environment's Redis",
    'deploy : Link the release as current',
    'deploy : Read the current release',
    'deploy : The current release is the one unpacked',
    'celery : Worker config',
    'celery : Worker service unit',
    'celery : Each queue is in the worker config',
    'celery : restart celery worker',
  ]);
  assert.deepEqual(Object.keys(run.stats).sort(), ['elh-worker1', 'elh-worker2']);
  // vars_files beat the role defaults: three queues and concurrency 4.
  assert.match(read(run, 'elh-worker1', 'srv/api/shared/config/celery-worker.conf'), /^queues=default,emails,reports\nconcurrency=4\n/m);
  assert.equal(read(run, 'elh-worker2', 'srv/api/log/api_worker/worker.log'), 'worker api restarted on release 2018.06.14-3\n');
  assert.ok(!fs.existsSync(path.join(run.hostsDir, 'elh-worker1', 'srv/api/etc/monit')), 'monit is tagged api_monit');
});

test("seed 002 as Jenkins runs it (--limit api_worker,api_beat --diff): the release linked as current, the shared config edited, a second run changes nothing", async () => {
  const run = await runIn(SEED002, { playbook: 'api_worker.yml', inventory: ['inventory/local'], limit: 'api_worker,api_beat', diff: true });
  assert.equal(run.exitCode, 0, run.plain);
  const recap = Object.fromEntries(Object.entries(run.stats).map(([h, s]) => [h, [s.ok, s.changed, s.failed]]));
  // The same numbers ansible-playbook gives (the system tests compare them on the sshd fleet).
  assert.deepEqual(recap, { 'elh-worker1': [16, 12, 0], 'elh-worker2': [16, 12, 0], 'elh-beat1': [12, 9, 0] });
  for (const host of ['elh-worker1', 'elh-beat1']) {
    assert.equal(fs.readlinkSync(path.join(run.hostsDir, host, 'srv/api/current')), 'releases/2018.06.14-3');
    assert.equal(read(run, host, 'srv/api/current/VERSION'), 'app=api\nrelease=2018.06.14-3\n');
  }
  const timezone = { 'elh-worker1': 'UTC', 'elh-beat1': 'Europe/Amsterdam' };
  for (const [host, tz] of Object.entries(timezone)) {
    assert.equal(read(run, host, 'srv/api/shared/config/settings.ini'), `[api]\nDEBUG=false\nBROKER_URL=redis://redis.mgt.gen.local:6379/0\nTIMEZONE=${tz}\n`);
  }
  assert.equal(read(run, 'elh-worker2', 'srv/api/etc/monit/monitrc'), '# BEGIN ANSIBLE MANAGED BLOCK\nset daemon 30\ninclude srv/api/etc/monit/conf.d/*\n# END ANSIBLE MANAGED BLOCK\n');
  assert.equal(read(run, 'elh-beat1', 'srv/api/log/api_beat/stdout.log'), 'beat api restarted on release 2018.06.14-3\n');
  assert.ok(!fs.existsSync(path.join(run.hostsDir, 'elh-api1')), 'elh-api1 is outside the limit');
  // --diff shows the edit of the shared config, as Jenkins' console did.
  assert.match(run.plain, /TASK \[deploy : Point the broker at this environment's Redis\] \**\n.*\n--- before: srv\/api\/shared\/config\/settings\.ini \(content\)\n\+\+\+ after: srv\/api\/shared\/config\/settings\.ini \(content\)\n@@ -1,4 \+1,4 @@\n \[api\]\n DEBUG=false\n-BROKER_URL=redis:\/\/localhost:6379\/0\n\+BROKER_URL=redis:\/\/redis\.mgt\.gen\.local:6379\/0\n/);

  // A passing assert is shown, as ansible-core shows it unless `quiet`.
  assert.match(run.plain, /^ok: \[elh-worker1\] => \{\n    "changed": false,\n    "msg": "All assertions passed"\n\}$/m);

  const again = await runIn(SEED002, { playbook: 'api_worker.yml', inventory: ['inventory/local'], limit: 'api_worker,api_beat', diff: true, hostsDir: run.hostsDir });
  assert.equal(again.exitCode, 0, again.plain);
  assert.deepEqual(Object.values(again.stats).map((s) => s.changed), [0, 0, 0]);
  assert.equal(read(again, 'elh-beat1', 'srv/api/log/api_beat/stdout.log'), 'beat api restarted on release 2018.06.14-3\n', 'no handler ran again');
});

test("seed 003's Traefik role: validations, async setup steps waited for with async_status, templates, a health check that passes", async () => {
  const run = await runIn(SEED003, { delayScale: 1 });
  assert.equal(run.exitCode, 0, run.plain);
  assert.deepEqual(debugMsgs(run, 'Phase 6 | Report'), { edge1: 'edge1: OK: 3 entry points, 2 routers', edge2: 'edge2: OK: 3 entry points, 2 routers' });
  // The three jobs started before the binary was copied and were still running then: the copy did not wait for them.
  const started = run.of('async.start').filter((e) => e.host === 'edge1');
  assert.equal(started.length, 3);
  const copied = run.of('host.ok').find((e) => e.host === 'edge1' && e.task.name === 'Phase 2 | Install the binary')!;
  const done = run.of('async.done').filter((e) => e.host === 'edge1');
  assert.equal(done.length, 3);
  assert.ok(done.every((d) => d.at > copied.at), 'every job finished after the copy');
  const root = path.join(run.hostsDir, 'edge2', 'srv/traefik');
  assert.match(fs.readFileSync(path.join(root, 'config/traefik.yml'), 'utf8'), /^  websecure:\n    address: ":443"\n/m);
  assert.equal(fs.statSync(path.join(root, 'config/dynamic')).mode & 0o777, 0o777 & ~process.umask(), 'a job makes directories as the command alone would');
  assert.equal(fs.statSync(path.join(root, 'acme/acme.json')).mode & 0o777, 0o600);
  assert.equal(fs.readFileSync(path.join(root, 'logs/traefik.log'), 'utf8'), 'traefik restarted\n', 'flush_handlers restarted it before the health check');
});

test("seed 003's phase 1 fails fast: one host's bad setting stops every host before anything is changed", async () => {
  const inventory = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pw-seed003-')), 'inventory.ini');
  fs.writeFileSync(inventory, fs.readFileSync(path.join(SEED003, 'inventory.ini'), 'utf8').replace(/^edge2$/m, 'edge2 traefik_acme_email=ops-at-example.test'));
  const run = await runIn(SEED003, { inventory: [inventory] });
  assert.equal(run.exitCode, 2);
  assert.deepEqual(run.results('Phase 1 | The settings are usable'), { edge1: 'ok', edge2: 'failed' });
  assert.equal(run.of('host.failed')[0].result.msg, 'traefik settings are not usable: domain=example.test acme_email=ops-at-example.test');
  assert.deepEqual(run.results('Phase 1 | Entry point ports are distinct'), {}, 'no host goes on');
  for (const host of ['edge1', 'edge2']) assert.ok(!fs.existsSync(path.join(run.hostsDir, host, 'srv')), `${host} untouched`);
});

test("seed 001's corrected exercises parse into task-level async", () => {
  for (const ex of ['ex1.yml', 'ex2.yml', 'ex3.yml', 'ex4.yml']) {
    const pb = loadPlaybook(path.join(FIXTURES, 'seed001', ex), { rolesPath: [], modules: moduleInfo });
    const monitor = pb.plays[2].sections.flatMap((s) => s.tasks)[0];
    assert.equal(monitor.kind, 'task');
    if (monitor.kind === 'task') assert.ok(monitor.async !== undefined, `${ex}: async is on the task`);
  }
});

test("seed 001's original plays are rejected where the task keyword sits on the play", () => {
  assert.throws(
    () => loadPlaybook(path.join(FIXTURES, 'seed001/original/ex1.yml'), { rolesPath: [], modules: moduleInfo }),
    /original\/ex1\.yml:13:3: 'command' is not a valid attribute for a play: it belongs to a task/,
  );
  assert.throws(
    () => loadPlaybook(path.join(FIXTURES, 'seed001/original/ex2.yml'), { rolesPath: [], modules: moduleInfo }),
    /original\/ex2\.yml:5:3: 'command' is not a valid attribute for a play/,
  );
});
