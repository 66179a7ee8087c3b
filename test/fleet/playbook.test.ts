/**
 * Whole playbooks against the real sshd fleet (npm run test:system): the
 * engine, the SSH transport, async jobs, aborts and the deploy lock
 * together, the way an operator meets them.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetDir, fleetHosts, killHost, startHost } from './helpers.js';
import { makeProject, runIn } from '../helpers/run.js';
import { RunControl } from '../../src/engine/index.js';
import type { LockSettings } from '../../src/engine/lock.js';

const INVENTORY = path.join(fleetDir, 'inventory.ini');
const HOSTS = fleetHosts().map((h) => h.name);
const homeOf = (host: string) => path.join(fleetDir, host, 'home');
import { processesGone } from '../helpers/ps.js';

function lock(run: string): LockSettings {
  return {
    holder: { user: 'fleet-test', controller: os.hostname(), pid: process.pid, run, playbook: 'site.yml', started: Math.floor(Date.now() / 1000) },
    breakStale: false,
    staleAfterSec: 3600,
  };
}

async function runFleet(playbook: string, extra: Parameters<typeof runIn>[1] = {}) {
  const dir = makeProject({ 'site.yml': playbook });
  return runIn(dir, { inventory: [INVENTORY], forks: 10, ...extra });
}

after(() => {
  // Leave every host up for the next test file, whatever happened here.
  for (const h of HOSTS) if (!fs.existsSync(path.join(fleetDir, h, 'sshd.pid'))) startHost(h);
});

const DEMO = `
- name: Deploy over ssh
  hosts: fleet
  tasks:
    - name: Create the release directories
      shell: mkdir -p "$HOME/releases/{{ item }}"
      loop: [bin, conf, logs]
    - name: Write the config
      shell: echo "host={{ inventory_hostname }} user={{ ansible_user_id }}" > "$HOME/app.conf"
      notify: restart
    - name: Probe until healthy
      shell: n=$(cat "$HOME/probe" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$HOME/probe"; [ $n -ge 2 ]
      register: probe
      until: probe.rc == 0
      retries: 3
      delay: 1
    - block:
        - {name: Fail on purpose, command: "false"}
      rescue:
        - {name: Recover, command: "true"}
  handlers:
    - name: restart
      shell: echo restarted >> "$HOME/app.log"
`;

test('the demo-style playbook succeeds on all ten hosts over ssh, each lock taken and given back', async () => {
  for (const h of HOSTS) fs.rmSync(path.join(homeOf(h), 'probe'), { force: true });
  const run = await runFleet(DEMO, { lock: lock('fleet-demo'), delayScale: 0.2 });
  assert.equal(run.exitCode, 0, JSON.stringify(run.of('host.failed').map((e) => [e.host, e.result.msg])));
  assert.equal(Object.keys(run.stats).length, 10);
  for (const h of HOSTS) {
    assert.equal(run.stats[h].rescued, 1);
    assert.equal(fs.readFileSync(path.join(homeOf(h), 'app.conf'), 'utf8'), `host=${h} user=root\n`);
    assert.equal(fs.existsSync(path.join(homeOf(h), '.playwatch', 'lock')), false, `${h} lock released`);
  }
});

test('a host whose sshd dies mid-run is unreachable and the other nine finish (exit 4)', async () => {
  const victim = HOSTS[2];
  let killed = false;
  try {
    const run = await runFleet(
      `
- hosts: fleet
  gather_facts: false
  tasks:
    - {name: slow, command: sleep 1}
    - {name: after, command: "true"}
`,
      {
        onEvent: (e) => {
          if (!killed && e.type === 'host.start' && e.task.name === 'slow') {
            killed = true;
            setTimeout(() => killHost(victim), 300);
          }
        },
      },
    );
    assert.equal(run.exitCode, 4);
    assert.equal(run.stats[victim].unreachable, 1);
    assert.deepEqual(Object.keys(run.results('after')).sort(), HOSTS.filter((h) => h !== victim));
    assert.equal(run.events.at(-1)!.type, 'run.end');
    assert.match(run.plain, new RegExp(`${victim} +: ok=0 +changed=0 +unreachable=1`));
  } finally {
    startHost(victim);
  }
});

test('a command that hangs is failed by the task timeout, and its process group is gone', async () => {
  const tag = `pw-fleet-timeout-${process.pid}`;
  const run = await runFleet(`
- hosts: h01
  gather_facts: false
  tasks:
    - {name: hang, shell: "sleep 30 # ${tag}", timeout: 1}
`);
  assert.equal(run.results('hang').h01, 'failed');
  assert.match(String(run.of('host.failed')[0].result.msg), /did not finish within the task timeout/);
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(await processesGone(tag));
});

test('become via sudo runs the command as the become_user', async (t) => {
  if (!fs.existsSync('/usr/bin/sudo')) assert.fail('sudo is not installed (.ci/run installs it)');
  const run = await runFleet(`
- hosts: h02
  gather_facts: false
  tasks:
    - {name: who, command: whoami, become: true, become_user: nobody, register: w}
`);
  assert.equal(run.of('host.ok').find((e) => e.task.name === 'who')?.result.stdout, 'nobody');
  void t;
});

test('async jobs over ssh: polled, fired and forgotten, then waited for and cleaned up', async () => {
  const run = await runFleet(
    `
- hosts: fleet
  gather_facts: false
  tasks:
    - {name: polled, shell: "sleep 1; echo polled-{{ inventory_hostname }}", async: 10, poll: 1}
    - {name: fire, shell: "sleep 1; echo fired", async: 10, poll: 0, register: job}
    - name: wait
      async_status: jid={{ job.ansible_job_id }}
      register: r
      until: r.finished
      retries: 10
      delay: 1
    - {name: clean, async_status: "jid={{ job.ansible_job_id }} mode=cleanup"}
`,
    { delayScale: 1 },
  );
  assert.equal(run.exitCode, 0, JSON.stringify(run.of('host.failed').map((e) => [e.host, e.result.msg])));
  // Each host's two jobs end once each in the views: the polled one by its
  // own polls, the fired one when the wait task's async_status sees it end.
  const done = run.of('async.done');
  assert.equal(done.length, 20);
  assert.equal(new Set(done.map((e) => e.jid)).size, 20);
  assert.equal(done.filter((e) => e.task.name === 'wait' && e.rc === 0).length, 10);
  assert.equal(run.of('host.ok').find((e) => e.task.name === 'polled' && e.host === 'h05')?.result.stdout, 'polled-h05');
  for (const h of HOSTS) {
    const dir = path.join(homeOf(h), '.playwatch_async');
    assert.deepEqual(fs.existsSync(dir) ? fs.readdirSync(dir) : [], [], `${h} has no job files left`);
  }
});

test('kill over ssh leaves no process of the run on any host, async jobs included', async () => {
  const tag = `pw-fleet-kill-${process.pid}`;
  const control = new RunControl();
  let fired = false;
  const run = await runFleet(
    `
- hosts: fleet
  gather_facts: false
  tasks:
    - {name: job, shell: "exec sleep 60 # ${tag}-job", async: 120, poll: 0}
    - {name: hang, shell: "sleep 60 # ${tag}-cmd"}
`,
    {
      control,
      onEvent: (e) => {
        if (!fired && e.type === 'host.start' && e.task.name === 'hang') {
          fired = true;
          setTimeout(() => control.kill('test'), 500);
        }
      },
    },
  );
  assert.equal(run.exitCode, 99);
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(await processesGone(`${tag}-cmd`), 'no command left');
  assert.ok(await processesGone(`${tag}-job`), 'no async job left');
});

test('a second run against the same fleet is refused by the lock on every host', async () => {
  // The lock is taken with a host's first command: the second run starts when
  // the first is in its second task everywhere.
  const slow = `
- hosts: fleet
  gather_facts: false
  tasks:
    - {name: first, command: "true"}
    - {name: slow, command: sleep 1.5}
`;
  let started!: () => void;
  const holding = new Promise<void>((r) => (started = r));
  let seen = 0;
  const first = runFleet(slow, {
    lock: lock('fleet-one'),
    onEvent: (e) => {
      if (e.type === 'host.start' && e.task.name === 'slow' && ++seen === HOSTS.length) started();
    },
  });
  await holding;
  const second = await runFleet(slow, { lock: lock('fleet-two') });
  const one = await first;
  assert.equal(one.exitCode, 0, JSON.stringify(one.events.filter((e) => e.type === 'host.failed' || e.type === 'host.unreachable' || e.type === 'warning')));
  assert.equal(second.of('host.failed').filter((e) => e.result.locked).length, 10);
  assert.equal(second.exitCode, 2);
});

test('drain over ssh lets the running task finish everywhere and starts nothing new', async () => {
  const control = new RunControl();
  let fired = false;
  const run = await runFleet(
    `
- hosts: fleet
  gather_facts: false
  tasks:
    - {name: slow, command: sleep 1}
    - {name: next, command: "true"}
`,
    {
      control,
      onEvent: (e) => {
        if (!fired && e.type === 'host.start' && e.task.name === 'slow') {
          fired = true;
          setTimeout(() => control.drain('test'), 300);
        }
      },
    },
  );
  assert.equal(run.exitCode, 99);
  assert.equal(Object.values(run.results('slow')).filter((r) => r === 'changed').length, 10);
  assert.deepEqual(run.results('next'), {});
  assert.deepEqual(run.resume?.at, [{ task: 'slow', hosts: HOSTS }]);
});
