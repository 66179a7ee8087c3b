/**
 * The stat, file, copy and template cases: arguments, the target's files
 * before, and the status, result keys and files after, as ansible-core
 * 2.14 behaves. files.test.ts runs them on the local transport,
 * test/system/modules-fleet.test.ts on real sshd hosts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Entry } from './files-helpers.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export interface FileCase {
  name: string;
  setup?: Record<string, Entry>;
  task: string;
  status: 'changed' | 'ok' | 'failed';
  /** Keys the registered result must have (RegExp for strings that vary). */
  result?: Record<string, unknown>;
  /** The host root afterwards: path → entry, or 'absent'. */
  after?: Record<string, Entry | 'absent'>;
  /** The --check run's status when it cannot know (validate runs only for real, as in ansible-core). */
  checked?: 'changed';
  /** The second run's status when it is not `ok` (touch always changes; a failure fails again). */
  again?: 'changed' | 'failed';
}

/** What the expectations depend on: the target's umask and uid, and the host's inventory name. */
export interface Target {
  umask: number;
  uid: number;
  host: string;
}

/** The table for one target host. */
export function fileCases(t: Target): FileCase[] {
  const NEW = 0o666 & ~t.umask;
  const NEW_DIR = 0o777 & ~t.umask;
  return [
    // stat
    { name: 'stat of a file', setup: { f: { content: 'hello\n', mode: 0o640 } }, task: 'stat: {path: f}', status: 'ok',
      result: { stat: { exists: true, isreg: true, isdir: false, islnk: false, mode: '0640', size: 6, checksum: sha1('hello\n'), rusr: true, wgrp: false, path: 'f' } } },
    { name: 'stat of a missing path', task: 'stat: path=nope', status: 'ok', result: { stat: { exists: false } } },
    { name: 'stat of a link without follow', setup: { f: 'x', l: { link: 'f' } }, task: 'stat: {path: l}', status: 'ok',
      result: { stat: { exists: true, islnk: true, isreg: false, lnk_target: 'f', mode: '0777' } } },
    { name: 'stat of a link with follow', setup: { f: 'x', l: { link: 'f' } }, task: 'stat: {path: l, follow: true}', status: 'ok',
      result: { stat: { exists: true, islnk: false, isreg: true, checksum: sha1('x') } } },
    { name: 'stat of a directory, no checksum asked', setup: { d: { dir: true, mode: 0o750 } }, task: 'stat: {path: d, get_checksum: false}', status: 'ok',
      result: { stat: { exists: true, isdir: true, mode: '0750' } } },
    { name: 'stat with checksum_algorithm sha256', setup: { f: 'abc' }, task: 'stat: {path: f, checksum_algorithm: sha256}', status: 'ok',
      result: { stat: { checksum: createHash('sha256').update('abc').digest('hex') } } },
    // file
    { name: 'file creates nested directories with the mode on each', task: "file: {path: d/e, state: directory, mode: '0750'}", status: 'changed',
      result: { path: 'd/e', state: 'directory', mode: '0750' }, after: { d: { dir: true, mode: 0o750 }, 'd/e': { dir: true, mode: 0o750 } } },
    { name: 'file directory that exists', setup: { d: { dir: true, mode: NEW_DIR } }, task: 'file: path=d state=directory', status: 'ok', result: { state: 'directory' } },
    { name: 'file applies a symbolic mode', setup: { f: { content: 'x', mode: 0o644 } }, task: "file: {path: f, mode: 'u=rw,g=,o='}", status: 'changed',
      result: { mode: '0600', state: 'file' }, after: { f: { content: 'x', mode: 0o600 } } },
    { name: 'file state=file on a missing path fails', task: 'file: {path: nope, state: file}', status: 'failed', again: 'failed',
      result: { msg: 'file (nope) is absent, cannot continue' } },
    { name: 'file absent removes a tree', setup: { 'd/e/f': 'x' }, task: 'file: {path: d, state: absent}', status: 'changed',
      result: { path: 'd', state: 'absent' }, after: { d: 'absent' } },
    { name: 'file absent on a missing path', task: 'file: {path: d, state: absent}', status: 'ok', result: { state: 'absent' } },
    { name: 'file touch creates a file and always reports a change', task: 'file: {path: t, state: touch}', status: 'changed', again: 'changed',
      result: { dest: 't', state: 'file', mode: NEW.toString(8).padStart(4, '0') }, after: { t: { content: '', mode: NEW } } },
    { name: 'file link', setup: { f: 'x', sub: { dir: true } }, task: 'file: {path: sub/l, src: ../f, state: link}', status: 'changed',
      result: { dest: 'sub/l', src: '../f', state: 'link' }, after: { 'sub/l': { link: '../f' } } },
    { name: 'file link pointed elsewhere is repointed', setup: { f: 'x', g: 'y', l: { link: 'f' } }, task: 'file: {path: l, src: g, state: link}', status: 'changed',
      after: { l: { link: 'g' } } },
    { name: 'file link to a missing src needs force (check mode assumes an earlier task creates it)', task: 'file: {path: l, src: nowhere, state: link}', status: 'failed', checked: 'changed', again: 'failed',
      result: { msg: /^src file does not exist, use "force=yes" if you really want to create the link: / } },
    { name: 'file link with force to a missing src', task: 'file: {path: l, src: nowhere, state: link, force: true}', status: 'changed', after: { l: { link: 'nowhere' } } },
    { name: 'file link refuses to replace a file', setup: { f: 'x', l: 'y' }, task: 'file: {path: l, src: f, state: link}', status: 'failed', again: 'failed',
      result: { msg: 'refusing to convert from file to symlink for l' } },
    { name: 'file hard link', setup: { f: 'x' }, task: 'file: {path: h, src: f, state: hard}', status: 'changed', result: { state: 'hard', src: 'f' }, after: { h: { content: 'x', mode: NEW } } },
    { name: 'file hard link to a missing src fails', task: 'file: {path: h, src: nope, state: hard}', status: 'failed', again: 'failed', result: { msg: 'src does not exist', src: 'nope' } },
    { name: 'file recurse sets modes below a directory', setup: { 'd/a': { content: 'a', mode: 0o600 }, 'd/b/c': { content: 'c', mode: 0o600 } },
      task: "file: {path: d, state: directory, recurse: true, mode: 'u=rwX,g=rX,o='}", status: 'changed',
      after: { d: { dir: true, mode: 0o750 }, 'd/a': { content: 'a', mode: 0o640 }, 'd/b': { dir: true, mode: 0o750 }, 'd/b/c': { content: 'c', mode: 0o640 } } },
    { name: 'file owner given as the current uid changes nothing', setup: { f: { content: 'x', mode: 0o644 } }, task: `file: {path: f, owner: '${t.uid}'}`, status: 'ok' },
    // copy
    { name: 'copy content to a new file', task: "copy: {content: \"one\\ntwo\\n\", dest: f1, mode: '0640'}", status: 'changed',
      result: { dest: 'f1', checksum: sha1('one\ntwo\n'), md5sum: md5('one\ntwo\n'), mode: '0640', size: 8, state: 'file', uid: t.uid },
      after: { f1: { content: 'one\ntwo\n', mode: 0o640 } } },
    { name: 'copy content already there', setup: { f1: { content: 'same', mode: 0o644 } }, task: 'copy: {content: same, dest: f1}', status: 'ok',
      result: { changed: false, dest: 'f1', path: 'f1', checksum: sha1('same'), mode: '0644' } },
    { name: 'copy keeps a backup of what it replaces', setup: { f1: { content: 'old\n', mode: 0o604 } }, task: 'copy: {content: "new\\n", dest: f1, backup: true}', status: 'changed',
      result: { backup_file: /^f1\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/, mode: '0604' }, after: { f1: { content: 'new\n', mode: 0o604 } } },
    { name: 'copy a file from files/ into a directory', setup: { etc: { dir: true } }, task: 'copy: {src: app.conf, dest: etc/}', status: 'changed',
      result: { dest: 'etc/app.conf', src: /\/files\/app\.conf$/ }, after: { 'etc/app.conf': { content: 'port=80\n', mode: NEW } } },
    { name: 'copy into an existing directory without a slash', setup: { etc: { dir: true } }, task: 'copy: {src: app.conf, dest: etc}', status: 'changed',
      result: { dest: 'etc/app.conf' }, after: { 'etc/app.conf': { content: 'port=80\n', mode: NEW } } },
    { name: 'copy with force false leaves an existing file', setup: { f: 'mine' }, task: 'copy: {content: theirs, dest: f, force: false}', status: 'ok', after: { f: { content: 'mine', mode: NEW } } },
    { name: 'copy changes only the mode when the content matches', setup: { f: { content: 'x', mode: 0o644 } }, task: "copy: {content: x, dest: f, mode: '0600'}", status: 'changed',
      result: { mode: '0600' }, after: { f: { content: 'x', mode: 0o600 } } },
    { name: 'copy with mode preserve takes the source mode', task: 'copy: {src: run.sh, dest: run.sh, mode: preserve}', status: 'changed', after: { 'run.sh': { content: '#!/bin/sh\n', mode: 0o755 } } },
    { name: 'copy refused by validate leaves the file', setup: { f: { content: 'good', mode: 0o644 } }, task: 'copy: {content: bad, dest: f, validate: "grep -q good %s"}', status: 'failed', checked: 'changed', again: 'failed',
      result: { msg: /^failed to validate: rc:1/ }, after: { f: { content: 'good', mode: 0o644 } } },
    { name: 'copy into a missing directory fails (check mode assumes an earlier task creates it)', task: 'copy: {content: x, dest: nodir/f}', status: 'failed', checked: 'changed', again: 'failed', result: { msg: 'Destination directory nodir does not exist' } },
    { name: 'copy with remote_src copies on the target', setup: { a: { content: 'remote', mode: 0o600 } }, task: 'copy: {src: a, dest: b, remote_src: true}', status: 'changed',
      result: { checksum: sha1('remote') }, after: { b: { content: 'remote', mode: NEW } } },
    { name: 'copy structured content as JSON', task: 'copy: {content: {a: 1}, dest: j}', status: 'changed', after: { j: { content: '{"a":1}', mode: NEW } } },
    { name: 'copy content onto a directory fails', setup: { d: { dir: true } }, task: 'copy: {content: x, dest: d}', status: 'failed', again: 'failed',
      result: { msg: 'can not use content with a dir as dest' } },
    { name: 'copy a file into a new directory named with a slash', task: 'copy: {src: app.conf, dest: new/}', status: 'changed',
      result: { dest: 'new/app.conf' }, after: { 'new/app.conf': { content: 'port=80\n', mode: NEW } } },
    { name: 'file directory over a file fails', setup: { f: 'x' }, task: 'file: {path: f, state: directory}', status: 'failed', again: 'failed',
      result: { msg: 'f already exists as a file' } },
    { name: "copy a directory's contents (src ending in /)", task: 'copy: {src: conf/, dest: one/}', status: 'changed',
      result: { dest: 'one/', src: /\/files\/conf\/$/ },
      after: { one: { dir: true, mode: NEW_DIR }, 'one/a.txt': { content: 'a\n', mode: NEW }, 'one/sub/b.txt': { content: 'b\n', mode: NEW } } },
    { name: 'copy a directory itself with directory_mode on the directories it creates', setup: { 'two/conf/a.txt': { content: 'old\n', mode: 0o600 } },
      task: "copy: {src: conf, dest: two, directory_mode: '0750', mode: '0640'}", status: 'changed', result: { dest: 'two/', src: /\/files\/conf$/ },
      after: { 'two/conf/a.txt': { content: 'a\n', mode: 0o640 }, 'two/conf/sub': { dir: true, mode: 0o750 }, 'two/conf/sub/b.txt': { content: 'b\n', mode: 0o640 } } },
    // template
    { name: 'template renders with host vars and template variables', task: "template: {src: app.j2, dest: app.conf, mode: '0644'}", status: 'changed',
      result: { dest: 'app.conf', mode: '0644', src: /\/templates\/app\.j2$/ }, after: { 'app.conf': { content: `# Ansible managed\nhost=${t.host} port=8080\npath=app.j2 host=${os.hostname()}\n`, mode: 0o644 } } },
    { name: 'template with an undefined variable fails naming the template', task: 'template: {src: broken.j2, dest: b}', status: 'failed', again: 'failed',
      result: { msg: /in template broken\.j2: .*'nope' is undefined/ }, after: { b: 'absent' } },
  ];
}

/** The project every case runs in: files/ and templates/ the cases name, an inventory of one local host h1. */
export const PROJECT: Record<string, string> = {
  'inventory.ini': '[all]\nh1 ansible_connection=local app_port=8080\n',
  'files/app.conf': 'port=80\n',
  'files/run.sh': '#!/bin/sh\n',
  'files/conf/a.txt': 'a\n',
  'files/conf/sub/b.txt': 'b\n',
  'templates/app.j2': '# {{ ansible_managed }}\nhost={{ inventory_hostname }} port={{ app_port }}\npath={{ template_path }} host={{ template_host }}\n',
  'templates/broken.j2': 'x={{ nope }}\n',
};

/** A one-task playbook for a case, on `hosts`. */
export const playbook = (task: string, hosts = 'all') => `- hosts: ${hosts}\n  gather_facts: false\n  tasks:\n    - name: case\n      ${task}\n`;

/** Writes the case's project files into `dir` (the mode-preserve case needs an executable source). */
export function writeProject(dir: string, c: FileCase, files: Record<string, string> = {}): void {
  for (const [rel, content] of Object.entries({ ...PROJECT, ...files })) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  if (c.name.includes('mode preserve')) fs.chmodSync(path.join(dir, 'files/run.sh'), 0o755);
}
