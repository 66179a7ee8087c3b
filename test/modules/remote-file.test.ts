import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { checksumOf, readState, sameContent, writeFile } from '../../src/modules/remote-file.js';
import { contentDiff } from '../../src/modules/file-diff.js';
import type { ModuleContext } from '../../src/modules/types.js';
import { fakeContext, tempDir } from './context.js';

const sha1 = (s: string | Buffer) => createHash('sha1').update(s).digest('hex');

function host(): { root: string; ctx: ReturnType<typeof fakeContext> } {
  const root = tempDir();
  return { root, ctx: fakeContext('copy', {}, { root }) };
}

test('readState reads a file, a directory, a link and a missing path, each in one command', async () => {
  const { root, ctx } = host();
  fs.writeFileSync(path.join(root, 'f'), 'hello\n', { mode: 0o640 });
  fs.chmodSync(path.join(root, 'f'), 0o640);
  fs.mkdirSync(path.join(root, 'd'), { mode: 0o750 });
  fs.chmodSync(path.join(root, 'd'), 0o750);
  fs.symlinkSync('f', path.join(root, 'l'));
  const rows: Array<[string, Partial<Record<string, unknown>>, object?]> = [
    ['f', { exists: true, type: 'file', mode: 0o640, size: 6, checksum: sha1('hello\n'), checksumAlgorithm: 'sha1' }],
    ['d', { exists: true, type: 'directory', mode: 0o750, checksum: undefined }],
    ['l', { exists: true, type: 'link', linkTarget: 'f', linkSource: path.join(fs.realpathSync(root), 'f'), checksum: undefined }],
    ['l', { exists: true, type: 'file', mode: 0o640, checksum: sha1('hello\n') }, { follow: true }],
    ['missing', { exists: false, parentExists: true }],
    ['nodir/missing', { exists: false, parentExists: false }],
  ];
  for (const [p, want, opts] of rows) {
    const before = ctx.commands.length;
    const r = await readState(ctx, p, { checksum: true, ...opts });
    assert.ok(r.ok);
    for (const [k, v] of Object.entries(want)) assert.deepEqual((r.value as unknown as Record<string, unknown>)[k], v, `${p}.${k}`);
    assert.equal(ctx.commands.length - before, 1);
  }
  const f = await readState(ctx, 'f');
  assert.equal(f.ok && f.value.uid, process.getuid!());
  assert.equal(f.ok && typeof f.value.owner, 'string');
  assert.equal(f.ok && f.value.umask >= 0, true);
});

test('readState with intoDir reads <dir>/<name> when the path is a directory', async () => {
  const { root, ctx } = host();
  fs.mkdirSync(path.join(root, 'd'));
  fs.writeFileSync(path.join(root, 'd', 'app.conf'), 'x');
  const r = await readState(ctx, 'd', { intoDir: 'app.conf', checksum: true });
  assert.ok(r.ok);
  assert.equal(r.value.path, 'd/app.conf');
  assert.equal(r.value.checksum, sha1('x'));
  const plain = await readState(ctx, 'file', { intoDir: 'app.conf' });
  assert.equal(plain.ok && plain.value.path, 'file');
});

test('writeFile replaces a file atomically in one command, keeping its mode, and returns the new state', async () => {
  const { root, ctx } = host();
  fs.writeFileSync(path.join(root, 'conf'), 'old\n');
  fs.chmodSync(path.join(root, 'conf'), 0o604);
  const before = await readState(ctx, 'conf', { checksum: true });
  assert.ok(before.ok);
  const n = ctx.commands.length;
  const w = await writeFile(ctx, 'conf', Buffer.from('new\n'), { before: before.value });
  assert.ok(w.ok);
  assert.equal(ctx.commands.length - n, 1);
  assert.equal(fs.readFileSync(path.join(root, 'conf'), 'utf8'), 'new\n');
  assert.equal(fs.statSync(path.join(root, 'conf')).mode & 0o7777, 0o604);
  assert.equal(w.value.state.mode, 0o604);
  assert.equal(w.value.state.checksum, sha1('new\n'));
  assert.ok(sameContent(w.value.state, Buffer.from('new\n')));
  assert.deepEqual(fs.readdirSync(root), ['conf'], 'no temp file is left');
  assert.doesNotMatch(ctx.commands.at(-1)!, /new/, 'content travels on stdin, never in the command line');
});

