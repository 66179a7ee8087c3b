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

test('wrapCommand sends env values on stdin ahead of the command\'s input, never in the command line', async () => {
  const cases: Array<[string, string]> = [
    ['quote', "it's"],
    ['dollars and backticks', '$HOME `x` $(id)'],
    ['backslashes', 'a\\b\\\\c \\n \\t \\c \\0101'],
    ['newlines', 'line one\nline two\n'],
    ['format and equals', '%s %b %% a=b=c'],
    ['empty', ''],
    ['spaces at the ends', '  padded  '],
  ];
  const env = Object.fromEntries(cases.map(([, v], i) => [`V${i}`, v]));
  const show = cases.map((_, i) => `printf '<%s>' "$V${i}"`).join('; ');
  const w = wrapCommand(`${show}; printf '|'; cat`, { env, stdin: 'own input\nsecond line' });
  for (const [name, value] of cases) {
    if (value.trim().length > 2) assert.ok(!w.command.includes(value), `${name}: not in the command line`);
  }
  const r = await t.exec(w.command, { stdin: w.stdin });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, cases.map(([, v]) => `<${v}>`).join('') + '|own input\nsecond line');
});

test('with env and no stdin of its own, the command reads end of input after the env values', async () => {
  const w = wrapCommand('printf "%s:" "$A"; cat; echo end', { env: { A: 'x' } });
  const r = await t.exec(w.command, { stdin: w.stdin });
  assert.equal(r.stdout, 'x:end\n');
});

test('wrapCommand rejects an environment name that is not an identifier', () => {
  assert.throws(() => wrapCommand('true', { env: { 'A-B': '1' } }), UserError);
});

test('wrapCommand with become runs everything under sudo -n as the become user', () => {
  const w = wrapCommand('id -un', { become: true, becomeUser: 'deploy', chdir: '/srv/app', env: { X: 'value' } });
  assert.match(w.command, /^sudo -n -H -S -u deploy -- \/bin\/sh -c 'while IFS= read -r __pw_e .*\ncd \/srv\/app && \{\nid -un\n\}'$/s);
  assert.ok(!w.command.includes('value'));
  assert.equal(w.stdin, 'X=value\n\n');
});

test('wrapCommand with become defaults to root', () => {
  assert.equal(wrapCommand('id', { become: true }).command, `sudo -n -H -S -u root -- /bin/sh -c 'id'`);
});

test('a become password is not on stdin nor on the command line: it waits for sudo\'s own random prompt', () => {
  const w = wrapCommand('cat', { become: true, becomePassword: 's3cr3t', stdin: 'data' });
  const other = wrapCommand('cat', { become: true, becomePassword: 's3cr3t', stdin: 'data' });
  assert.ok(!w.command.includes('s3cr3t'));
  assert.ok(!w.command.includes(' -n '));
  assert.equal(w.stdin, 'data');
  assert.equal(w.escalation?.password, 's3cr3t');
  assert.match(w.escalation!.prompt, /^\[sudo via playwatch, key=[0-9a-f]{24}\] password:$/);
  assert.notEqual(w.escalation!.prompt, other.escalation!.prompt);
  assert.ok(w.command.includes(`-p '${w.escalation!.prompt}'`));
  assert.ok(w.command.includes(`echo ${w.escalation!.ready} >&2`));
});

test('wrapCommand refuses become methods other than sudo', () => {
  assert.throws(() => wrapCommand('id', { become: true, becomeMethod: 'doas' }), /become_method 'doas' is not supported/);
});

test('become wrapping preserves the inner command exactly', async () => {
  // Replace sudo by a shell function that drops its options, to run the wrapped line here.
  const w = wrapCommand(`printf '%s' "it's $X"`, { become: true, env: { X: 'a$b' } });
  const fakeSudo = `sudo() { while [ "$1" != "--" ]; do shift; done; shift; "$@"; }; `;
  const r = await t.exec(fakeSudo + w.command, { stdin: w.stdin });
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
