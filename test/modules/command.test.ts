import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandModule, argWord } from '../../src/modules/command.js';
import { shellModule } from '../../src/modules/shell.js';
import { rawModule } from '../../src/modules/raw.js';
import { UserError } from '../../src/model/index.js';
import { fakeContext, tempDir } from './context.js';

const pos = { file: 'site.yml', line: 4, col: 5 };

test('command runs a program and returns the ansible result shape', async () => {
  const r = await commandModule.run(fakeContext('command', { _raw_params: 'printf "%s\\n" one two' }));
  assert.equal(r.rc, 0);
  assert.equal(r.changed, true);
  assert.equal(r.failed, undefined);
  assert.equal(r.stdout, 'one\ntwo');
  assert.deepEqual(r.stdout_lines, ['one', 'two']);
  assert.deepEqual(r.cmd, ['printf', '%s\\n', 'one', 'two']);
  assert.equal(r.msg, '');
  assert.match(String(r.start), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  assert.match(String(r.delta), /^0:00:0\d\.\d{6}$/);
});

test('command does not interpret shell syntax', async () => {
  const dir = tempDir();
  const r = await commandModule.run(fakeContext('command', { _raw_params: `echo a | wc -l > ${dir}/out; *` }));
  assert.equal(r.stdout, `a | wc -l > ${dir}/out; *`);
  assert.equal(fs.existsSync(path.join(dir, 'out')), false);
});

test('command expands $VAR and ~ as ansible does, and leaves unset names as written', async () => {
  const root = tempDir();
  const r = await commandModule.run(fakeContext('command', { _raw_params: 'echo $HOME ${HOME}/x ~/y $NOT_SET_PW ${NOT_SET_PW} $(id)' }, { root }));
  assert.equal(r.stdout, `${root} ${root}/x ${root}/y $NOT_SET_PW \${NOT_SET_PW} $(id)`);
});

test('command with expand_argument_vars false passes $VAR literally', async () => {
  const r = await commandModule.run(fakeContext('command', { _raw_params: 'echo $HOME', expand_argument_vars: false }));
  assert.equal(r.stdout, '$HOME');
});

test('the first word is always a program, never an assignment', async () => {
  const r = await commandModule.run(fakeContext('command', { argv: ['FOO=bar', 'x'] }));
  assert.equal(r.rc, 127);
  assert.equal(r.failed, true);
  assert.equal(r.msg, 'non-zero return code');
});

test('command takes argv as a list, each word passed intact', async () => {
  const r = await commandModule.run(fakeContext('command', { argv: ['printf', '[%s]', "it's a b", ''] }));
  assert.equal(r.stdout, "[it's a b][]");
  assert.deepEqual(r.cmd, ['printf', '[%s]', "it's a b", '']);
});

test('a non-zero exit fails with ansible message and keeps stderr', async () => {
  const r = await commandModule.run(fakeContext('command', { cmd: 'ls /nonexistent-playwatch' }));
  assert.equal(r.failed, true);
  assert.notEqual(r.rc, 0);
  assert.equal(r.msg, 'non-zero return code');
  assert.match(String(r.stderr), /nonexistent-playwatch/);
  assert.equal(r.stderr_lines?.length, 1);
});

test('chdir runs the command in that directory', async () => {
  const dir = fs.realpathSync(tempDir());
  const r = await commandModule.run(fakeContext('command', { _raw_params: 'pwd', chdir: dir }));
  assert.equal(r.stdout, dir);
});

test('creates skips the command when the path exists, globs included', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'done.flag'), '');
  const ctx = fakeContext('command', { _raw_params: `touch ${dir}/ran`, creates: `${dir}/*.flag` });
  const r = await commandModule.run(ctx);
  assert.equal(r.changed, false);
  assert.equal(r.rc, 0);
  assert.equal(r.stdout, `skipped, since ${dir}/*.flag exists`);
  assert.equal(r.msg, `Did not run command since '${dir}/*.flag' exists`);
  assert.equal(fs.existsSync(path.join(dir, 'ran')), false);
});

test('creates runs the command when the path is missing, relative to chdir', async () => {
  const dir = tempDir();
  const r = await commandModule.run(fakeContext('command', { _raw_params: 'touch made', creates: 'made', chdir: dir }));
  assert.equal(r.changed, true);
  assert.ok(fs.existsSync(path.join(dir, 'made')));
  const again = await commandModule.run(fakeContext('command', { _raw_params: 'touch made', creates: 'made', chdir: dir }));
  assert.equal(again.changed, false);
});