test('writeFile gives a new file 0666 less the umask, or the mode asked; the temp file starts 0600', async () => {
  const { root, ctx } = host();
  const w = await writeFile(ctx, 'a', Buffer.from('x'));
  assert.ok(w.ok);
  assert.equal(fs.statSync(path.join(root, 'a')).mode & 0o777, 0o666 & ~w.value.state.umask);
  await writeFile(ctx, 'b', Buffer.from('x'), { mode: 0o600 });
  assert.equal(fs.statSync(path.join(root, 'b')).mode & 0o777, 0o600);
  assert.match(ctx.commands[0], /mktemp -- "\$\(dirname -- "\$d"\)\/\.playwatch\.XXXXXX"/);
});

test('writeFile keeps binary content intact and makes a backup named as ansible-core does', async () => {
  const { root, ctx } = host();
  fs.writeFileSync(path.join(root, 'bin'), 'before');
  const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13]);
  const w = await writeFile(ctx, 'bin', bytes, { backup: true });
  assert.ok(w.ok);
  assert.deepEqual(fs.readFileSync(path.join(root, 'bin')), bytes);
  assert.match(w.value.backupFile ?? '', /^bin\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
  assert.equal(fs.readFileSync(path.join(root, w.value.backupFile!), 'utf8'), 'before');
});

test('a failing validate leaves the destination untouched and reports rc and output', async () => {
  const { root, ctx } = host();
  fs.writeFileSync(path.join(root, 'sudoers'), 'good');
  const w = await writeFile(ctx, 'sudoers', Buffer.from('bad'), { validate: "sh -c 'echo broken >&2; exit 3' %s" });
  assert.equal(w.ok, false);
  assert.equal(!w.ok && w.result.msg, 'failed to validate: rc:3 error:broken');
  assert.equal(fs.readFileSync(path.join(root, 'sudoers'), 'utf8'), 'good');
  assert.deepEqual(fs.readdirSync(root), ['sudoers']);
  const ok = await writeFile(ctx, 'sudoers', Buffer.from('fine'), { validate: 'grep -q fine %s' });
  assert.ok(ok.ok);
});

test('where sha1sum is missing the checksum is cksum, compared in the same algorithm', async () => {
  const { root, ctx } = host();
  const bin = tempDir();
  for (const tool of ['stat', 'readlink', 'cksum', 'dirname', 'base64', 'tr', 'wc', 'cat', 'mktemp', 'chmod', 'chown', 'mv', 'rm', 'date', 'cp']) {
    const found = ['/usr/bin', '/bin'].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
    if (found) fs.symlinkSync(found, path.join(bin, tool));
  }
  const noSha: ModuleContext = { ...ctx, exec: (c, o) => ctx.exec(`PATH=${bin}\n${c}`, o) };
  fs.writeFileSync(path.join(root, 'f'), 'hello\n');
  const r = await readState(noSha, 'f', { checksum: true });
  assert.ok(r.ok);
  assert.equal(r.value.checksumAlgorithm, 'cksum');
  assert.equal(r.value.checksum, '3015617425 6');
  assert.equal(checksumOf(Buffer.from('hello\n'), 'cksum'), '3015617425 6');
  assert.ok(sameContent(r.value, Buffer.from('hello\n')));
  assert.ok(!sameContent(r.value, Buffer.from('hello!')));
});

test('contentDiff holds the old and new text with ansible-core headers, and skips binary or large files', async () => {
  const { root, ctx } = host();
  fs.writeFileSync(path.join(root, 'c'), 'a\nb\n');
  const r = await readState(ctx, 'c', { contentMax: 104448 });
  assert.ok(r.ok);
  assert.deepEqual(contentDiff(r.value, Buffer.from('a\nc\n'), 'templates/c.j2'), { before: 'a\nb\n', before_header: 'c', after: 'a\nc\n', after_header: 'templates/c.j2' });
  const missing = await readState(ctx, 'nope', { contentMax: 104448 });
  assert.ok(missing.ok);
  assert.deepEqual(contentDiff(missing.value, Buffer.from('x\n')), { before: '', after: 'x\n' });
  fs.writeFileSync(path.join(root, 'big'), 'x'.repeat(104449));
  const big = await readState(ctx, 'big', { contentMax: 104448 });
  assert.ok(big.ok);
  assert.equal(big.value.content, undefined);
  assert.deepEqual(contentDiff(big.value, Buffer.from('x')), { dst_larger: 104448 });
  assert.deepEqual(contentDiff(r.value, Buffer.from([0, 1])), { src_binary: 1 });
});
