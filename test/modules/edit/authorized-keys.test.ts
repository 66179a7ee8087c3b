import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editKeys, parseKey, parseOptions, type KeyEdit } from '../../../src/modules/edit/authorized-keys.js';
import { authorizedKeyModule } from '../../../src/modules/authorized-key.js';

const A = 'ssh-ed25519 AAAA1 alice@host';
const B = 'ssh-rsa BBBB2 bob';
const edit = (o: Partial<KeyEdit>): KeyEdit => ({ key: A, state: 'present', exclusive: false, ...o });

test('the edits ansible.posix authorized_key makes, line for line', () => {
  const rows: Array<[string, string, Partial<KeyEdit>, string, boolean]> = [
    ['a new key goes after the existing lines', `# mine\n${B}\n`, {}, `# mine\n${B}\n${A}\n`, true],
    ['a key already there changes nothing', `${A}\n${B}\n`, {}, `${A}\n${B}\n`, false],
    ['a key without a comment is written with a space after it', '', { key: 'ssh-ed25519 AAAA1' }, 'ssh-ed25519 AAAA1 \n', true],
    ['several keys, one a line, blank and # lines skipped', '', { key: `${A}\n\n# no\n${B}\n` }, `${A}\n${B}\n`, true],
    ['options are put in front', '', { keyOptions: 'no-pty,command="a, b"' }, `no-pty,command="a, b" ${A}\n`, true],
    ['a key whose options differ moves to the end', `${A}\n${B}\n`, { keyOptions: 'no-pty' }, `${B}\nno-pty ${A}\n`, true],
    ['a comment given replaces the key\'s own', `${A}\n`, { comment: 'new one' }, 'ssh-ed25519 AAAA1 new one\n', true],
    ['the same options in the same order are the same key', `from="x",no-pty ${A}\n`, { keyOptions: 'from="x",no-pty' }, `from="x",no-pty ${A}\n`, false],
    ['absent removes the key whatever its options', `# mine\nno-pty ${A}\n${B}\n`, { state: 'absent' }, `# mine\n${B}\n`, true],
    ['absent of a key not there changes nothing', `${B}\n`, { state: 'absent' }, `${B}\n`, false],
    ['exclusive keeps only the keys given, comments too go', `# mine\n${B}\n${A}\n`, { exclusive: true }, `${A}\n`, true],
    ['exclusive with the keys exactly there changes nothing', `${A}\n`, { exclusive: true }, `${A}\n`, false],
    ['junk lines are kept where they are', `junk line\n${B}\n`, {}, `junk line\n${B}\n${A}\n`, true],
    ['an escaped \\# in a key is a #', '', { key: 'ssh-ed25519 AAAA1 a\\#b' }, 'ssh-ed25519 AAAA1 a#b\n', true],
  ];
  for (const [what, before, e, after, changed] of rows) {
    const out = editKeys(before, edit(e));
    assert.deepEqual(out, { ok: true, changed, text: after }, what);
  }
});

test('an invalid key is refused with ansible.posix\'s message', () => {
  assert.deepEqual(editKeys('', edit({ key: 'not a key' })), { ok: false, msg: 'invalid key specified: not a key' });
});

test('keys and options parse as ansible.posix reads them', () => {
  assert.deepEqual(parseOptions('no-pty,from="a,b",permitopen="h:1",permitopen="h:2"'), [['no-pty', null], ['from', '"a,b"'], ['permitopen', '"h:1"'], ['permitopen', '"h:2"']]);
  assert.deepEqual(parseKey('command="x y" ssh-rsa KEY c d\n', 4), { id: 'KEY', type: 'ssh-rsa', options: [['command', '"x y"']], comment: 'c d', rank: 4 });
  assert.equal(parseKey('ssh-rsa\n', 0), undefined);
});

test('authorized_key checks its arguments at load', () => {
  const pos = { file: 'site.yml', line: 2, col: 3 };
  assert.throws(() => authorizedKeyModule.validate!({ user: 'a' }, pos), /missing required arguments: key/);
  assert.throws(() => authorizedKeyModule.validate!({ user: 'a', key: 'k', state: 'gone' }, pos), /must be one of: absent, present/);
  assert.throws(() => authorizedKeyModule.validate!({ user: 'a', key: 'k', exclusive: 'maybe' }, pos), /'exclusive' must be a boolean/);
});
