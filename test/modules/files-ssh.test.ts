/**
 * copy and template over SSH (the in-process ssh2 server): content arrives
 * intact through stdin, a second run changes nothing and costs one exec per
 * task, and --diff shows the change in plain output.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeFixture, type Fixture } from '../transport/ssh-helpers.js';
import { makeProject, runIn } from '../helpers/run.js';

let fx: Fixture;
before(async () => {
  fx = await makeFixture();
});
after(async () => {
  await fx.cleanup();
});

const PLAY = (root: string) => `- hosts: web1
  gather_facts: false
  tasks:
    - name: config dir
      file: {path: ${root}/etc, state: directory, mode: '0750'}
    - name: static file
      copy: {src: motd, dest: ${root}/etc/, mode: '0644'}
    - name: generated file
      copy: {content: "{{ secret_line }}\\n", dest: ${root}/etc/token, mode: '0600'}
      no_log: true
    - name: rendered config
      template: {src: app.conf.j2, dest: ${root}/etc/app.conf, backup: true}
      register: rendered
    - name: looked at
      stat: {path: ${root}/etc/app.conf}
      register: st
    - assert:
        that: [st.stat.exists, st.stat.checksum == rendered.checksum, "st.stat.mode == '0644' or st.stat.mode == '0664' or st.stat.mode == '0640'"]
`;

test('copy and template over ssh: written, idempotent in one exec per task, with diffs but none for no_log', async () => {
  const root = path.join(fx.dir, 'h-web1');
  const dir = makeProject({
    'inventory.ini': `[web]\nweb1 ansible_host=127.0.0.1 ansible_port=${fx.server.port} ansible_user=tester ` +
      `ansible_ssh_private_key_file=${fx.keyFile} playwatch_known_hosts=${fx.knownHosts} workers=4\n`,
    'site.yml': PLAY(root),
    'files/motd': 'Welcome\u00e9 \u2014 binary-safe? no, utf-8\n',
    'templates/app.conf.j2': '# {{ ansible_managed }}\nworkers={{ workers }}\nhost={{ inventory_hostname }}\n',
  });
  const first = await runIn(dir, { diff: true, extraVars: { secret_line: 'token-abcdef-123456' } });
  assert.equal(first.exitCode, 0, JSON.stringify(first.of('host.failed').map((e) => e.result.msg)));
  assert.equal(fs.readFileSync(path.join(root, 'etc/motd'), 'utf8'), 'Welcome\u00e9 \u2014 binary-safe? no, utf-8\n');
  assert.equal(fs.readFileSync(path.join(root, 'etc/app.conf'), 'utf8'), '# Ansible managed\nworkers=4\nhost=web1\n');
  assert.equal(fs.readFileSync(path.join(root, 'etc/token'), 'utf8'), 'token-abcdef-123456\n');
  assert.equal(fs.statSync(path.join(root, 'etc/token')).mode & 0o777, 0o600);
  assert.match(first.plain, /TASK \[rendered config\] \**\n.*\n--- before\n\+\+\+ after: .*app\.conf\.j2\n@@ -0,0 \+1,3 @@\n\+# Ansible managed\n\+workers=4\n\+host=web1\n\nchanged: \[web1\]/);
  assert.doesNotMatch(first.plain, /token-abcdef/);
  assert.doesNotMatch(first.plain.split('TASK [generated file]')[1].split('TASK [')[0], /^[-+@]/m);
  assert.equal(first.of('host.command').some((e) => /token-abcdef/.test(JSON.stringify(e))), false, 'content never travels in a command line');

  fs.writeFileSync(path.join(dir, 'templates/app.conf.j2'), '# {{ ansible_managed }}\nworkers={{ workers * 2 }}\nhost={{ inventory_hostname }}\n');
  const execsBefore = fx.server.execs.length;
  const second = await runIn(dir, { diff: true, extraVars: { secret_line: 'token-abcdef-123456' } });
  assert.equal(second.exitCode, 0);
  assert.deepEqual(second.stats.web1 && { changed: second.stats.web1.changed }, { changed: 1 });
  assert.match(second.plain, /--- before: .*etc\/app\.conf\n\+\+\+ after: .*app\.conf\.j2\n@@ -1,3 \+1,3 @@\n # Ansible managed\n-workers=4\n\+workers=8\n host=web1\n/);
  // One command per unchanged file task, two for the changed template, one for stat; assert runs on the controller.
  // (In exec mode the server sees each as an exec request; in shell mode they share one session.)
  const commands = second.of('host.command').filter((e) => !/playwatch\/lock|\.playwatch\/lock/.test(e.command)).length;
  assert.equal(commands, 3 + 2 + 1, second.of('host.command').map((e) => e.command.slice(0, 60)).join('\n'));
  assert.ok(fx.server.execs.length - execsBefore <= 3 + 2 + 1);
  const backups = fs.readdirSync(path.join(root, 'etc')).filter((n) => n.startsWith('app.conf.') && n.endsWith('~'));
  assert.equal(backups.length, 1);
  assert.equal(fs.readFileSync(path.join(root, 'etc', backups[0]), 'utf8'), '# Ansible managed\nworkers=4\nhost=web1\n');
});
