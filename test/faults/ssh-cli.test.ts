/**
 * SSH faults an operator meets at the command line, against the in-process
 * ssh2 server: an unknown host key with no terminal to ask on, and a
 * server whose greeting and banner carry escape sequences.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeFixture, type Fixture } from '../transport/ssh-helpers.js';
import { cli, project, runDirs } from './cli.js';

const fixtures: Fixture[] = [];
after(async () => {
  await Promise.all(fixtures.map((f) => f.cleanup()));
});

const SITE = `
- hosts: all
  gather_facts: false
  tasks:
    - {name: hello, command: echo hello}
`;

function inventory(fx: Fixture, knownHosts: string): string {
  return `web1 ansible_host=127.0.0.1 ansible_port=${fx.server.port} ansible_user=tester ansible_ssh_private_key_file=${fx.keyFile} playwatch_known_hosts=${knownHosts}\n`;
}

test('an unknown host key with no terminal fails the host closed at once: no prompt, the fingerprint and the way forward, known_hosts untouched (exit 4)', async () => {
  const fx = await makeFixture();
  fixtures.push(fx);
  const dir = project({ 'site.yml': SITE });
  const known = path.join(dir, 'known_hosts');
  fs.writeFileSync(known, '');
  fs.writeFileSync(path.join(dir, 'inventory.ini'), inventory(fx, known));
  const started = Date.now();
  // stdin is a pipe nobody writes to: a prompt would hang until the test's timeout.
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain'], { timeoutMs: 20_000 });
  assert.equal(r.code, 4, r.out + r.err);
  assert.ok(Date.now() - started < 15_000);
  assert.match(r.out, /UNREACHABLE!.*Host key for web1 .* is not known: SHA256:\S+\. Add it to .*known_hosts or pass --accept-new-host-keys/);
  assert.doesNotMatch(r.out + r.err, /\(yes\/no|continue connecting/i);
  assert.equal(fs.readFileSync(known, 'utf8'), '');
  assert.equal(fx.server.users.length, 0, 'nothing was sent to authenticate');
});

test("escape sequences in the server's greeting and banner reach no view: the banner is not shown at all", async () => {
  const evil = 'Welcome \x1b]52;c;aGk=\x07 \x1b[2J \x9b31m \x1b]8;;http://evil/\x07click\x1b]8;;\x07';
  const fx = await makeFixture({ greeting: evil, banner: evil });
  fixtures.push(fx);
  const dir = project({ 'site.yml': SITE, 'inventory.ini': inventory(fx, fx.knownHosts) });
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', '-vvvv']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /"stdout": "hello"|hello/);
  assert.doesNotMatch(r.out + r.err, /[\x1b\x07\x80-\x9f]/);
  assert.doesNotMatch(r.out + r.err, /Welcome/);
  const runDir = runDirs(dir)[0]!;
  assert.doesNotMatch(fs.readFileSync(path.join(runDir, 'run.log'), 'utf8'), /[\x1b\x07\x80-\x9f]|Welcome/);
});

test('-vvv says which SSH mode each command used: --ssh-mode, else ssh_mode in playwatch.yml', async () => {
  const fx = await makeFixture();
  fixtures.push(fx);
  const cases: [string, string[], Record<string, string>, string][] = [
    ['the flag', ['--ssh-mode', 'exec'], {}, 'exec'],
    ['the flag', ['--ssh-mode', 'shell'], {}, 'shell'],
    ['playwatch.yml', [], { 'playwatch.yml': 'ssh_mode: exec\n' }, 'exec'],
    ['the flag over playwatch.yml', ['--ssh-mode', 'shell'], { 'playwatch.yml': 'ssh_mode: exec\n' }, 'shell'],
  ];
  for (const [name, flags, files, mode] of cases) {
    const dir = project({ 'site.yml': SITE, 'inventory.ini': inventory(fx, fx.knownHosts), ...files });
    const execsBefore = fx.server.execs.length;
    const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', '-vvv', ...flags]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, new RegExp(`^<web1> EXEC .*echo.*hello.* \\(rc=0, \\d+ ms, ${mode} mode\\)$`, 'm'), `${name}: ${mode}`);
    const sessions = fx.server.execs.slice(execsBefore).filter((c) => c === 'exec /bin/sh').length;
    assert.equal(sessions > 0, mode === 'shell', `${name}: sessions opened`);
  }
  const bad = project({ 'site.yml': SITE, 'inventory.ini': inventory(fx, fx.knownHosts) });
  const r = await cli(bad, ['run', 'site.yml', '-i', 'inventory.ini', '--ssh-mode', 'pipe']);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /--ssh-mode.*pipe.*(exec|shell)/s);
});
