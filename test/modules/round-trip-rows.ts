/**
 * The round-trip table: module calls and the commands each may send. An
 * unchanged stat, file or copy is one command on the target, a changed
 * copy or template two; a command with its creates/removes check, slurp,
 * fetch, find and tempfile one, assemble one or two.
 * round-trips.test.ts runs it on the local transport,
 * test/system/modules-fleet.test.ts on real sshd hosts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Module } from '../../src/modules/types.js';
import { statModule } from '../../src/modules/stat.js';
import { fileModule } from '../../src/modules/file.js';
import { copyModule } from '../../src/modules/copy.js';
import { templateModule } from '../../src/modules/template.js';
import { commandModule } from '../../src/modules/command.js';
import { shellModule } from '../../src/modules/shell.js';
import { slurpModule } from '../../src/modules/slurp.js';
import { fetchModule } from '../../src/modules/fetch.js';
import { findModule } from '../../src/modules/find.js';
import { tempfileModule } from '../../src/modules/tempfile.js';
import { assembleModule } from '../../src/modules/assemble.js';

export interface TripRow {
  name: string;
  module: Module;
  args: Record<string, unknown>;
  changed: boolean;
  trips: number;
}

export const ROWS: TripRow[] = [
  { name: 'stat', module: statModule, args: { path: 'f' }, changed: false, trips: 1 },
  { name: 'file unchanged', module: fileModule, args: { path: 'f', mode: '0644' }, changed: false, trips: 1 },
  { name: 'file mode changed', module: fileModule, args: { path: 'f', mode: '0600' }, changed: true, trips: 2 },
  { name: 'file directory created', module: fileModule, args: { path: 'd/e', state: 'directory' }, changed: true, trips: 2 },
  { name: 'copy unchanged', module: copyModule, args: { content: 'x\n', dest: 'f' }, changed: false, trips: 1 },
  { name: 'copy changed', module: copyModule, args: { content: 'y\n', dest: 'f', mode: '0600', backup: true }, changed: true, trips: 2 },
  { name: 'copy new', module: copyModule, args: { content: 'y\n', dest: 'g' }, changed: true, trips: 2 },
  { name: 'copy of a directory unchanged', module: copyModule, args: { src: 'conf/', dest: 'cdir/' }, changed: false, trips: 1 },
  { name: 'copy of a directory changed', module: copyModule, args: { src: 'conf/', dest: 'cdir2/' }, changed: true, trips: 2 },
  { name: 'template unchanged', module: templateModule, args: { src: 't.j2', dest: 'f' }, changed: false, trips: 1 },
  { name: 'template changed', module: templateModule, args: { src: 't.j2', dest: 'g' }, changed: true, trips: 2 },
  { name: 'command skipped by creates', module: commandModule, args: { _raw_params: 'touch g', creates: 'f' }, changed: false, trips: 1 },
  { name: 'command run after its creates check', module: commandModule, args: { _raw_params: 'touch g', creates: 'g', chdir: '.' }, changed: true, trips: 1 },
  { name: 'shell run after its removes check', module: shellModule, args: { _raw_params: 'cat f', removes: 'f' }, changed: true, trips: 1 },
  { name: 'slurp', module: slurpModule, args: { src: 'f' }, changed: false, trips: 1 },
  { name: 'fetch new', module: fetchModule, args: { src: 'f', dest: 'fetched' }, changed: true, trips: 1 },
  { name: 'find recursive with contains and checksums', module: findModule, args: { paths: '.', recurse: true, contains: 'x', get_checksum: true }, changed: false, trips: 1 },
  { name: 'tempfile', module: tempfileModule, args: { path: '.' }, changed: true, trips: 1 },
  { name: 'assemble unchanged', module: assembleModule, args: { src: 'cdir/sub', dest: 'f2' }, changed: false, trips: 1 },
  { name: 'assemble changed', module: assembleModule, args: { src: 'cdir/sub', dest: 'f' }, changed: true, trips: 2 },
];

/** The target's files (`root`) and the controller's project files every row expects. */
export function prepareRow(root: string, project: string): void {
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'f'), 'x\n');
  fs.chmodSync(path.join(root, 'f'), 0o644);
  fs.mkdirSync(path.join(project, 'templates'), { recursive: true });
  fs.mkdirSync(path.join(project, 'files', 'conf', 'sub'), { recursive: true });
  fs.mkdirSync(path.join(root, 'cdir', 'sub'), { recursive: true });
  for (const base of [path.join(project, 'files', 'conf'), path.join(root, 'cdir')]) {
    fs.writeFileSync(path.join(base, 'sub', 'y'), 'y\n');
    fs.chmodSync(path.join(base, 'sub', 'y'), 0o644);
  }
  fs.writeFileSync(path.join(project, 'templates', 't.j2'), '{{ "x" }}\n');
  fs.writeFileSync(path.join(root, 'f2'), 'y\n');
}
