/** The transfer cases: what a task does to a host root, as ansible-core 2.14 does it (run by ../transfer-cases.test.ts and the system oracle). */
import { createHash } from 'node:crypto';
import type { Case } from '../cases.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const b64 = (s: string) => Buffer.from(s).toString('base64');

export const CASES: Case[] = [
  // slurp
  { name: 'slurp a file', setup: { 'etc/key': 'secret\n' }, task: 'slurp: {src: "@R/etc/key"}', status: 'ok',
    result: { changed: false, content: b64('secret\n'), encoding: 'base64', source: '@R/etc/key' }, execs: 1 },
  { name: 'slurp a missing file', task: 'slurp: {path: "@R/bin"}', status: 'failed', again: 'failed',
    result: { msg: 'file not found: @R/bin' } },
  { name: 'slurp a directory', setup: { d: { dir: true } }, task: 'slurp: {src: "@R/d"}', status: 'failed', again: 'failed',
    result: { msg: 'source is a directory and must be a file: @R/d' } },
  { name: 'slurp a file with a quote and a dollar in its name', setup: { "it's $x": 'q' }, task: "slurp: {src: \"@R/it's $x\"}", status: 'ok',
    result: { content: b64('q') } },
  // fetch
  { name: 'fetch into dest/<host>/<path>, then unchanged', departs: { check: 'ansible-core skips fetch in check mode; playwatch predicts' }, setup: { 'app/log.txt': 'line\n' }, task: 'fetch: {src: "@R/app/log.txt", dest: fetched}', status: 'changed',
    result: { changed: true, checksum: sha1('line\n'), remote_checksum: sha1('line\n'), md5sum: md5('line\n'), remote_md5sum: null, dest: /\/fetched\/h1@R\/app\/log\.txt$/ },
    controller: { 'fetched/h1@R/app/log.txt': 'line\n' }, execs: 1 },
  { name: 'fetch flat into a directory named with a slash', departs: { check: 'ansible-core skips fetch in check mode; playwatch predicts' }, setup: { 'app/log.txt': 'flat\n' }, task: 'fetch: {src: "@R/app/log.txt", dest: out/, flat: true}', status: 'changed',
    result: { dest: /\/out\/log\.txt$/ }, controller: { 'out/log.txt': 'flat\n' } },
  { name: 'fetch flat to a file name', departs: { check: 'ansible-core skips fetch in check mode; playwatch predicts' }, setup: { 'app/log.txt': 'named\n' }, task: 'fetch: {src: "@R/app/log.txt", dest: "logs/{{ inventory_hostname }}.txt", flat: true}', status: 'changed',
    controller: { 'logs/h1.txt': 'named\n' } },
  { name: 'fetch of a missing file fails', departs: { check: 'ansible-core skips fetch in check mode; playwatch predicts' }, task: 'fetch: {src: "@R/nope", dest: fetched}', status: 'failed', again: 'failed',
    result: { msg: 'the remote file does not exist, not transferring, ignored' } },
  { name: 'fetch of a missing file with fail_on_missing false', departs: { check: 'ansible-core skips fetch in check mode; playwatch predicts' }, task: 'fetch: {src: "@R/nope", dest: fetched, fail_on_missing: false}', status: 'ok',
    result: { changed: false, file: '@R/nope', msg: 'the remote file does not exist, not transferring, ignored' } },
  { name: 'fetch of a directory fails', departs: { check: 'ansible-core skips fetch in check mode; playwatch predicts' }, setup: { d: { dir: true } }, task: 'fetch: {src: "@R/d", dest: fetched}', status: 'failed', again: 'failed',
    result: { msg: 'remote file is a directory, fetch cannot work on directories' } },
  { name: 'fetch of a relative path climbing out of dest is refused', departs: { run: 'ansible-core writes the file outside dest; playwatch refuses', check: 'ansible-core skips fetch in check mode' }, task: 'fetch: {src: "../../../etc/passwd", dest: fetched}', status: 'failed', again: 'failed',
    result: { msg: /^Detected directory traversal/ } },
  // tempfile
  { name: 'tempfile makes a 0600 file in path', setup: { tmp: { dir: true } }, task: 'tempfile: {path: "@R/tmp", prefix: "pw.", suffix: .conf}', status: 'changed', checked: 'skipped', again: 'changed',
    result: { changed: true, path: /^@R\/tmp\/pw\.[A-Za-z0-9]{8}\.conf$/, mode: '0600', state: 'file', size: 0 }, execs: 1 },
  { name: 'tempfile makes a 0700 directory', setup: { tmp: { dir: true } }, task: 'tempfile: {path: "@R/tmp", state: directory}', status: 'changed', checked: 'skipped', again: 'changed',
    result: { path: /^@R\/tmp\/ansible\.[A-Za-z0-9]{8}$/, mode: '0700', state: 'directory' } },
  { name: 'tempfile in a missing directory fails', task: 'tempfile: {path: "@R/nowhere"}', status: 'failed', checked: 'skipped', again: 'failed',
    result: { msg: /^could not create a temporary file/ } },
];

