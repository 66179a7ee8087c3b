/**
 * A tiny Debian package and a local file repository for offline `apt`
 * tests: `playwatch-test-pkg` (one file under /opt/playwatch-test) built
 * with `dpkg-deb --build` in the versions asked for, a `Packages` index
 * (dpkg-scanpackages, else apt-ftparchive, else written here), and an
 * apt configuration (APT_CONFIG) whose only source is that repository and
 * whose lists and cache are the repository's own, so `apt-get update`
 * never reaches the network nor touches the machine's lists.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEST_PKG = 'playwatch-test-pkg';
export const TEST_FILE = '/opt/playwatch-test/hello.txt';

export interface DebRepo {
  dir: string;
  /** The repository folder (`deb [trusted=yes] file:<repo> ./`). */
  repo: string;
  /** The apt configuration file to hand over as APT_CONFIG. */
  aptConfig: string;
  /** Each version's .deb. */
  debs: Record<string, string>;
}

function sh(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

function buildDeb(dir: string, version: string): string {
  const root = path.join(dir, `build-${version}`);
  fs.mkdirSync(path.join(root, 'DEBIAN'), { recursive: true });
  fs.mkdirSync(path.join(root, path.dirname(TEST_FILE)), { recursive: true });
  fs.writeFileSync(path.join(root, TEST_FILE), `playwatch test package ${version}\n`);
  fs.writeFileSync(path.join(root, 'DEBIAN/control'), [
    `Package: ${TEST_PKG}`, `Version: ${version}`, 'Architecture: all', 'Maintainer: playwatch tests <tests@invalid>',
    'Section: misc', 'Priority: optional', 'Description: harmless package the playwatch tests install and remove', '',
  ].join('\n'));
  const deb = path.join(dir, `${TEST_PKG}_${version}_all.deb`);
  sh('dpkg-deb', ['--root-owner-group', '--build', root, deb]);
  return deb;
}

/** The Packages stanza of one .deb, for machines with neither indexer. */
function stanza(deb: string, repo: string): string {
  const control = sh('dpkg-deb', ['-f', deb]).trimEnd();
  const data = fs.readFileSync(deb);
  const hash = (alg: string) => crypto.createHash(alg).update(data).digest('hex');
  return `${control}\nFilename: ./${path.relative(repo, deb)}\nSize: ${data.length}\nMD5sum: ${hash('md5')}\nSHA256: ${hash('sha256')}\n`;
}

function writeIndex(repo: string, debs: string[]): void {
  const has = (p: string) => spawnSync('sh', ['-c', `command -v ${p}`]).status === 0;
  let index: string;
  if (has('dpkg-scanpackages')) index = sh('dpkg-scanpackages', ['-m', '.', '/dev/null'], repo);
  else if (has('apt-ftparchive')) index = sh('apt-ftparchive', ['packages', '.'], repo);
  else index = debs.map((d) => stanza(d, repo)).join('\n');
  fs.writeFileSync(path.join(repo, 'Packages'), index);
}

/** A repository offering `inRepo` versions; `debs` has a .deb of every version in `versions`. */
export function makeDebRepo(versions: string[], inRepo: string[] = versions): DebRepo {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-apt-'));
  // apt-get fetches as the _apt user where it can.
  fs.chmodSync(dir, 0o755);
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(repo);
  const debs: Record<string, string> = {};
  for (const v of versions) debs[v] = buildDeb(dir, v);
  for (const v of inRepo) fs.copyFileSync(debs[v], path.join(repo, path.basename(debs[v])));
  writeIndex(repo, inRepo.map((v) => path.join(repo, path.basename(debs[v]))));
  for (const d of ['lists/partial', 'cache/archives/partial', 'parts']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.writeFileSync(path.join(dir, 'sources.list'), `deb [trusted=yes] file:${repo} ./\n`);
  const aptConfig = path.join(dir, 'apt.conf');
  fs.writeFileSync(aptConfig, [
    `Dir::Etc::sourcelist "${dir}/sources.list";`,
    `Dir::Etc::sourceparts "${dir}/parts";`,
    `Dir::State::lists "${dir}/lists/";`,
    `Dir::Cache "${dir}/cache/";`,
    '',
  ].join('\n'));
  // The repository's lists as a machine that has run apt-get update before has them (check mode reads them).
  const update = spawnSync('apt-get', ['update', '-q'], { encoding: 'utf8', env: { ...process.env, APT_CONFIG: aptConfig } });
  if (update.status !== 0) throw new Error(`apt-get update of the test repository: ${update.stderr}`);
  return { dir, repo, aptConfig, debs };
}

/** Removes the test package from this machine (dpkg --purge), whatever state it is in. */
export function purgeTestPkg(): void {
  spawnSync('dpkg', ['--purge', TEST_PKG], { encoding: 'utf8' });
}

/** The installed version of the test package, or undefined. */
export function installedVersion(): string | undefined {
  const r = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}${Version}', TEST_PKG], { encoding: 'utf8' });
  return r.status === 0 && /^[ih]i/.test(r.stdout) ? r.stdout.slice(3) : undefined;
}
