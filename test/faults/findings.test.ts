/**
 * Issue 20, finding 5, one test per point, each through the command line
 * (or, for the TUI's host table, its component): each fails on round 1's
 * code (commit 7398e8d) and passes now. docs/RELIABILITY.md links here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { alive, cli, project, STACK, until } from './cli.js';

const SITE = `
- hosts: all
  gather_facts: false
  tasks:
    - {name: hello, debug: {msg: hi}}
`;

// A terminal acts on these: ESC, BEL, CSI (8-bit), and the OSC 52 clipboard write they make up.
const TERMINAL_CONTROL = /[\x1b\x07\x9b]/;

test('a symbolic link loop in an inventory directory is one clear error (exit 1, no stack trace, nothing run)', async (t) => {
  const cases: Array<[string, Record<string, string>]> = [
    ['a link to its own directory', { 'inv/loop': '.' }],
    ['two links to each other', { 'inv/a': 'b', 'inv/b': 'a' }],
    ['a link to a parent', { 'inv/sub/up': '..' }],
  ];
  for (const [name, links] of cases) {
    await t.test(name, async () => {
      const dir = project({ 'site.yml': SITE, 'inv/hosts': 'h1 ansible_connection=local\n' });
      for (const [at, to] of Object.entries(links)) {
        fs.mkdirSync(path.dirname(path.join(dir, at)), { recursive: true });
        fs.symlinkSync(to, path.join(dir, at));
      }
      const r = await cli(dir, ['run', 'site.yml', '-i', 'inv', '--ui', 'plain']);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /^ERROR! inventory .*symbolic link loop/m);
      assert.doesNotMatch(r.err, STACK);
      assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
      assert.doesNotMatch(r.out, /TASK \[/);
    });
  }
});

test('the lines printed at the end drive no terminal: resume commands carry a hostile task name and -e value in pasteable $\'…\' form', async () => {
  const hostile = 'deploy \x1b]52;c;aGk=\x07 \x1b[2J\x9b2J';
  const dir = project({
    'inventory.ini': '[all]\na ansible_connection=local playwatch_local_root=hosts/a\nb ansible_connection=local playwatch_local_root=hosts/b\n',
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: first, debug: {msg: one}}
    - name: ${JSON.stringify(hostile)}
      command: /bin/false
`,
  });
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain', '-e', 'note=\x1b]8;;http://evil/\x07x', '--runs-dir', 'runs\x1b[2J']);
  assert.equal(r.code, 2, r.err);
  assert.doesNotMatch(r.err, TERMINAL_CONTROL, JSON.stringify(r.err));
  assert.doesNotMatch(r.out, TERMINAL_CONTROL, JSON.stringify(r.out));
  // Still one pasteable word each: bash reads $'…\x1b…' back as the same text.
  assert.match(r.err, /--start-at-task \$'deploy \\x1b\]52;c;aGk=\\x07 \\x1b\[2J\\u009b2J'/);
  assert.match(r.err, /'note=\\x1b\]8;;http:\/\/evil\/\\x07x'/);
  // A path with an escape sequence in it loses the sequence when printed.
  assert.match(r.err, /^Run log: runs\/\d/m);
});

test('a chdir that looks like an option (-P, -L, -) is a directory, not an option of cd', async (t) => {
  for (const name of ['-P', '-L', '-']) {
    await t.test(name, async () => {
      const dir = project({
        'inventory.ini': 'a ansible_connection=local\n',
        [`${name}/.keep`]: '',
        'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: where
      shell: pwd > ${JSON.stringify(path.join('{{ playbook_dir }}', 'where.txt'))}
      args: {chdir: ${JSON.stringify(name)}}
`,
      });
      const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain']);
      assert.equal(r.code, 0, r.out + r.err);
      assert.equal(fs.readFileSync(path.join(dir, 'where.txt'), 'utf8').trim(), fs.realpathSync(path.join(dir, name)));
    });
  }
});

test('a kill stops only this run\'s async jobs: an earlier run\'s job under the same controller pid (containers) is left alone', async () => {
  const dir = project({
    'inventory.ini': 'a ansible_connection=local\n',
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: background, command: sleep 60, async: 120, poll: 0}
    - {name: wait, command: sleep 30}
`,
  });
  // The earlier run's job: a real process group, and its files, named as that run's controller named them.
  const earlier = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
  earlier.unref();
  let planted = '';
  try {
    const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain'], {
      when: /TASK \[wait\]/,
      act: (child) => {
        planted = path.join(dir, '.playwatch_async', `j111111222222.${child.pid}`);
        fs.mkdirSync(planted, { recursive: true });
        for (const f of ['sup', 'pid', 'dog']) fs.writeFileSync(path.join(planted, f), `${earlier.pid}\n`);
        fs.writeFileSync(path.join(planted, 'run'), 'an-earlier-run\n');
        fs.writeFileSync(path.join(planted, 'start'), `${Date.now() / 1000}\n`);
        // Drain, then kill (plain mode's Ctrl-C twice).
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGINT'), 300);
      },
    });
    assert.equal(r.code, 99, r.out + r.err);
    const own = fs.readdirSync(path.join(dir, '.playwatch_async')).filter((n) => n.endsWith(`.${r.pid}`) && path.join(dir, '.playwatch_async', n) !== planted);
    assert.deepEqual(own, [], 'this run\'s job was stopped and its files removed');
    assert.ok(alive(earlier.pid!), 'the earlier run\'s job still runs');
    assert.ok(fs.existsSync(planted), 'its files are still there');
  } finally {
    try {
      process.kill(-earlier.pid!, 'SIGKILL');
    } catch {
      // already gone (the test failed)
    }
  }
  await until(() => !alive(earlier.pid!), 5_000, 'the planted job to end');
});
