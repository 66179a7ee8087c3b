/**
 * The round-trip table: module calls and the commands each may send.
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
}
