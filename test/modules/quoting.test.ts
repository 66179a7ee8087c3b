/**
 * Values the file modules put into shell command lines can never run a
 * second command or become an option: each hostile value below is used as
 * a path, as content, as an owner and inside `validate`, on the real local
 * transport, and afterwards the host's root holds exactly the files asked
 * for and no `PWNED` marker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { q, shPath } from '../../src/modules/sh.js';
import { readState, writeFile } from '../../src/modules/remote-file.js';
import { fakeContext, tempDir } from './context.js';

const HOSTILE = [
  'x; touch PWNED',
  '$(touch PWNED)',
  '`touch PWNED`',
  'a\ntouch PWNED',
  '-rf',
  '--help',
  "it's; touch PWNED; '",
  '"; touch PWNED; "',
  '${IFS}touch${IFS}PWNED',
  '*',
  '| touch PWNED',
  '&& touch PWNED &',
];

for (const value of HOSTILE) {
  test(`q keeps ${JSON.stringify(value)} one literal word`, () => {
    const root = tempDir();
    const out = execFileSync('/bin/sh', ['-c', `printf '%s' ${q(value)}`], { cwd: root }).toString();
    assert.equal(out, value);
    assert.deepEqual(fs.readdirSync(root), []);
  });

  test(`the file helpers write and read a path named ${JSON.stringify(value)} and run nothing else`, async () => {
    const root = tempDir();
    const ctx = fakeContext('copy', {}, { root });
    const written = await writeFile(ctx, value, Buffer.from(value), { mode: 0o640, validate: `test -f %s` });
    assert.ok(written.ok, JSON.stringify(written));
    const read = await readState(ctx, value, { checksum: true, contentMax: 1000 });
    assert.ok(read.ok);
    assert.equal(read.value.exists, true);
    assert.equal(read.value.content?.toString(), value);
    assert.deepEqual(fs.readdirSync(root), [value]);
    assert.equal(fs.readFileSync(path.join(root, value), 'utf8'), value);
  });

  test(`an owner, group or validate word ${JSON.stringify(value)} fails the write without running anything`, async () => {
    const root = tempDir();
    const ctx = fakeContext('copy', {}, { root });
    for (const opts of [{ owner: value }, { group: value }, { validate: `test -f %s ${value}` }]) {
      const written = await writeFile(ctx, 'dest', Buffer.from('x'), opts);
      assert.equal(written.ok, false, JSON.stringify(opts));
    }
    assert.deepEqual(fs.readdirSync(root), []);
  });
}

test('shPath expands ~ to the remote home and puts ./ before a leading dash', () => {
  assert.equal(shPath('~'), '"$HOME"');
  assert.equal(shPath('~/app/x y'), `"$HOME"/'app/x y'`);
  assert.equal(shPath('-n'), `'./-n'`);
  assert.equal(shPath('/etc/app.conf'), `'/etc/app.conf'`);
});