test('removes skips when the path is missing and runs when present', async () => {
  const dir = tempDir();
  const target = path.join(dir, 'old file');
  const skipped = await commandModule.run(fakeContext('command', { argv: ['rm', target], removes: target }));
  assert.equal(skipped.changed, false);
  assert.equal(skipped.msg, `Did not run command since '${target}' does not exist`);
  fs.writeFileSync(target, '');
  const ran = await commandModule.run(fakeContext('command', { argv: ['rm', target], removes: target }));
  assert.equal(ran.changed, true);
  assert.equal(fs.existsSync(target), false);
});

test('stdin is fed with a newline added unless told not to', async () => {
  const r = await commandModule.run(fakeContext('command', { _raw_params: 'od -c', stdin: 'hi' }));
  assert.match(String(r.stdout), /h\s+i\s+\\n/);
  const r2 = await commandModule.run(fakeContext('command', { _raw_params: 'cat', stdin: 'hi', stdin_add_newline: false, strip_empty_ends: false }));
  assert.equal(r2.stdout, 'hi');
});

test('an unterminated quote fails the task instead of running something else', async () => {
  const r = await commandModule.run(fakeContext('command', { _raw_params: `echo 'oops` }));
  assert.equal(r.failed, true);
  assert.match(String(r.msg), /no closing quotation/);
});

test('output past the limit is reported with stdout_truncated', async () => {
  const ctx = fakeContext('command', { _raw_params: 'seq 1 400000' });
  const r = await commandModule.run(ctx);
  assert.equal(r.stdout_truncated, true);
  assert.ok(String(r.stdout).endsWith('400000'));
});

test('command validation names unknown args with a suggestion', () => {
  assert.throws(() => commandModule.validate!({ _raw_params: 'ls', chdr: '/tmp' }, pos),
    (e: unknown) => e instanceof UserError && e.message === `site.yml:4:5: unsupported parameter 'chdr' for module 'command' (did you mean 'chdir'?)`);
});

test('command validation wants a command and refuses argv with a string', () => {
  assert.throws(() => commandModule.validate!({ chdir: '/tmp' }, pos), /needs a command/);
  assert.throws(() => commandModule.validate!({ _raw_params: 'ls', argv: ['ls'] }, pos), /either 'argv' or a command string/);
  assert.throws(() => commandModule.validate!({ _raw_params: 'ls', stdin_add_newline: 'maybe' }, pos), /must be a boolean/);
  assert.doesNotThrow(() => commandModule.validate!({ _raw_params: 'ls', stdin_add_newline: '{{ flag }}' }, pos));
});

test('argWord quotes literals and keeps variable references live', () => {
  assert.equal(argWord('a b', true), "'a b'");
  assert.equal(argWord('$HOME/x', true), `"\${HOME-\\$HOME}"'/x'`);
  assert.equal(argWord('$1', true), "'$1'");
  assert.equal(argWord('$HOME', false), "'$HOME'");
});

test('shell runs the string through the shell', async () => {
  const r = await shellModule.run(fakeContext('shell', { _raw_params: 'echo a b | wc -w; echo $((1+2))' }));
  assert.equal(r.stdout, '2\n3');
  assert.equal(r.cmd, 'echo a b | wc -w; echo $((1+2))');
  assert.equal(r.changed, true);
});

test('shell honours executable', async () => {
  const r = await shellModule.run(fakeContext('shell', { cmd: 'echo "$0"', executable: '/bin/bash' }));
  assert.equal(r.stdout, '/bin/bash');
});

test('shell honours creates and chdir', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'marker'), '');
  const r = await shellModule.run(fakeContext('shell', { _raw_params: 'echo ran', chdir: dir, creates: 'marker' }));
  assert.equal(r.changed, false);
  assert.equal(r.stdout, 'skipped, since marker exists');
});

test('shell validation rejects args it does not know', () => {
  assert.throws(() => shellModule.validate!({ _raw_params: 'ls', argv: ['x'] }, pos), /unsupported parameter 'argv' for module 'shell'/);
});

test('raw returns rc and output unstripped, without the command fields', async () => {
  const r = await rawModule.run(fakeContext('raw', { _raw_params: 'echo hi; exit 0' }));
  assert.equal(r.rc, 0);
  assert.equal(r.stdout, 'hi\n');
  assert.equal(r.changed, true);
  assert.equal(r.cmd, undefined);
  assert.equal(r.msg, undefined);
  const bad = await rawModule.run(fakeContext('raw', { _raw_params: 'exit 4' }));
  assert.equal(bad.failed, true);
  assert.equal(bad.rc, 4);
});

test('raw takes no creates', () => {
  assert.throws(() => rawModule.validate!({ _raw_params: 'ls', creates: 'x' }, pos), /unsupported parameter 'creates'/);
});

test('a command aborted mid-run fails with an abort message', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const r = await shellModule.run(fakeContext('shell', { _raw_params: 'sleep 30' }, { signal: ac.signal }));
  assert.equal(r.failed, true);
  assert.equal(r.rc, -1);
  assert.match(String(r.msg), /aborted/);
});
