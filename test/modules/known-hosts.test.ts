import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { hashHostKey, knownHostsModule, newContent, normalizeKey, searchOutput } from '../../src/modules/known-hosts.js';

const K = 'ssh-ed25519 AAAAkey1';

test('ssh-keygen -F output read as ansible-core reads it: same key, a key to replace, or another type', () => {
  const out = '# Host a found: line 3\na ssh-ed25519 AAAAkey1\n';
  const rows: Array<[string, string | undefined, ReturnType<typeof searchOutput>]> = [
    [out, `a ${K}\n`, { found: true, replace: false, line: 3 }],
    [out, 'a ssh-ed25519 AAAAother\n', { found: true, replace: true, line: 3 }],
    [out, 'a ssh-rsa AAAArsa\n', { found: true, replace: true }],
    [out, undefined, { found: true, replace: false }],
    ['# Host a found: line 2\n|1|salt|hash ssh-ed25519 AAAAkey1\n', `|1|other|x ${K}\n`, { found: true, replace: false, line: 2 }],
  ];
  for (const [stdout, key, want] of rows) assert.deepEqual(searchOutput(stdout, key), want, `${key}`);
});

test('the new file: the found line dropped when replaced or absent, the key appended when present', () => {
  const before = 'a k1\nb k2\nc k3\n';
  assert.equal(newContent(before, 2, true, 'present', 'b k9\n'), 'a k1\nc k3\nb k9\n');
  assert.equal(newContent(before, undefined, false, 'present', 'd k4\n'), `${before}d k4\n`);
  assert.equal(newContent(before, 2, false, 'absent', 'b k2\n'), 'a k1\nc k3\n');
  assert.equal(newContent(before, 2, false, 'present', 'b k2\n'), before);
});

test('a hashed host is OpenSSH\'s |1|salt|HMAC-SHA1(host), the marker field kept', () => {
  const salt = Buffer.alloc(20, 7);
  const want = createHmac('sha1', salt).update('web1').digest('base64');
  assert.equal(hashHostKey('web1', `web1 ${K} comment`, salt), `|1|${salt.toString('base64')}|${want} ${K} comment`);
  assert.match(hashHostKey('web1', `@revoked web1 ${K}`, salt), /^@revoked \|1\|/);
  assert.deepEqual(normalizeKey(`@cert-authority *.x ${K} c`), { options: '@cert-authority', host: '*.x', type: 'ssh-ed25519', key: 'AAAAkey1' });
});

test('known_hosts refuses what ansible-core refuses', async () => {
  const pos = { file: 'site.yml', line: 1, col: 1 };
  assert.throws(() => knownHostsModule.validate!({ key: K }, pos), /missing required arguments: name/);
  assert.throws(() => knownHostsModule.validate!({ name: 'a', state: 'gone' }, pos), /must be one of: absent, present/);
  const ctx = { args: { name: 'a' }, check: false, diff: false } as never;
  assert.deepEqual(await knownHostsModule.run(ctx), { failed: true, changed: false, msg: 'No key specified when adding a host' });
  const comma = { args: { name: 'a,b', key: `a ${K}` }, check: false, diff: false } as never;
  assert.match(String((await knownHostsModule.run(comma)).msg), /^Comma separated list of names is not supported/);
});
