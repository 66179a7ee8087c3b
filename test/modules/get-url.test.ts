import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { getUrlModule, sumFromFile } from '../../src/modules/get-url.js';
import { FILE_BODY, FILE_SHA1, FILE_SHA256, startHttp, type TestHttp } from '../helpers/http-server.js';
import { fakeContext, tempDir } from './context.js';

const pos = { file: 'roles/app/tasks/main.yml', line: 9, col: 3 };
let srv: TestHttp;
before(async () => { srv = await startHttp(); });
after(() => srv.close());

const run = (args: Record<string, unknown>, check = false) =>
  getUrlModule.run(fakeContext('get_url', { ...args, url: `${srv.url}${args.url}` }, { check }));
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const hits = () => srv.hits.get('GET /file.txt') ?? 0;

test('get_url downloads a file with its checksum, then leaves it alone without fetching it again', async () => {
  const dest = path.join(tempDir(), 'app.tar');
  const checksum = `sha256:${FILE_SHA256}`;
  const predicted = await run({ url: '/file.txt', dest, checksum }, true);
  assert.equal(predicted.changed, true);
  assert.equal(fs.existsSync(dest), false);
  const first = await run({ url: '/file.txt', dest, checksum, mode: '0640' });
  assert.equal(first.failed, undefined, String(first.msg));
  assert.deepEqual({ ...first, elapsed: undefined, uid: undefined, gid: undefined, owner: undefined, group: undefined }, {
    changed: true, checksum_dest: null, checksum_src: FILE_SHA1, dest, elapsed: undefined, url: `${srv.url}/file.txt`,
    md5sum: md5(FILE_BODY), msg: `OK (${FILE_BODY.length} bytes)`, status_code: 200,
    mode: '0640', size: FILE_BODY.length, state: 'file', uid: undefined, gid: undefined, owner: undefined, group: undefined,
  });
  assert.equal(fs.readFileSync(dest, 'utf8'), FILE_BODY);
  const before = hits();
  const again = await run({ url: '/file.txt', dest, checksum, mode: '0640' });
  assert.equal(again.changed, false);
  assert.equal(again.msg, 'file already exists');
  assert.equal(hits(), before, 'no second download');
  const checked = await run({ url: '/file.txt', dest, checksum }, true);
  assert.equal(checked.changed, false);
});

test('get_url changes only the mode when the file is there with its checksum', async () => {
  const dest = path.join(tempDir(), 'f');
  fs.writeFileSync(dest, FILE_BODY, { mode: 0o644 });
  const r = await run({ url: '/file.txt', dest, checksum: `sha1:${FILE_SHA1}`, mode: '0600' });
  assert.deepEqual([r.changed, r.msg, r.mode], [true, 'file already exists but file attributes changed', '0600']);
  assert.equal(fs.statSync(dest).mode & 0o777, 0o600);
});

test('get_url takes the checksum from a checksum file URL, and fails on a mismatch, removing the file', async () => {
  const dir = tempDir();
  const r = await run({ url: '/file.txt', dest: path.join(dir, 'a'), checksum: `sha256:${srv.url}/file.txt.sha256` });
  assert.equal(r.failed, undefined, String(r.msg));
  assert.equal(r.changed, true);
  const bad = await run({ url: '/file.txt', dest: path.join(dir, 'b'), checksum: 'sha256:00ff' });
  assert.equal(bad.failed, true);
  assert.equal(bad.msg, `The checksum for ${path.join(dir, 'b')} did not match 00ff; it was ${FILE_SHA256}.`);
  assert.equal(fs.existsSync(path.join(dir, 'b')), false);
  const badFormat = await run({ url: '/file.txt', dest: path.join(dir, 'c'), checksum: 'sha256' });
  assert.equal(badFormat.msg, 'The checksum parameter has to be in format <algorithm>:<checksum>');
});

test('get_url without a checksum fetches again but replaces nothing when the content is the same; force too', async () => {
  const dest = path.join(tempDir(), 'same');
  fs.writeFileSync(dest, FILE_BODY);
  const r = await run({ url: '/file.txt', dest });
  assert.deepEqual([r.changed, r.checksum_src, r.checksum_dest], [false, FILE_SHA1, FILE_SHA1]);
  fs.writeFileSync(dest, 'old\n');
  const forced = await run({ url: '/file.txt', dest, force: true, backup: true });
  assert.equal(forced.changed, true);
  assert.equal(fs.readFileSync(String(forced.backup_file), 'utf8'), 'old\n');
});

test('get_url into a directory names the file after the URL', async () => {
  const dir = tempDir();
  const r = await run({ url: '/file.txt', dest: dir });
  assert.equal(r.dest, path.join(dir, 'file.txt'));
  assert.equal(fs.readFileSync(path.join(dir, 'file.txt'), 'utf8'), FILE_BODY);
});

test('get_url fails a download that is not 200 as ansible-core does, and sends basic auth', async () => {
  const dest = path.join(tempDir(), 'x');
  const r = await run({ url: '/missing', dest });
  assert.deepEqual({ ...r, elapsed: 0 }, {
    failed: true, changed: false, msg: 'Request failed', status_code: 404, response: 'HTTP Error 404: Not Found', url: `${srv.url}/missing`, dest, elapsed: 0,
  });
  const auth = await run({ url: '/private', dest, url_username: 'deploy', url_password: 's3cret-pw' });
  assert.equal(auth.changed, true);
  assert.equal(fs.readFileSync(dest, 'utf8'), '{"user":"deploy"}');
  const noDir = await run({ url: '/file.txt', dest: '/nonexistent-dir/f' });
  assert.equal(noDir.msg, 'Destination /nonexistent-dir does not exist');
});

test('a checksum file is read as ansible-core reads it', () => {
  assert.equal(sumFromFile('abc\n', 'f.tgz'), 'abc');
  assert.equal(sumFromFile('aaa  other.tgz\nbbb *f.tgz\nccc  ./g\n', 'f.tgz'), 'bbb');
  assert.equal(sumFromFile('aaa  other.tgz\n', 'f.tgz'), undefined);
});

test('get_url refuses unknown arguments at load and needs url and dest', () => {
  assert.throws(() => getUrlModule.validate!({ url: 'http://x', dest: '/x', checksumm: 'a' }, pos), /unsupported parameter 'checksumm' for module 'get_url' \(did you mean 'checksum'\?\)/);
  assert.throws(() => getUrlModule.validate!({ url: 'http://x' }, pos), /missing required arguments: dest/);
});
