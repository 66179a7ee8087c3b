/**
 * apt_repository's edits on the local transport, in the sources of a
 * temporary apt configuration (APT_CONFIG; no cache update, so nothing
 * outside the temporary folder changes). Needs apt-config (Debian's apt).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Vars } from '../../src/model/index.js';
import { aptRepositoryModule } from '../../src/modules/apt-repository.js';
import { fakeContext, tempDir } from '../modules/context.js';

/** A temporary apt configuration whose sources are in `dir`. */
function sources(): { dir: string; run: (args: Vars, check?: boolean) => Promise<Record<string, unknown>> } {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'parts'));
  fs.writeFileSync(path.join(dir, 'apt.conf'), `Dir::Etc::sourcelist "${dir}/sources.list";\nDir::Etc::sourceparts "${dir}/parts";\n`);
  const run = async (args: Vars, check = false) => {
    const ctx = fakeContext('apt_repository', { update_cache: false, ...args }, { check });
    const exec = ctx.exec.bind(ctx);
    ctx.exec = (command, opts) => exec(`APT_CONFIG='${dir}/apt.conf'; export APT_CONFIG\n${command}`, opts);
    return aptRepositoryModule.run(ctx);
  };
  return { dir, run };
}

test('apt_repository enables a disabled copy of the line in place, keeping its comment and the other lines', async () => {
  const s = sources();
  fs.writeFileSync(path.join(s.dir, 'sources.list'), '# main\n#deb   http://x/ y   z # old mirror\ndeb http://other/ a b\n');
  const check = await s.run({ repo: 'deb http://x/ y z' }, true);
  assert.equal(check.changed, true);
  assert.equal(fs.readFileSync(path.join(s.dir, 'sources.list'), 'utf8'), '# main\n#deb   http://x/ y   z # old mirror\ndeb http://other/ a b\n');
  const r = await s.run({ repo: 'deb http://x/ y z' });
  assert.deepEqual(r, { repo: 'deb http://x/ y z', state: 'present', changed: true });
  assert.equal(fs.readFileSync(path.join(s.dir, 'sources.list'), 'utf8'), '# main\ndeb http://x/ y z # old mirror\ndeb http://other/ a b\n');
  assert.deepEqual(fs.readdirSync(path.join(s.dir, 'parts')), []);
  assert.equal((await s.run({ repo: 'deb http://x/ y z' })).changed, false);
});

test('apt_repository adds with a mode, and removal deletes a file left empty but keeps one with other lines', async () => {
  const s = sources();
  const r = await s.run({ repo: 'deb http://x/ y z', filename: 'x', mode: '0600' });
  assert.equal(r.changed, true);
  const file = path.join(s.dir, 'parts/x.list');
  assert.equal(fs.readFileSync(file, 'utf8'), 'deb http://x/ y z\n');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  fs.writeFileSync(path.join(s.dir, 'sources.list'), 'deb http://x/ y z\ndeb http://other/ a b\n');
  const gone = await s.run({ repo: 'deb http://x/ y z', state: 'absent' });
  assert.deepEqual(gone, { repo: 'deb http://x/ y z', state: 'absent', changed: true });
  assert.equal(fs.existsSync(file), false);
  assert.equal(fs.readFileSync(path.join(s.dir, 'sources.list'), 'utf8'), 'deb http://other/ a b\n');
  assert.equal((await s.run({ repo: 'deb http://x/ y z', state: 'absent' })).changed, false);
});
