/**
 * A role shaped like seed 003's Traefik role, built from the deploy
 * modules: a package (the test's own .deb from a file repository), a
 * service user, config templates, a systemd unit, `daemon_reload`, a
 * restart handler, `wait_for` the port and a `uri` health check. It runs
 * twice on one fleet host through playwatch and through ansible-playbook:
 * the second run changes nothing, and both engines agree on every status
 * and the recap. systemd is not PID 1 here: `systemctl` is the recording
 * stand-in; the "service" answering on the port is the test's HTTP server.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fleetProject, runAnsible, runPlaywatch, sh, statuses, type EngineRun } from './oracle.js';
import { makeDebRepo, purgeTestPkg, installedVersion, TEST_PKG } from '../helpers/deb-repo.js';
import { makeStandIn } from '../helpers/systemctl-standin.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const ROOT = '/tmp/pw-test-webapp';
const USER = 'pw_test_webapp';

const TASKS = `- name: Package
  apt: name=${TEST_PKG} state=present
  environment: {APT_CONFIG: "{{ apt_config }}"}

- name: Service user
  user: name=${USER} system=true create_home=false shell=/usr/sbin/nologin

- name: Directories
  file: path={{ item }} state=directory mode=0755
  loop: ["{{ webapp_root }}", "{{ webapp_root }}/config", "{{ webapp_root }}/units"]

- name: Configuration
  template: src={{ item }}.j2 dest={{ webapp_root }}/config/{{ item }} mode=0644
  loop: [webapp.yml, routes.yml]
  notify: restart webapp

- name: Unit file
  template: src=webapp.service.j2 dest={{ webapp_root }}/units/webapp.service mode=0644
  register: unit
  notify: restart webapp

- name: Service enabled and started
  systemd: name=webapp daemon_reload={{ unit is changed }} enabled=true state=started
  environment: {PATH: "{{ standin_bin }}:/usr/sbin:/usr/bin:/sbin:/bin"}

- name: Restart before the health check
  meta: flush_handlers

- name: Port answers
  wait_for: host=127.0.0.1 port={{ webapp_port }} timeout=20

- name: Health
  uri: url=http://127.0.0.1:{{ webapp_port }}/json return_content=true
  register: health

- name: Report
  debug: msg="{{ health.json.name }} ok={{ health.json.ok }}"
`;

const FILES = (standinBin: string, aptConfig: string, port: number): Record<string, string> => ({
  'group_vars/all.yml': `webapp_root: ${ROOT}\nwebapp_port: ${port}\nstandin_bin: ${standinBin}\napt_config: ${aptConfig}\n`,
  'roles/webapp/tasks/main.yml': TASKS,
  'roles/webapp/handlers/main.yml': `- name: restart webapp
  systemd: name=webapp state=restarted
  environment: {PATH: "{{ standin_bin }}:/usr/sbin:/usr/bin:/sbin:/bin"}
`,
  'roles/webapp/templates/webapp.yml.j2': 'listen: 127.0.0.1:{{ webapp_port }}\nuser: ' + USER + '\n',
  'roles/webapp/templates/routes.yml.j2': '{% for r in routes %}- {{ r }}\n{% endfor %}',
  'roles/webapp/defaults/main.yml': 'routes: [api, ci, metrics]\n',
  'roles/webapp/templates/webapp.service.j2': `[Unit]
Description=webapp
[Service]
User=${USER}
ExecStart=/opt/webapp/bin/webapp --config {{ webapp_root }}/config/webapp.yml
[Install]
WantedBy=multi-user.target
`,
});

const PLAYBOOK = `- hosts: all
  gather_facts: false
  roles: [webapp]
`;

function clean(): void {
  purgeTestPkg();
  sh(`userdel ${USER} 2>/dev/null || true; rm -rf ${ROOT}`);
}

after(clean);

// The "service": an HTTP server in a process of its own, apart from both engines.
const SERVER = `require('http').createServer((q, r) => { r.setHeader('Content-Type', 'application/json'); r.end(JSON.stringify({ name: 'web', ok: true })); })
  .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;

async function startService(): Promise<{ port: number; close(): void }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { port: Number(chunk.toString().trim()), close: () => child.kill() };
}

async function twice(engine: 'playwatch' | 'ansible'): Promise<[EngineRun, EngineRun, string[]]> {
  clean();
  const http = await startService();
  const standin = makeStandIn({ webapp: {} });
  const repo = makeDebRepo(['1.0']);
  try {
    const p = fleetProject(PLAYBOOK, FILES(standin.bin, repo.aptConfig, http.port));
    const run = () => (engine === 'playwatch' ? runPlaywatch(p) : runAnsible(p));
    const first = await run();
    const calls = standin.calls().filter((c) => !/^(show|is-active|is-enabled|list-unit-files)\b/.test(c));
    const second = await run();
    assert.deepEqual(standin.unit('webapp'), { active: true, enabled: true, masked: false }, `${engine}: the unit is enabled and running`);
    assert.equal(installedVersion(), '1.0', `${engine}: the package is installed`);
    assert.ok(fs.existsSync(`${ROOT}/units/webapp.service`));
    return [first, second, calls];
  } finally {
    http.close();
    fs.rmSync(standin.dir, { recursive: true, force: true });
    fs.rmSync(repo.dir, { recursive: true, force: true });
  }
}

test('the Traefik-shaped role deploys, and its second run changes nothing, as in ansible-playbook', async () => {
  const [pw1, pw2, pwCalls] = await twice('playwatch');
  const [an1, an2, anCalls] = await twice('ansible');
  const host = Object.keys(pw1.recap)[0]!;

  assert.equal(pw2.recap[host]!.changed, 0, `second run:\n${pw2.log}`);
  assert.equal(pw2.recap[host]!.failed, 0);
  assert.deepEqual(statuses(pw1), statuses(an1), `first run statuses\n${an1.log}`);
  assert.deepEqual(statuses(pw2), statuses(an2), 'second run statuses');
  assert.deepEqual(pw1.recap, an1.recap, 'first recap');
  assert.deepEqual(pw2.recap, an2.recap, 'second recap');
  // The handler ran once, after daemon-reload, enable and start, in both engines.
  assert.deepEqual(pwCalls, anCalls, 'systemctl calls that change something');
  assert.ok(pwCalls.some((c) => c.startsWith('restart webapp')), pwCalls.join('\n'));
  assert.equal(pw1.tasks.get('Report')?.result.msg, an1.tasks.get('Report')?.result.msg);
  assert.match(String(pw1.tasks.get('Report')?.result.msg), /^web ok=/);
});
