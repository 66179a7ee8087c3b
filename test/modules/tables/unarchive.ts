/** The unarchive cases: what a task does to a host root, as ansible-core 2.14 does it (run by ../unarchive-cases.test.ts and the system oracle). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Case } from '../cases.js';

const ARC = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-arc-'));
fs.mkdirSync(path.join(ARC, 'src/app/conf'), { recursive: true });
fs.writeFileSync(path.join(ARC, 'src/app/conf/a.conf'), 'v=1\n');
fs.writeFileSync(path.join(ARC, 'src/app/run'), 'bin\n');
execFileSync('tar', ['czf', '../app.tar.gz', 'app'], { cwd: path.join(ARC, 'src') });
execFileSync('tar', ['cf', '../app.tar', 'app'], { cwd: path.join(ARC, 'src') });
execFileSync('zip', ['-qr', '../app.zip', 'app'], { cwd: path.join(ARC, 'src') });
fs.writeFileSync(path.join(ARC, 'empty.tar.gz'), '');
fs.writeFileSync(path.join(ARC, 'junk.tar.gz'), 'not an archive\n');

const FILES = ['app/', 'app/conf/', 'app/conf/a.conf', 'app/run'];
const UNPACKED = { 'dest/app/conf/a.conf': { content: 'v=1\n', mode: fs.statSync(path.join(ARC, 'src/app/conf/a.conf')).mode & 0o7777 }, 'dest/app/run': { content: 'bin\n', mode: fs.statSync(path.join(ARC, 'src/app/run')).mode & 0o7777 } };
const DEST = { dest: { dir: true as const } };

export const CASES: Case[] = [
  { name: 'unarchive a tar.gz from the controller, with list_files', departs: { check: 'ansible-core skips tar archives in check mode; playwatch predicts' }, setup: DEST, task: `unarchive: {src: ${ARC}/app.tar.gz, dest: "@R/dest", list_files: true}`, status: 'changed', execs: 1,
    result: { changed: true, dest: '@R/dest', handler: 'TgzArchive', files: FILES, state: 'directory', extract_results: { rc: 0, err: '', cmd: [/\/tar$/, '--extract', '-C', '@R/dest', '-z', '-f', /\/source$/] } },
    after: UNPACKED },
  { name: 'unarchive a plain tar', departs: { check: 'ansible-core skips tar archives in check mode; playwatch predicts' }, setup: DEST, task: `unarchive: {src: ${ARC}/app.tar, dest: "@R/dest"}`, status: 'changed', result: { handler: 'TarArchive' }, absent: ['files'], after: UNPACKED },
  { name: 'unarchive a zip already on the target', setup: DEST, task: `unarchive: {src: ${ARC}/app.zip, dest: "@R/dest", remote_src: true, list_files: true}`, status: 'changed',
    result: { handler: 'ZipArchive', src: `${ARC}/app.zip`, files: FILES, extract_results: { rc: 0, cmd: [/\/unzip$/, '-o', `${ARC}/app.zip`, '-d', '@R/dest'] } }, after: UNPACKED },
  { name: 'unarchive a tar.gz unpacked but changed since is unpacked again', departs: { check: 'ansible-core skips tar archives in check mode; playwatch predicts' }, setup: { ...DEST, 'dest/app/conf/a.conf': 'v=2\n' }, task: `unarchive: {src: ${ARC}/app.tar.gz, dest: "@R/dest"}`, status: 'changed', after: UNPACKED },
  { name: 'unarchive a zip with a changed file unpacks again', setup: { ...DEST, 'dest/app/conf/a.conf': 'v=2\n', 'dest/app/run': 'bin\n' }, task: `unarchive: {src: ${ARC}/app.zip, dest: "@R/dest"}`, status: 'changed', after: UNPACKED },
  { name: 'unarchive skipped by creates', setup: { ...DEST, 'dest/app': { dir: true } }, task: `unarchive: {src: ${ARC}/app.tar.gz, dest: "@R/dest", creates: "@R/dest/app"}`, status: 'skipped', again: 'skipped',
    result: { msg: 'skipped, since @R/dest/app exists' }, after: { 'dest/app/run': 'absent' } },
  { name: 'unarchive into a missing directory fails (check mode assumes an earlier task creates it)', departs: { check: 'ansible-core fails in check mode too; playwatch assumes an earlier task creates the directory, as its copy does' },
    task: `unarchive: {src: ${ARC}/app.tar.gz, dest: "@R/nope"}`, status: 'failed', checked: 'changed', again: 'failed', result: { msg: "dest '@R/nope' must be an existing dir" } },
  { name: 'unarchive with exclude', departs: { check: 'ansible-core skips tar archives in check mode; playwatch predicts' }, setup: DEST, task: `unarchive: {src: ${ARC}/app.tar.gz, dest: "@R/dest", exclude: [app/run], list_files: true}`, status: 'changed',
    result: { files: ['app/', 'app/conf/', 'app/conf/a.conf'] }, after: { 'dest/app/run': 'absent', 'dest/app/conf/a.conf': UNPACKED['dest/app/conf/a.conf'] } },
  { name: 'unarchive a zip with exclude', setup: DEST, task: `unarchive: {src: ${ARC}/app.zip, dest: "@R/dest", exclude: [app/run]}`, status: 'changed',
    after: { 'dest/app/run': 'absent', 'dest/app/conf/a.conf': UNPACKED['dest/app/conf/a.conf'] } },
  { name: 'unarchive with a mode on every unpacked file', departs: { check: 'ansible-core skips tar archives in check mode; playwatch predicts' }, setup: DEST, task: `unarchive: {src: ${ARC}/app.tar, dest: "@R/dest", mode: '0700'}`, status: 'changed',
    after: { 'dest/app': { dir: true, mode: 0o700 }, 'dest/app/conf/a.conf': { content: 'v=1\n', mode: 0o700 }, 'dest/app/run': { content: 'bin\n', mode: 0o700 } } },
  { name: 'unarchive of an empty file fails', setup: DEST, task: `unarchive: {src: ${ARC}/empty.tar.gz, dest: "@R/dest", remote_src: true}`, status: 'failed', again: 'failed',
    result: { msg: `Invalid archive '${ARC}/empty.tar.gz', the file is 0 bytes` } },
  { name: 'unarchive of something that is no archive fails', departs: { check: 'ansible-core skips tar archives in check mode; playwatch predicts' }, setup: DEST, task: `unarchive: {src: ${ARC}/junk.tar.gz, dest: "@R/dest"}`, status: 'failed', again: 'failed',
    result: { msg: /^Failed to find handler for/ } },
  { name: 'unarchive of a missing target archive fails', setup: DEST, task: 'unarchive: {src: "@R/nope.tgz", dest: "@R/dest", remote_src: true}', status: 'failed', again: 'failed',
    result: { msg: "Source '@R/nope.tgz' does not exist" } },
];

