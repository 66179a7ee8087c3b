import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shellQuote, splitShellWords, wrapCommand } from '../../src/transport/command.js';
import { LocalTransport } from '../../src/transport/local.js';
import { UserError } from '../../src/model/index.js';

const t = new LocalTransport({ host: 'localhost', connection: 'local' });

test('shellQuote leaves plain words bare and single-quotes the rest', () => {
  assert.equal(shellQuote('/usr/bin/env'), '/usr/bin/env');
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote('$HOME'), "'$HOME'");
});

test('shellQuote output reaches the command unchanged', async () => {
  const nasty = `it's "$HOME" \`id\` $(id) \\ ; | & * \n end`;
  const r = await t.exec(`printf %s ${shellQuote(nasty)}`);
  assert.equal(r.stdout, nasty);
});

test('wrapCommand without options returns the command as is', () => {
  assert.deepEqual(wrapCommand('ls -l', {}), { command: 'ls -l' });
});

test('wrapCommand changes directory inside a brace group', async () => {
  const w = wrapCommand('pwd', { chdir: '/tmp' });
  assert.equal(w.command, 'cd /tmp && {\npwd\n}');
  const r = await t.exec(w.command);
  assert.equal(r.stdout, '/tmp\n');
});

test('a failing cd stops the command even when it has an or-branch', async () => {
  const w = wrapCommand('echo ran || echo fallback', { chdir: '/nonexistent/dir' });
  const r = await t.exec(w.command);
  assert.notEqual(r.rc, 0);
  assert.equal(r.stdout, '');
});

test('wrapCommand exports env values quoted, quotes and dollars included', async () => {
  const w = wrapCommand('printf "%s|%s" "$A" "$B"', { env: { A: "it's", B: '$HOME `x`' } });
  assert.equal(w.command, `export A='it'\\''s' B='$HOME \`x\`' && {\nprintf "%s|%s" "$A" "$B"\n}`);
  const r = await t.exec(w.command);
  assert.equal(r.stdout, "it's|$HOME `x`");
});

test('wrapCommand rejects an environment name that is not an identifier', () => {
  assert.throws(() => wrapCommand('true', { env: { 'A-B': '1' } }), UserError);
});

test('wrapCommand with become runs everything under sudo -n as the become user', () => {
  const w = wrapCommand('id -un', { become: true, becomeUser: 'deploy', chdir: '/srv/app', env: { X: '1' } });
  assert.equal(w.command, `sudo -n -H -S -u deploy -- /bin/sh -c 'export X='\\''1'\\'' && cd /srv/app && {\nid -un\n}'`);
  assert.equal(w.stdin, undefined);
});

test('wrapCommand with become defaults to root', () => {
  assert.equal(wrapCommand('id', { become: true }).command, `sudo -n -H -S -u root -- /bin/sh -c 'id'`);
});

test('a become password goes on stdin, never on the command line', () => {
  const w = wrapCommand('cat', { become: true, becomePassword: 's3cr3t', stdin: 'data' });
  assert.ok(!w.command.includes('s3cr3t'));
  assert.ok(!w.command.includes(' -n '));
  assert.equal(w.stdin, 's3cr3t\ndata');
});

test('wrapCommand refuses become methods other than sudo', () => {
  assert.throws(() => wrapCommand('id', { become: true, becomeMethod: 'doas' }), /become_method 'doas' is not supported/);
});

test('become wrapping preserves the inner command exactly', async () => {
  // Replace sudo by a shell function that drops its options, to run the wrapped line here.
  const w = wrapCommand(`printf '%s' "it's $X"`, { become: true, env: { X: 'a$b' } });
  const fakeSudo = `sudo() { while [ "$1" != "--" ]; do shift; done; shift; "$@"; }; `;
  const r = await t.exec(fakeSudo + w.command);
  assert.equal(r.stdout, "it's a$b");
});

test('splitShellWords follows shell quoting rules without expanding anything', () => {
  assert.deepEqual(splitShellWords('echo  hello   world'), ['echo', 'hello', 'world']);
  assert.deepEqual(splitShellWords(`echo 'a b' "c \\"d\\" $HOME" e\\ f`), ['echo', 'a b', 'c "d" $HOME', 'e f']);
  assert.deepEqual(splitShellWords(`a'b'"c" '' x`), ['abc', '', 'x']);
  assert.deepEqual(splitShellWords('"a\\nb"'), ['a\\nb']);
  assert.deepEqual(splitShellWords('  '), []);
});

test('splitShellWords rejects an unterminated quote', () => {
  assert.throws(() => splitShellWords(`echo 'oops`), /no closing quotation/);
  assert.throws(() => splitShellWords(`echo "oops`), /no closing quotation/);
});
