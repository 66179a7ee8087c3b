/**
 * Ctrl-C twice in plain mode (once: test/cli/cli.test.ts), and a run with
 * no terminal at all (stdout a pipe, no CI variable, no --ui).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cli, events, project } from './cli.js';
import { processesGone } from '../helpers/ps.js';

test('Ctrl-C twice: the first drains, the second kills the running command on every host at once (exit 99, nothing started after)', async () => {
  const marker = `57.${process.pid}${Math.floor(Math.random() * 1000)}`;
  const dir = project({
    'inventory.ini': '[all]\na ansible_connection=local playwatch_local_root=hosts/a\nb ansible_connection=local playwatch_local_root=hosts/b\n',
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: long, command: sleep ${marker}}
    - {name: after, command: "true"}
`,
  });
  const started = Date.now();
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain'], {
    when: /TASK \[long\]/,
    act: (child) => {
      setTimeout(() => child.kill('SIGINT'), 300);
      setTimeout(() => child.kill('SIGINT'), 800);
    },
  });
  assert.equal(r.code, 99, r.out + r.err);
  assert.ok(Date.now() - started < 20_000, 'the kill did not wait for the 57 s command');
  const aborts = events(dir).filter((e) => e.type === 'abort.requested').map((e) => e.mode);
  assert.deepEqual(aborts, ['drain', 'kill']);
  assert.match(r.err, /draining: running tasks finish, nothing new starts \(Ctrl-C again to kill\)[\s\S]*killing running commands/);
  assert.doesNotMatch(r.out, /TASK \[after\]/);
  assert.ok(await processesGone(`sleep ${marker}`), 'no command left running');
});

test('no terminal at all (stdout a pipe, no CI, no --ui): plain output, no escape sequence, no prompt, exit as usual', async () => {
  const dir = project({
    'inventory.ini': 'a ansible_connection=local\n',
    'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - {name: hello, debug: {msg: hi}}\n',
  });
  // cli() gives the child pipes for stdin, stdout and stderr; CI is unset here.
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini'], { env: { CI: '' } });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /TASK \[hello\][\s\S]*ok: \[a\][\s\S]*PLAY RECAP/);
  assert.doesNotMatch(r.out + r.err, /\x1b/);
  assert.ok(fs.existsSync(path.join(dir, '.playwatch', 'runs')));
});
