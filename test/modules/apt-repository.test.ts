/**
 * apt_repository: ansible-core's file names and line comparison, and
 * what is refused at load. Its edits (which need apt-config) are in
 * test/system/apt-sources.test.ts and test/system/apt.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Vars } from '../../src/model/index.js';
import { aptRepositoryModule, normalSource, suggestFilename } from '../../src/modules/apt-repository.js';

const pos = { file: 'site.yml', line: 2, col: 5 };

test('apt_repository names files as ansible-core does', () => {
  const cases: Array<[string, string | undefined, string]> = [
    ['deb http://dl.google.com/linux/chrome/deb/ stable main', undefined, 'dl_google_com_linux_chrome_deb.list'],
    ['deb [arch=amd64 signed-by=/k.gpg] https://user:pw@repo.example.com/apt bookworm main', undefined, 'repo_example_com_apt.list'],
    ['deb [trusted=yes] file:/srv/repo ./', undefined, 'file_srv_repo.list'],
    ['deb http://x/ y z', 'mine', 'mine.list'],
  ];
  for (const [repo, filename, want] of cases) assert.equal(suggestFilename(normalSource(repo)!, filename), want);
  assert.equal(normalSource('  deb   http://x/  y   z '), 'deb http://x/ y z');
  assert.equal(normalSource('rpm http://x/ y z'), undefined);
});

const BAD: Array<[Vars, RegExp]> = [
  [{ repo: 'ppa:nginx/stable' }, /PPAs are not supported/],
  [{ repo: 'http://x/ y z' }, /Invalid repository string: http:\/\/x\/ y z/],
  [{ repo: 'deb http://x/ y z', filename: 'a/b' }, /filename is a name in sources.list.d/],
  [{ repo: 'deb http://x/ y z', state: 'enabled' }, /value of 'state' must be one of: absent, present/],
  [{ repo: 'deb http://x/ y z', codename: 'jammy' }, /'codename' is not supported/],
  [{ repo: 'deb http://x/ y z', update_cach: false }, /unsupported parameter 'update_cach'/],
];

for (const [args, message] of BAD) {
  test(`apt_repository refuses ${JSON.stringify(args)} at load`, () => {
    assert.throws(() => aptRepositoryModule.validate!(args, pos), message);
  });
}
