import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gitModule } from '../../src/modules/git.js';
import { fakeContext, tempDir } from './context.js';

const pos = { file: 'roles/app/tasks/main.yml', line: 9, col: 3 };
const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8' }).trim();

/** A bare repository with one commit on `main` and a tag `v1`, and a work tree to push more commits from. */
function origin(): { bare: string; work: string; commit(file: string, text: string): string } {
  const dir = tempDir();
  const bare = path.join(dir, 'app.git');
  const work = path.join(dir, 'work');
  git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
  git(dir, 'clone', '-q', bare, work);
  const commit = (file: string, text: string) => {
    fs.writeFileSync(path.join(work, file), text);
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', `edit ${file}`);
    git(work, 'push', '-q', 'origin', 'HEAD:main');
    return git(work, 'rev-parse', 'HEAD');
  };
  commit('README', 'one\n');
  git(work, 'tag', 'v1');
  git(work, 'push', '-q', 'origin', 'v1');
  return { bare, work, commit };
}

const run = (args: Record<string, unknown>, check = false) => gitModule.run(fakeContext('git', args, { check }));

test('git clones, is unchanged on a second run, and moves to a new commit with before and after', async () => {
  const o = origin();
  const first = git(o.work, 'rev-parse', 'HEAD');
  const dest = path.join(tempDir(), 'deep', 'app');
  const predicted = await run({ repo: o.bare, dest }, true);
  assert.deepEqual(predicted, { changed: true, before: null, after: first });
  assert.equal(fs.existsSync(dest), false);
  assert.deepEqual(await run({ repo: o.bare, dest }), { changed: true, before: null, after: first });
  assert.equal(fs.readFileSync(path.join(dest, 'README'), 'utf8'), 'one\n');
  assert.deepEqual(await run({ repo: o.bare, dest }), { changed: false, before: first, after: first, remote_url_changed: false });
  const second = o.commit('README', 'two\n');
  assert.deepEqual(await run({ repo: o.bare, dest }, true), { changed: true, before: first, after: second, remote_url_changed: false });
  assert.deepEqual(await run({ repo: o.bare, dest }), { changed: true, before: first, after: second, remote_url_changed: false });
  assert.equal(fs.readFileSync(path.join(dest, 'README'), 'utf8'), 'two\n');
});

test('git checks out a tag and a sha, and stays put on the same version', async () => {
  const o = origin();
  const tagged = git(o.work, 'rev-parse', 'HEAD');
  o.commit('README', 'later\n');
  const dest = path.join(tempDir(), 'app');
  const r = await run({ repo: o.bare, dest, version: 'v1' });
  assert.deepEqual([r.changed, r.after], [true, tagged]);
  assert.deepEqual(await run({ repo: o.bare, dest, version: 'v1' }), { changed: false, before: tagged, after: tagged, remote_url_changed: false });
  const bySha = await run({ repo: o.bare, dest, version: tagged });
  assert.equal(bySha.changed, false);
  const toBranch = await run({ repo: o.bare, dest, version: 'main' });
  assert.equal(toBranch.changed, true);
  assert.equal(fs.readFileSync(path.join(dest, 'README'), 'utf8'), 'later\n');
});

test('local modifications fail without force, as ansible-core does, and are reset with it', async () => {
  const o = origin();
  const dest = path.join(tempDir(), 'app');
  await run({ repo: o.bare, dest });
  const head = git(dest, 'rev-parse', 'HEAD');
  fs.writeFileSync(path.join(dest, 'README'), 'edited on the server\n');
  fs.writeFileSync(path.join(dest, 'untracked.log'), 'not a modification\n');
  const refused = await run({ repo: o.bare, dest });
  assert.deepEqual(refused, { changed: false, before: head, failed: true, after: null, msg: `Local modifications exist in the destination: ${dest} (force=no).` });
  const forced = await run({ repo: o.bare, dest, force: true });
  assert.deepEqual(forced, { changed: true, before: head, after: head, remote_url_changed: false, msg: `Local modifications exist in the destination: ${dest}` });
  assert.equal(fs.readFileSync(path.join(dest, 'README'), 'utf8'), 'one\n');
  assert.equal(fs.existsSync(path.join(dest, 'untracked.log')), true);
});

test('a new repo URL is set on the remote and reported; update: no only reads the version', async () => {
  const o = origin();
  const dest = path.join(tempDir(), 'app');
  await run({ repo: o.bare, dest });
  const head = git(dest, 'rev-parse', 'HEAD');
  const moved = path.join(path.dirname(o.bare), 'moved.git');
  fs.cpSync(o.bare, moved, { recursive: true });
  const r = await run({ repo: moved, dest });
  assert.deepEqual(r, { changed: true, before: head, after: head, remote_url_changed: true });
  assert.equal(git(dest, 'config', '--get', 'remote.origin.url'), `file://${moved}`);
  o.commit('README', 'new\n');
  assert.deepEqual(await run({ repo: o.bare, dest, update: false }), { changed: false, before: head, after: head });
});

test('depth, single_branch and bare clones', async () => {
  const o = origin();
  o.commit('README', 'two\n');
  const shallow = path.join(tempDir(), 'shallow');
  const r = await run({ repo: `file://${o.bare}`, dest: shallow, depth: 1, single_branch: true, version: 'main' });
  assert.equal(r.failed, undefined, String(r.msg));
  assert.equal(git(shallow, 'rev-list', '--count', 'HEAD'), '1');
  const bare = path.join(tempDir(), 'mirror.git');
  const b = await run({ repo: o.bare, dest: bare, bare: true });
  assert.equal(b.changed, true);
  assert.equal(fs.existsSync(path.join(bare, 'HEAD')), true);
  assert.equal((await run({ repo: o.bare, dest: bare, bare: true })).changed, false);
});

test('a version the remote does not have fails the checkout', async () => {
  const o = origin();
  const dest = path.join(tempDir(), 'app');
  await run({ repo: o.bare, dest });
  const r = await run({ repo: o.bare, dest, version: 'no-such-branch' });
  assert.equal(r.failed, true);
  assert.equal(r.msg, 'Failed to checkout no-such-branch');
});

test('git refuses unknown arguments and what it does not do at load', () => {
  assert.throws(() => gitModule.validate!({ repo: 'x', dest: '/d', verison: 'main' }, pos), /unsupported parameter 'verison' for module 'git' \(did you mean 'version'\?\)/);
  assert.throws(() => gitModule.validate!({ repo: 'x', dest: '/d', key_file: '/k' }, pos), /'key_file' is not supported/);
  assert.throws(() => gitModule.validate!({ repo: 'x' }, pos), /missing required arguments: dest/);
});
