/** Shared helpers for the playbook loader tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModuleInfo } from '../../src/playbook/index.js';
import type { Task, TaskNode } from '../../src/model/index.js';

const NAMES = [
  'command', 'shell', 'raw', 'script', 'debug', 'set_fact', 'fail', 'assert', 'ping', 'pause',
  'include_vars', 'async_status', 'setup', 'copy', 'template', 'file',
];
const FREE_FORM = new Set(['command', 'shell', 'raw', 'script']);

/** The modules these tests assume, independent of `src/modules/`. */
export const testModules: ModuleInfo = {
  has: (n) => NAMES.includes(n),
  freeForm: (n) => FREE_FORM.has(n),
  names: () => NAMES,
};

/** Writes `files` (relative path → text) under a new temp dir and returns it. */
export function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-playbook-'));
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return dir;
}

/** Every task in document order, blocks flattened (block, rescue, always). */
export function flat(nodes: TaskNode[]): TaskNode[] {
  const out: TaskNode[] = [];
  for (const n of nodes) {
    out.push(n);
    if (n.kind === 'block') out.push(...flat(n.block), ...flat(n.rescue), ...flat(n.always));
  }
  return out;
}

/** The task named `name` (throws when there is none). */
export function byName(nodes: TaskNode[], name: string): Task {
  const t = flat(nodes).find((n) => n.name === name);
  if (!t || t.kind !== 'task') throw new Error(`no task named ${name}`);
  return t;
}

export const fixture = (...p: string[]) => path.join(process.cwd(), 'fixtures', 'playbook', ...p);
