import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { loadKey, signingOnce } from '../../src/transport/ssh-keys.js';

const data = Buffer.from('session id and userauth request to be signed');

function fresh(type: 'ed25519' | 'rsa' | 'ecdsa', bits?: number): { text: string; ssh2Key: ParsedKey; ours: ParsedKey } {
  const pair = ssh2.utils.generateKeyPairSync(type, (bits ? { bits } : {}) as never);
  const parse = () => ssh2.utils.parseKey(pair.private) as ParsedKey;
  return { text: pair.private, ssh2Key: parse(), ours: signingOnce(parse()) };
}

test('a parsed key signs as ssh2 would, for every key type and digest ssh2 asks for', () => {
  // [key type, bits, digest ssh2 passes (RSA auth names one), signatures identical byte for byte]
  const cases: ['ed25519' | 'rsa' | 'ecdsa', number | undefined, string | undefined, boolean][] = [
    ['ed25519', undefined, undefined, true],
    ['rsa', 2048, 'sha512', true],
    ['rsa', 2048, 'sha256', true],
    ['rsa', 2048, undefined, true],
    ['ecdsa', 256, undefined, false], // ECDSA signatures are randomized: they must verify
    ['ecdsa', 384, undefined, false],
    ['ecdsa', 521, undefined, false],
  ];
  for (const [type, bits, digest, identical] of cases) {
    const { ssh2Key, ours } = fresh(type, bits);
    const theirs = ssh2Key.sign(data, digest);
    const mine = ours.sign(data, digest);
    assert.ok(Buffer.isBuffer(mine), `${type} ${bits ?? ''} signs`);
    if (identical) assert.deepEqual(mine, theirs, `${type} ${bits ?? ''} ${digest ?? 'default'}`);
    assert.equal(ssh2Key.verify(data, mine, digest), true, `${type} ${bits ?? ''} ${digest ?? 'default'} verifies`);
    assert.equal(ssh2Key.verify(Buffer.from('other data'), mine, digest), false);
  }
});

test('a key is read every time but parsed once while its file and passphrase stay the same', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-keys-'));
  try {
    const file = path.join(dir, 'id');
    fs.writeFileSync(file, fresh('ed25519').text);
    const first = loadKey(file);
    assert.equal(typeof first, 'object');
    assert.equal(loadKey(file), first, 'the same parsed key');
    fs.writeFileSync(file, fresh('ed25519').text);
    const changed = loadKey(file);
    assert.notEqual(changed, first, 'a changed file is parsed again');
    assert.ok((changed as ParsedKey).verify(data, (changed as ParsedKey).sign(data) as Buffer));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an unreadable or unusable key file is described, never thrown', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-keys-'));
  try {
    const junk = path.join(dir, 'junk');
    fs.writeFileSync(junk, 'not a key');
    const cases: [string, RegExp][] = [
      [path.join(dir, 'missing'), /^cannot read private key file .*missing: ENOENT$/],
      [junk, /^cannot use private key file .*junk: /],
    ];
    for (const [file, want] of cases) assert.match(loadKey(file) as string, want);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
